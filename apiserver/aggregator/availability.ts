import type { APIService } from '../../api/apiregistration/apiservice.js';
import type { Backend } from './backend.js';

/**
 * kube-aggregator's Available condition, decided from what a check found. Pure: the
 * controller (aggregator.ts) does the I/O and writes the status only when this changes.
 */

export interface AvailableCondition {
  type: 'Available';
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** The outcome of one discovery check against a remote backend. */
export type CheckResult = { ok: true } | { ok: false; message: string };

export function availableCondition(backend: Backend, check: CheckResult | undefined, origin: string | undefined, nowIso: string): AvailableCondition {
  const base = { type: 'Available' as const, lastTransitionTime: nowIso };
  if (!backend.ok) return { ...base, status: 'False', reason: backend.reason, message: backend.message };
  if (backend.local) return { ...base, status: 'True', reason: 'Local', message: 'Local APIServices are always available' };
  if (!check || !check.ok) {
    return { ...base, status: 'False', reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${origin}: ${check?.message ?? 'not checked yet'}` };
  }
  return { ...base, status: 'True', reason: 'Passed', message: 'all checks passed' };
}

/**
 * The status to write, or null when the live one already says the same: the transition
 * time is kept while the status stays, as kube's SetAPIServiceCondition does.
 */
export function nextStatus(live: APIService, cond: AvailableCondition): APIService['status'] | null {
  const conditions = live.status?.conditions ?? [];
  const old = conditions.find((c) => c.type === 'Available');
  if (old && old.status === cond.status && old.reason === cond.reason && old.message === cond.message) return null;
  const merged = { ...cond, lastTransitionTime: old && old.status === cond.status ? (old.lastTransitionTime ?? cond.lastTransitionTime) : cond.lastTransitionTime };
  return { conditions: [...conditions.filter((c) => c.type !== 'Available'), merged] };
}
