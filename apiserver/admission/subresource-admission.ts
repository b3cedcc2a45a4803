import type { KubeObject, ResourceType } from '../../api/types.js';
import { parseKubeBool, type Query } from '../rest/query.js';
import type { AdmissionAttributes, AdmissionHook, Operation, RequestAttributes } from './attributes.js';

/**
 * Admission of the subresources whose objects are not the resource's own kind, as
 * kube-apiserver admits them: `scale` (UPDATE of an autoscaling/v1 Scale), `binding`
 * (CREATE of a v1 Binding), `eviction` (CREATE of a policy/v1 Eviction) and the CONNECT
 * requests (exec, attach, portforward, proxy: their v1 Pod*Options). Webhooks and
 * policies match `pods/binding`, `deployments/scale`… and see those objects; mutating
 * webhooks may patch them (a Scale's replicas, say), then the validating phase runs on
 * the result. The callers (rest/scale.ts, binding.ts, eviction.ts, the connect handlers,
 * and GraphQL through them) pass what the request carries; without request attributes
 * or a running chain nothing is called.
 */

export interface SubresourceAdmission {
  /** The running chain (Registries.admission); undefined before it starts. */
  chain: AdmissionHook | undefined;
  request: RequestAttributes;
}

export interface SubresourceCall {
  operation: Operation;
  rt: ResourceType;
  namespace: string | undefined;
  name: string;
  subresource: string;
  kind: { group: string; version: string; kind: string };
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
}

/** Mutating then validating admission of one subresource object; returns the object to go on with. */
export async function admitSubresource(admission: SubresourceAdmission | undefined, call: SubresourceCall): Promise<KubeObject | null> {
  const chain = admission?.chain;
  if (!admission || !chain || !chain.active(call.rt)) return call.object;
  const attrs = (object: KubeObject | null): AdmissionAttributes => ({
    operation: call.operation,
    rt: call.rt,
    namespace: call.rt.namespaced ? call.namespace : undefined,
    name: call.name,
    subresource: call.subresource,
    object,
    oldObject: call.oldObject,
    dryRun: call.dryRun,
    request: admission.request,
    subresourceKind: call.kind,
    ...(call.operation === 'CONNECT' ? { connectKind: call.kind.kind } : {}),
  });
  const mutated = (await chain.admit(attrs(call.object))) ?? call.object;
  await chain.validate(attrs(mutated));
  return mutated;
}

export const SCALE_KIND = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
export const BINDING_KIND = { group: '', version: 'v1', kind: 'Binding' };
export const EVICTION_KIND = { group: 'policy', version: 'v1', kind: 'Eviction' };

/** The options object kube admits for a CONNECT (exec → PodExecOptions…). */
export function connectKind(subresource: string): { group: string; version: string; kind: string } {
  const kinds: Record<string, string> = { exec: 'PodExecOptions', attach: 'PodAttachOptions', portforward: 'PodPortForwardOptions', proxy: 'PodProxyOptions' };
  return { group: '', version: 'v1', kind: kinds[subresource] ?? 'PodProxyOptions' };
}

/** The v1 Pod*Options a CONNECT is admitted with, from the query kubectl sends. */
export function connectOptions(sub: string, q: Query): KubeObject {
  const all = (key: string): string[] => {
    const v = (q as Record<string, unknown>)[key];
    return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
  };
  const bool = (key: string): boolean | undefined => (all(key).length === 0 ? undefined : parseKubeBool(all(key)[0]!));
  const out: Record<string, unknown> = { kind: connectKind(sub).kind, apiVersion: 'v1' };
  if (sub === 'portforward') {
    const ports = all('ports').flatMap((p) => p.split(',')).map(Number).filter((n) => Number.isInteger(n));
    if (ports.length > 0) out.ports = ports;
    return out as KubeObject;
  }
  for (const k of ['stdin', 'stdout', 'stderr', 'tty'] as const) {
    const v = bool(k);
    if (v !== undefined) out[k] = v;
  }
  const container = all('container')[0];
  if (container) out.container = container;
  if (sub === 'exec') out.command = all('command');
  return out as KubeObject;
}
