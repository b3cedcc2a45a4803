import type { EndpointAddress, EndpointSubset, Endpoints } from '../../api/core/endpoints.js';
import type { Service } from '../../api/core/service.js';
import { clone } from '../../client/store.js';
import { isServiceIPSet } from './pod-endpoint-util.js';
import { formatRFC3339Nano, LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from './trigger-time-tracker.js';

/**
 * The Endpoints object kube's endpoints controller writes for a Service: named as the
 * Service, labelled with the Service's labels (plus `service.kubernetes.io/headless` for a
 * Service without a cluster IP), annotated with the last change trigger time, and capped
 * at 1000 addresses (`endpoints.kubernetes.io/over-capacity: truncated`). Pure.
 */

export const HEADLESS_SERVICE_LABEL = 'service.kubernetes.io/headless';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
/** kube's maxCapacity: addresses (ready + not ready) one Endpoints object may hold. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

/**
 * truncateEndpoints: past `max` addresses, keeps ready ones first, sharing the room among
 * subsets in proportion to their size (rounded up, the last ones getting what is left);
 * when even the ready addresses exceed it, drops every not-ready one.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[], max = MAX_ENDPOINTS_CAPACITY): { subsets: EndpointSubset[]; truncated: boolean } {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  const out = subsets.map((s) => clone(s));
  if (totalReady + totalNotReady <= max) return { subsets: out, truncated: false };
  const truncateReady = totalReady > max;
  const room = truncateReady ? max : max - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let left = room;
  for (const s of out) {
    const list = (truncateReady ? s.addresses : s.notReadyAddresses) ?? [];
    const share = Math.min(Math.ceil((list.length / total) * room), left);
    const kept: EndpointAddress[] = list.slice(0, share);
    if (truncateReady) {
      s.addresses = kept;
      delete s.notReadyAddresses;
    } else {
      s.notReadyAddresses = kept;
    }
    left -= kept.length;
  }
  return { subsets: out, truncated: true };
}

/** JSON with sorted keys, no undefined members and no targetRef resourceVersions. */
function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (key, val: unknown) => {
    if (key === 'resourceVersion') return undefined;
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return val;
  });
}

/** endpointSubsetsEqualIgnoreResourceVersion (empty lists and missing ones are equal). */
export function subsetsEqual(a: readonly EndpointSubset[] | undefined, b: readonly EndpointSubset[] | undefined): boolean {
  const norm = (list: readonly EndpointSubset[] | undefined) =>
    (list ?? []).map((s) => ({
      addresses: s.addresses?.length ? s.addresses : undefined,
      notReadyAddresses: s.notReadyAddresses?.length ? s.notReadyAddresses : undefined,
      ports: s.ports?.length ? s.ports : undefined,
    }));
  return canonical(norm(a)) === canonical(norm(b));
}

export function desiredEndpointsLabels(svc: Service): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (isServiceIPSet(svc)) delete labels[HEADLESS_SERVICE_LABEL];
  else labels[HEADLESS_SERVICE_LABEL] = '';
  return labels;
}

/**
 * The Endpoints to create (current undefined) or update (a modified copy of current,
 * keeping its resourceVersion for compare-and-swap), or undefined when current already
 * holds these subsets, labels and capacity annotation. The trigger time annotation alone
 * never causes a write, as in kube.
 */
export function endpointsToWrite(
  svc: Service,
  current: Endpoints | undefined,
  desired: readonly EndpointSubset[],
  triggerTime: number | undefined,
): Endpoints | undefined {
  const { subsets, truncated } = truncateSubsets(desired);
  const labels = desiredEndpointsLabels(svc);
  if (
    current &&
    subsetsEqual(current.subsets, subsets) &&
    canonical(current.metadata.labels ?? {}) === canonical(labels) &&
    (current.metadata.annotations?.[OVER_CAPACITY_ANNOTATION] !== undefined) === truncated
  ) {
    return undefined;
  }
  const next: Endpoints = current
    ? clone(current)
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace } };
  next.apiVersion ??= 'v1';
  next.kind ??= 'Endpoints';
  next.subsets = subsets;
  next.metadata.labels = labels;
  const annotations = { ...(next.metadata.annotations ?? {}) };
  if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = formatRFC3339Nano(triggerTime);
  else delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  next.metadata.annotations = annotations;
  return next;
}
