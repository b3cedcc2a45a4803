import type { RequestAttributes } from '../admission/attributes.js';
import type { UserInfo } from '../auth/authenticator.js';

/**
 * The request attributes the admission chain needs (who, which version, which options),
 * built once per write by whichever transport received it (rest/admission-request.ts,
 * graphql/operations.ts). Passing them in a registry write's options is what makes the
 * write go through admission; the apiserver's own writes pass none.
 */

const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export type AdmissionOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export interface AdmissionInput {
  /** Who asks; anonymous when unset. */
  user?: UserInfo;
  /** The version the client addressed. */
  version: string;
  /** The group the client addressed, when not the kind's own (a view served in another group). */
  group?: string;
  optionsKind: AdmissionOptionsKind;
  dryRun: boolean;
  fieldManager?: string;
  /** PatchOptions.force (server-side apply). */
  force?: boolean;
  /** The manager recorded in managedFields when fieldManager is absent (derived from the User-Agent by the transport). */
  defaultFieldManager?: string;
  /** Further option fields (a delete's gracePeriodSeconds, propagationPolicy, preconditions). */
  extra?: Record<string, unknown>;
}

/** The options are laid out as kube sends them in AdmissionReview.request.options. */
export function admissionAttributes(input: AdmissionInput): RequestAttributes {
  const options: Record<string, unknown> = { kind: input.optionsKind, apiVersion: 'meta.k8s.io/v1', ...(input.extra ?? {}) };
  if (input.dryRun) options.dryRun = ['All'];
  if (input.fieldManager && input.optionsKind !== 'DeleteOptions') options.fieldManager = input.fieldManager;
  if (input.optionsKind === 'PatchOptions' && input.force !== undefined) options.force = input.force;
  const fieldManager = input.fieldManager || input.defaultFieldManager;
  return {
    user: input.user ?? ANONYMOUS,
    requestVersion: input.version,
    ...(input.group !== undefined ? { requestGroup: input.group } : {}),
    options,
    warnings: [],
    ...(fieldManager ? { fieldManager } : {}),
  };
}
