import type { KubeObject, ResourceType } from '../../api/types.js';
import type { UserInfo } from '../auth/authenticator.js';

/**
 * What the admission chain knows about one write: kube's admission.Attributes. The HTTP
 * layer fills a RequestAttributes per request; the registry adds the operation and the
 * objects at each admission point (apiserver/registry/generic-registry.ts).
 */

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Per request, from the REST layer. */
export interface RequestAttributes {
  user: UserInfo;
  /** The version the client addressed (requestKind/requestResource); the storage version when unset. */
  requestVersion?: string;
  /** The group the client addressed when not the kind's own (events.k8s.io for core Events); the kind's group when unset. */
  requestGroup?: string;
  /** CreateOptions/UpdateOptions/PatchOptions/DeleteOptions/ConnectOptions as kube sends them in AdmissionReview.options. */
  options?: Record<string, unknown>;
  /** Warnings from webhooks and policies, for the `Warning:` response headers. Appended to. */
  warnings: string[];
  /** The field manager of a write: the fieldManager parameter, else derived from the User-Agent (managedFields). */
  fieldManager?: string;
  /** Annotations admission plugins add for the audit log (PodSecurity's enforce-policy, audit-violations). */
  auditAnnotations?: Record<string, string>;
}

/** One admission call. Objects are in the storage version. */
export interface AdmissionAttributes {
  operation: Operation;
  rt: ResourceType;
  namespace?: string;
  name: string;
  subresource?: string;
  /** The object being written (null for DELETE and for the mutating phase of a delete). */
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  request: RequestAttributes;
  /** CONNECT only: the kind of `object` (e.g. PodExecOptions), which is no stored kind. */
  connectKind?: string;
  /**
   * A subresource whose objects are of another kind than the resource (autoscaling/v1
   * Scale, v1 Binding, policy/v1 Eviction, v1 PodExecOptions): what AdmissionReview.kind
   * says; the objects are shown as they are, never converted.
   */
  subresourceKind?: { group: string; version: string; kind: string };
}

/** admissionregistration.k8s.io objects are never sent to webhooks or policies (kube avoids the deadlock). */
export function exemptFromAdmission(rt: ResourceType): boolean {
  return rt.group === 'admissionregistration.k8s.io';
}

/** What the registry calls at its two admission points (apiserver/admission/chain.ts implements it). */
export interface AdmissionHook {
  /** Whether any webhook or policy could concern a write of this kind (false: skip the chain, no await). */
  active(rt: ResourceType): boolean;
  /** Mutating admission: returns the object to go on with. */
  admit(attrs: AdmissionAttributes): Promise<KubeObject | null>;
  /** Validating admission: throws the refusal. */
  validate(attrs: AdmissionAttributes): Promise<void>;
  /** A write of an admission configuration kind, seen by this apiserver. */
  observe?(rt: ResourceType, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void;
}
