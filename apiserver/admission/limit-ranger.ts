import type { KubeObject } from '../../api/types.js';
import type { LimitRange, LimitRangeItem } from '../../api/core/limit-range.js';
import { LIMIT_TYPE_CONTAINER, LIMIT_TYPE_POD, LIMIT_TYPE_PVC } from '../../api/core/limit-range.js';
import { canonicalQuantity, parseQuantityOr } from '../../api/quantity.js';

/**
 * kube's LimitRanger admission plugin as pure functions: on pod creation, containers
 * without requests or limits get the LimitRanges' defaults (and the pod the
 * `kubernetes.io/limit-ranger` annotation saying so); then every Container, Pod and
 * PersistentVolumeClaim item's min, max and maxLimitRequestRatio is checked, with kube's
 * messages. Pod updates are not checked (containers' resources are immutable).
 */

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type Quantities = Record<string, string | number>;
interface ContainerLike {
  name: string;
  resources?: { requests?: Quantities; limits?: Quantities };
}
interface PodLike {
  metadata: KubeObject['metadata'];
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
}

/** Millis rounded up, as Quantity.MilliValue (kube compares at that precision). */
function milli(q: string | number | undefined): number {
  return Math.ceil(parseQuantityOr(q) * 1000 - 1e-6);
}

const show = (q: string | number): string => {
  try {
    return canonicalQuantity(q);
  } catch {
    return String(q);
  }
};

function mergeDefaults(c: ContainerLike, defaults: { requests: Quantities; limits: Quantities }, prefix: string, notes: string[]): void {
  const res = (c.resources ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [k, v] of Object.entries(defaults.limits)) {
    if (res.limits?.[k] === undefined) {
      (res.limits ??= {})[k] = v;
      setLimits.push(k);
    }
  }
  for (const [k, v] of Object.entries(defaults.requests)) {
    if (res.requests?.[k] === undefined) {
      (res.requests ??= {})[k] = v;
      setRequests.push(k);
    }
  }
  if (setRequests.length > 0) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${c.name}`);
  if (setLimits.length > 0) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${c.name}`);
}

/** The mutating half: each LimitRange's Container defaults, applied in place (kube's PodMutateLimitFunc). */
export function applyLimitRangeDefaults(pod: KubeObject, ranges: readonly LimitRange[]): void {
  const p = pod as PodLike;
  for (const lr of ranges) {
    const defaults = { requests: {} as Quantities, limits: {} as Quantities };
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== LIMIT_TYPE_CONTAINER) continue;
      Object.assign(defaults.requests, item.defaultRequest ?? {});
      Object.assign(defaults.limits, item.default ?? {});
    }
    const notes: string[] = [];
    for (const c of p.spec?.containers ?? []) mergeDefaults(c, defaults, 'container', notes);
    for (const c of p.spec?.initContainers ?? []) mergeDefaults(c, defaults, 'init container', notes);
    if (notes.length > 0) {
      p.metadata.annotations = { ...(p.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
    }
  }
}

function minConstraint(type: string, name: string, enforced: string | number, req: Quantities, lim: Quantities): string | undefined {
  const e = milli(enforced);
  if (req[name] === undefined) return `minimum ${name} usage per ${type} is ${show(enforced)}.  No request is specified`;
  if (milli(req[name]) < e) return `minimum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req[name]!)}`;
  if (lim[name] !== undefined && milli(lim[name]) < e) return `minimum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(lim[name]!)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: string | number, req: Quantities, lim: Quantities): string | undefined {
  const e = milli(enforced);
  if (lim[name] === undefined) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No limit is specified`;
  if (milli(lim[name]) > e) return `maximum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(lim[name]!)}`;
  if (req[name] !== undefined && milli(req[name]) > e) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req[name]!)}`;
  return undefined;
}

function maxRequestConstraint(type: string, name: string, enforced: string | number, req: Quantities): string | undefined {
  if (req[name] === undefined) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No request is specified`;
  if (milli(req[name]) > milli(enforced)) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req[name]!)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: string | number, req: Quantities, lim: Quantities): string | undefined {
  const r = milli(req[name]);
  const l = milli(lim[name]);
  if (req[name] === undefined || r === 0) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no request is specified or request is 0`;
  if (lim[name] === undefined || l === 0) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no limit is specified or limit is 0`;
  const observed = l / r;
  if (observed * 1000 > milli(enforced)) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

function checkItem(item: LimitRangeItem, req: Quantities, lim: Quantities, out: string[]): void {
  const push = (m: string | undefined) => m && out.push(m);
  for (const [k, v] of Object.entries(item.min ?? {})) push(minConstraint(item.type, k, v, req, lim));
  for (const [k, v] of Object.entries(item.max ?? {})) push(maxConstraint(item.type, k, v, req, lim));
  for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {})) push(ratioConstraint(item.type, k, v, req, lim));
}

/** A pod's total: containers summed, each init container a floor (kube's podRequests/podLimits). */
function podTotal(p: PodLike, which: 'requests' | 'limits'): Quantities {
  const sum: Record<string, number> = {};
  for (const c of p.spec?.containers ?? []) for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) sum[k] = (sum[k] ?? 0) + parseQuantityOr(v);
  for (const c of p.spec?.initContainers ?? []) for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) sum[k] = Math.max(sum[k] ?? 0, parseQuantityOr(v));
  return sum;
}

/** The validating half: every violated bound, in kube's words (empty when the object fits). */
export function limitRangeViolations(resource: 'pods' | 'persistentvolumeclaims', obj: KubeObject, ranges: readonly LimitRange[]): string[] {
  const out: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (resource === 'persistentvolumeclaims') {
        if (item.type !== LIMIT_TYPE_PVC) continue;
        const requests = ((obj.spec as { resources?: { requests?: Quantities } } | undefined)?.resources?.requests ?? {}) as Quantities;
        for (const [k, v] of Object.entries(item.min ?? {})) {
          const m = minConstraint(item.type, k, v, requests, {});
          if (m) out.push(m);
        }
        for (const [k, v] of Object.entries(item.max ?? {})) {
          const m = maxRequestConstraint(item.type, k, v, requests);
          if (m) out.push(m);
        }
        continue;
      }
      const p = obj as PodLike;
      if (item.type === LIMIT_TYPE_CONTAINER) {
        for (const c of [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])]) checkItem(item, c.resources?.requests ?? {}, c.resources?.limits ?? {}, out);
      } else if (item.type === LIMIT_TYPE_POD) {
        checkItem(item, podTotal(p, 'requests'), podTotal(p, 'limits'), out);
      }
    }
  }
  return out;
}

/** kube's aggregate error text: one message alone, several in brackets. */
export function aggregate(messages: readonly string[]): string {
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}
