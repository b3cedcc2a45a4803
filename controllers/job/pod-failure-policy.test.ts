import { describe, expect, it } from 'vitest';
import type { PodFailurePolicyRule } from '../../api/batch/schemas.js';
import type { Pod } from '../../api/core/pod.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';

function failedPod(exitCodes: Record<string, number>, conditions: Array<{ type: string; status: string }> = []): Pod {
  return {
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [] },
    status: {
      phase: 'Failed',
      conditions,
      containerStatuses: Object.entries(exitCodes).map(([name, exitCode]) => ({ name, ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode } } })),
    },
  } as Pod;
}

const rules: PodFailurePolicyRule[] = [
  { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
  { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
  { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
];

describe('matchPodFailurePolicy', () => {
  it.each([
    ['exit 42 in main fails the job', failedPod({ main: 42 }), 'FailJob', 'Container main for pod default/p failed with exit code 42 matching FailJob rule at index 0'],
    ['exit 42 in another container is not rule 0', failedPod({ side: 42 }), 'Count', 'Container side for pod default/p failed with exit code 42 matching Count rule at index 2'],
    ['a disruption is ignored', failedPod({ main: 137 }, [{ type: 'DisruptionTarget', status: 'True' }]), 'Ignore', 'Pod default/p has condition DisruptionTarget matching Ignore rule at index 1'],
    ['a False condition does not match', failedPod({ main: 1 }, [{ type: 'DisruptionTarget', status: 'False' }]), undefined, undefined],
    ['exit 1 matches nothing', failedPod({ main: 1 }), undefined, undefined],
    ['exit 0 containers are excluded', failedPod({ main: 0, other: 2 }), undefined, undefined],
  ])('%s', (_name, pod, action, message) => {
    const m = matchPodFailurePolicy(rules, pod);
    expect(m?.action).toBe(action);
    expect(m?.message).toBe(message);
  });

  it('skips rules with unknown actions, and has no opinion without a policy', () => {
    expect(matchPodFailurePolicy([{ action: 'Explode', onExitCodes: { operator: 'In', values: [1] } }], failedPod({ main: 1 }))).toBeUndefined();
    expect(matchPodFailurePolicy(undefined, failedPod({ main: 1 }))).toBeUndefined();
  });
});
