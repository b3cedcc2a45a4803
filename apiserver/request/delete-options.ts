import { ApiError, badRequest } from '../errors.js';
import type { DeleteOptions } from '../registry/generic-registry.js';

/**
 * DeleteOptions as kube-apiserver validates them, from whatever the transport gathered
 * (REST: the query string over the body; GraphQL: the mutation's arguments).
 */

export type PropagationPolicy = NonNullable<DeleteOptions['propagationPolicy']>;

export interface RawDeleteOptions {
  gracePeriodSeconds?: unknown;
  propagationPolicy?: unknown;
  orphanDependents?: unknown;
  preconditions?: unknown;
  dryRun?: boolean;
}

export function checkPropagationPolicy(policy: unknown): PropagationPolicy {
  if (policy === 'Orphan' || policy === 'Background' || policy === 'Foreground') return policy;
  throw new ApiError(
    422,
    'Invalid',
    `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${goQuote(String(policy))}: supported values: "Foreground", "Background", "Orphan", "nil"`,
    { group: 'meta.k8s.io', kind: 'DeleteOptions', causes: [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: ${goQuote(String(policy))}` }] },
  );
}

export function deleteOptionsFrom(raw: RawDeleteOptions): DeleteOptions {
  const opts: DeleteOptions = {};
  const grace = raw.gracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    if (typeof grace !== 'number' || !Number.isInteger(grace)) throw badRequest('gracePeriodSeconds must be an integer');
    opts.gracePeriodSeconds = grace;
  }
  const policy = raw.propagationPolicy ?? undefined;
  const orphan = raw.orphanDependents ?? undefined;
  if (policy !== undefined) {
    const checked = checkPropagationPolicy(policy);
    if (orphan !== undefined) {
      throw new ApiError(422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + String(policy) + '": orphanDependents and deletionPropagation cannot be both set');
    }
    opts.propagationPolicy = checked;
  } else if (orphan === true) {
    opts.propagationPolicy = 'Orphan';
  }
  const pre = raw.preconditions as DeleteOptions['preconditions'] | undefined;
  if (pre && typeof pre === 'object') opts.preconditions = pre;
  opts.dryRun = Boolean(raw.dryRun);
  return opts;
}

/** The DeleteOptions fields an AdmissionReview's options carry. */
export function deleteOptionsForAdmission(opts: DeleteOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.gracePeriodSeconds !== undefined) out.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.propagationPolicy) out.propagationPolicy = opts.propagationPolicy;
  if (opts.preconditions) out.preconditions = opts.preconditions;
  return out;
}

/** Go's %q of a string, as kube's messages print values (JSON quoting is close enough for ASCII). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
