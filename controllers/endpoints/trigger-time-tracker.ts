import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import { parseTime, podReadyCondition } from '../replicaset/pod-status.js';

/**
 * kube's TriggerTimeTracker: the value of the `endpoints.kubernetes.io/last-change-trigger-time`
 * annotation, i.e. when the earliest change not yet reflected in a Service's endpoints
 * happened. Trigger times are the pods' Ready condition lastTransitionTime and the
 * Service's creationTimestamp. The first sync of a Service answers its creation time; later
 * ones the earliest trigger time that moved since the previous sync, or undefined (the
 * annotation is then removed). State per Service; one tracker per controller.
 */

export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

interface ServiceState {
  podTimes: Map<string, number>;
  serviceTime: number | undefined;
}

const podTriggerTime = (pod: Pod): number | undefined => parseTime(podReadyCondition(pod)?.lastTransitionTime);

export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /** Call on every sync of the Service, whether or not it then writes anything. */
  compute(svc: Service, pods: readonly Pod[]): number | undefined {
    const key = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
    const prev = this.states.get(key);
    let min: number | undefined;
    const consider = (t: number): void => {
      min = min === undefined ? t : Math.min(min, t);
    };
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      if (t === undefined) continue;
      podTimes.set(pod.metadata.name ?? '', t);
      const before = prev?.podTimes.get(pod.metadata.name ?? '');
      if (before === undefined || t > before) consider(t);
    }
    const serviceTime = parseTime(svc.metadata.creationTimestamp);
    if (serviceTime !== undefined && (prev?.serviceTime === undefined || serviceTime > prev.serviceTime)) consider(serviceTime);
    this.states.set(key, { podTimes, serviceTime });
    return prev ? min : serviceTime;
  }

  deleteService(namespace: string, name: string): void {
    this.states.delete(`${namespace}/${name}`);
  }
}

/** Go's time.RFC3339Nano in UTC: fractional seconds without trailing zeros (none when whole). */
export function formatRFC3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_m, frac: string) => {
    const trimmed = frac.replace(/0+$/, '');
    return trimmed ? `.${trimmed}Z` : 'Z';
  });
}
