import type { KubeObject, ResourceType } from '../../api/types.js';
import type { ResourceQuota } from '../../api/core/resource-quota.js';
import { formatQuotaValue } from '../../api/core/resource-quota.js';
import { concernsKind, objectUsage, quotaSelects, trackedByScopes } from '../../api/core/quota-usage.js';
import { deepEqual } from '../../api/validation.js';

/**
 * What a quota's status should say, as kube's resourcequota controller computes it:
 * status.hard is spec.hard; status.used counts, for every hard resource, the namespace's
 * objects the quota's scopes select. `objectsOf` answers a kind's objects in the namespace.
 */
export function quotaStatus(
  rq: ResourceQuota,
  kinds: readonly Pick<ResourceType, 'group' | 'plural'>[],
  objectsOf: (rt: Pick<ResourceType, 'group' | 'plural'>) => readonly KubeObject[],
): { hard: Record<string, string>; used: Record<string, string> } {
  const hard = Object.fromEntries(Object.entries(rq.spec?.hard ?? {}).map(([k, v]) => [k, String(v)]));
  const totals: Record<string, number> = Object.fromEntries(Object.keys(hard).map((k) => [k, 0]));
  for (const rt of kinds) {
    const names = Object.keys(hard).filter((k) => concernsKind(rt, k) && trackedByScopes(rq, k));
    if (names.length === 0) continue;
    for (const obj of objectsOf(rt)) {
      if (!quotaSelects(rq, rt, obj)) continue;
      const usage = objectUsage(rt, obj);
      for (const k of names) totals[k] = totals[k]! + (usage[k] ?? 0);
    }
  }
  const used = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, formatQuotaValue(v, hard[k])]));
  return { hard, used };
}

/** Whether the status differs from what is stored (no write when nothing changed). */
export function statusChanged(rq: ResourceQuota, next: { hard: Record<string, string>; used: Record<string, string> }): boolean {
  const norm = (m: Record<string, string | number> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));
  return !deepEqual(norm(rq.status?.hard), next.hard) || !deepEqual(norm(rq.status?.used), next.used);
}

/** The kinds a quota's hard names concern beyond the informer-backed ones: `count/<plural>[.<group>]`. */
export function countedKinds(rq: ResourceQuota): Array<{ group: string; plural: string }> {
  const out: Array<{ group: string; plural: string }> = [];
  for (const name of Object.keys(rq.spec?.hard ?? {})) {
    if (!name.startsWith('count/')) continue;
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    out.push(dot < 0 ? { group: '', plural: rest } : { group: rest.slice(dot + 1), plural: rest.slice(0, dot) });
  }
  return out;
}
