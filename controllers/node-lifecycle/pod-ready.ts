import type { Pod } from '../../api/core/pod.js';
import { formatTime } from './node-health.js';

/**
 * kube's MarkPodsNotReady for one pod (pure): a pod on a node that is not Ready has its
 * Ready condition set to False (lastTransitionTime now; reason and message kept). Pods
 * without a Ready condition, already not ready, or bound elsewhere are left alone:
 * returns undefined when there is nothing to write.
 */
export function podMarkedNotReady(pod: Pod, nodeName: string, now: number): Pod | undefined {
  if (pod.spec?.nodeName !== nodeName) return undefined;
  const conditions = pod.status?.conditions ?? [];
  const i = conditions.findIndex((c) => c.type === 'Ready');
  if (i < 0 || conditions[i]!.status === 'False') return undefined;
  const next = structuredClone(pod);
  const cond = next.status!.conditions![i]!;
  cond.status = 'False';
  cond.lastTransitionTime = formatTime(now);
  return next;
}
