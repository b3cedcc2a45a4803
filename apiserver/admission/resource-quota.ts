import type { KubeObject, ResourceType } from '../../api/types.js';
import type { ResourceQuota } from '../../api/core/resource-quota.js';
import { formatQuotaValue } from '../../api/core/resource-quota.js';
import { concernsKind, objectUsage, podConstraintViolation, quotaSelects, trackedByScopes, type Usage } from '../../api/core/quota-usage.js';
import { parseQuantityOr } from '../../api/quantity.js';

/**
 * kube's ResourceQuota admission plugin, the decision as a pure function: which quotas of
 * the namespace an object's creation (or update) charges, the usage each would reach,
 * and kube's refusals — "failed quota" (a container states no cpu/memory a quota
 * restricts), "status unknown for quota" (the controller has not counted yet) and
 * "exceeded quota". The caller writes the charges back to the quotas' status with
 * compare-and-swap, so concurrent creates cannot both take the last unit.
 */

export interface QuotaCharge {
  quota: ResourceQuota;
  /** The quota's new status.used (every tracked resource, as strings). */
  used: Record<string, string>;
}

export type QuotaDecision = { ok: true; charges: QuotaCharge[] } | { ok: false; reason: string };

const EPSILON = 1e-9;

function prettyPrint(values: Record<string, number>, like: Record<string, string | number>): string {
  return Object.keys(values)
    .sort()
    .map((k) => `${k}=${formatQuotaValue(values[k]!, like[k])}`)
    .join(',');
}

export function evaluateQuotas(
  rt: Pick<ResourceType, 'group' | 'plural'>,
  operation: 'CREATE' | 'UPDATE',
  obj: KubeObject,
  old: KubeObject | null,
  quotas: readonly ResourceQuota[],
): QuotaDecision {
  const usage = objectUsage(rt, obj);
  const before: Usage = old ? objectUsage(rt, old) : {};
  // Only increases are charged; a shrinking object frees its share when the controller recounts.
  const delta: Usage = {};
  for (const [k, v] of Object.entries(usage)) {
    const d = v - (before[k] ?? 0);
    if (d > EPSILON) delta[k] = d;
  }
  const charges: QuotaCharge[] = [];
  for (const rq of quotas) {
    if (!quotaSelects(rq, rt, obj)) continue;
    const hard = rq.status?.hard ?? rq.spec?.hard ?? {};
    const restricted = Object.keys(hard).filter((k) => concernsKind(rt, k) && trackedByScopes(rq, k));
    if (restricted.length === 0) continue;
    const name = rq.metadata.name ?? '';
    if (rt.group === '' && rt.plural === 'pods' && operation === 'CREATE') {
      const violation = podConstraintViolation(obj, restricted);
      if (violation) return { ok: false, reason: `failed quota: ${name}: ${violation}` };
    }
    const usedList = rq.status?.used;
    if (!usedList || restricted.some((k) => usedList[k] === undefined)) {
      return { ok: false, reason: `status unknown for quota: ${name}, resources: ${[...restricted].sort().join(',')}` };
    }
    const requested: Record<string, number> = {};
    for (const k of restricted) if (delta[k] !== undefined) requested[k] = delta[k]!;
    if (Object.keys(requested).length === 0) continue;
    const used: Record<string, number> = {};
    for (const k of restricted) used[k] = parseQuantityOr(usedList[k]);
    const exceeded = Object.keys(requested).filter((k) => used[k]! + requested[k]! > parseQuantityOr(hard[k]) + EPSILON);
    if (exceeded.length > 0) {
      const pick = (m: Record<string, number>) => Object.fromEntries(exceeded.map((k) => [k, m[k] ?? 0]));
      const hardValues = Object.fromEntries(exceeded.map((k) => [k, parseQuantityOr(hard[k])]));
      return {
        ok: false,
        reason: `exceeded quota: ${name}, requested: ${prettyPrint(pick(requested), hard)}, used: ${prettyPrint(pick(used), hard)}, limited: ${prettyPrint(hardValues, hard)}`,
      };
    }
    const next: Record<string, string> = { ...Object.fromEntries(Object.entries(usedList).map(([k, v]) => [k, String(v)])) };
    for (const [k, v] of Object.entries(requested)) next[k] = formatQuotaValue(used[k]! + v, hard[k]);
    charges.push({ quota: rq, used: next });
  }
  return { ok: true, charges };
}
