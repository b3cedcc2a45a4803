import type { PodFailurePolicyRule } from '../../api/batch/schemas.js';
import type { Pod } from '../../api/core/pod.js';

/**
 * kube's matchPodFailurePolicy (pkg/controller/job/pod_failure_policy.go): the first rule
 * a failed pod matches decides what its failure means. Exit-code rules look at the
 * containers (and init containers) that terminated with a non-zero code; condition rules
 * at the pod's conditions. Pure.
 */

export type FailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface FailureMatch {
  action: FailureAction;
  /** The FailJob message kube writes in the Failed condition; set for every match. */
  message: string;
}

export function matchPodFailurePolicy(rules: readonly PodFailurePolicyRule[] | undefined, pod: Pod): FailureMatch | undefined {
  if (!rules) return undefined;
  const ref = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [i, rule] of rules.entries()) {
    const action = rule.action as FailureAction;
    if (!['FailJob', 'FailIndex', 'Ignore', 'Count'].includes(action)) continue;
    if (rule.onExitCodes) {
      const hit = failedContainer(pod, rule.onExitCodes);
      if (hit) return { action, message: `Container ${hit.name} for pod ${ref} failed with exit code ${hit.code} matching ${action} rule at index ${i}` };
    }
    for (const pattern of rule.onPodConditions ?? []) {
      const want = pattern.status ?? 'True';
      if ((pod.status?.conditions ?? []).some((c) => c.type === pattern.type && c.status === want)) {
        return { action, message: `Pod ${ref} has condition ${pattern.type} matching ${action} rule at index ${i}` };
      }
    }
  }
  return undefined;
}

function failedContainer(
  pod: Pod,
  req: NonNullable<PodFailurePolicyRule['onExitCodes']>,
): { name: string; code: number } | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const code = s.state?.terminated?.exitCode;
    if (code === undefined || code === 0) continue;
    if (req.containerName && req.containerName !== s.name) continue;
    const inValues = req.values.includes(code);
    if ((req.operator === 'In' && inValues) || (req.operator === 'NotIn' && !inValues)) return { name: s.name, code };
  }
  return undefined;
}
