import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import { NAMESPACE_INDEX, objectKey, type ReadonlyStore } from '../../client/store.js';
import type { EventHandlers } from '../../client/informer.js';
import type { WorkQueue } from '../../client/work-queue.js';
import { isPodReady, managesEndpoints, podIPs, isPodTerminal } from './pod-endpoint-util.js';

/**
 * Which Services a pod event concerns (kube's GetPodServiceMemberships and
 * GetServicesToUpdateOnPodChange). Pure: callers pass the Services of the pod's namespace.
 */

/** Whether svc's selector matches the pod (a Service without a selector matches nothing). */
export function serviceSelectsPod(svc: Service, pod: Pod): boolean {
  if (!managesEndpoints(svc) || svc.metadata.namespace !== pod.metadata.namespace) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(svc.spec!.selector!).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
}

/** The pods (from a cache with the namespace index) svc selects, in name order. */
export function podsSelectedBy(svc: Service, pods: ReadonlyStore<Pod>): Pod[] {
  return pods
    .byIndex(NAMESPACE_INDEX, svc.metadata.namespace ?? '')
    .filter((p) => serviceSelectsPod(svc, p))
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

/**
 * Pod event handlers that queue the keys of the Services a pod change concerns (shared by
 * the endpoints and EndpointSlice controllers).
 */
export function podToServiceHandlers(services: ReadonlyStore<Service>, queue: Pick<WorkQueue, 'add'>): EventHandlers<Pod> {
  const inNamespace = (ns: string | undefined): Service[] => services.byIndex(NAMESPACE_INDEX, ns ?? '');
  const enqueueMembers = (pod: Pod): void => {
    for (const k of podServiceMemberships(inNamespace(pod.metadata.namespace), pod)) queue.add(k);
  };
  return {
    onAdd: enqueueMembers,
    onUpdate: (old, cur) => {
      for (const k of servicesToUpdateOnPodChange(inNamespace(cur.metadata.namespace), old, cur)) queue.add(k);
    },
    onDelete: enqueueMembers,
  };
}

/** Keys (`namespace/name`) of the Services selecting the pod. */
export function podServiceMemberships(services: readonly Service[], pod: Pod): Set<string> {
  return new Set(services.filter((s) => serviceSelectsPod(s, pod)).map((s) => objectKey(s)));
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => Object.hasOwn(b ?? {}, k) && b![k] === a![k]);
}

/**
 * podEndpointsChanged: `podChanged` when what an endpoint shows of the pod changed
 * (deletion, readiness, IPs, a terminal phase); `labelsChanged` when its Service
 * membership or DNS name may have (labels, hostname, subdomain).
 */
export function podEndpointsChanged(oldPod: Pod, newPod: Pod): { podChanged: boolean; labelsChanged: boolean } {
  const labelsChanged =
    !sameLabels(oldPod.metadata.labels, newPod.metadata.labels) ||
    oldPod.spec?.hostname !== newPod.spec?.hostname ||
    oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  const podChanged =
    oldPod.metadata.deletionTimestamp !== newPod.metadata.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    isPodTerminal(oldPod) !== isPodTerminal(newPod) ||
    !sameJson(podIPs(oldPod), podIPs(newPod));
  return { podChanged, labelsChanged };
}

/**
 * The Services to resync after a pod update: none for a resync (same resourceVersion) or
 * an irrelevant change; the current members when the pod changed; and when its labels
 * changed, the old members too (all of them if the pod changed as well, else only the
 * Services it joined or left).
 */
export function servicesToUpdateOnPodChange(services: readonly Service[], oldPod: Pod, newPod: Pod): Set<string> {
  if (oldPod.metadata.resourceVersion && oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return new Set();
  const { podChanged, labelsChanged } = podEndpointsChanged(oldPod, newPod);
  if (!podChanged && !labelsChanged) return new Set();
  const current = podServiceMemberships(services, newPod);
  if (!labelsChanged) return current;
  const old = podServiceMemberships(services, oldPod);
  if (podChanged) return new Set([...old, ...current]);
  const out = new Set<string>();
  for (const k of old) if (!current.has(k)) out.add(k);
  for (const k of current) if (!old.has(k)) out.add(k);
  // A hostname/subdomain change keeps the memberships but changes the endpoint itself.
  if (oldPod.spec?.hostname !== newPod.spec?.hostname || oldPod.spec?.subdomain !== newPod.spec?.subdomain) for (const k of current) out.add(k);
  return out;
}
