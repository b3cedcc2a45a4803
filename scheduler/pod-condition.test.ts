import { describe, expect, it } from 'vitest';
import { schedulingFailedPatch } from './pod-condition.js';

const T0 = Date.UTC(2026, 0, 1);
const T1 = T0 + 60_000;

describe('schedulingFailedPatch', () => {
  it('adds a PodScheduled=False condition, keeping the other conditions', () => {
    const pod = { status: { conditions: [{ type: 'Other', status: 'True' }] } };
    expect(schedulingFailedPatch(pod, 'Unschedulable', 'msg', T0)).toEqual({
      status: {
        conditions: [
          { type: 'Other', status: 'True' },
          { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Unschedulable', message: 'msg' },
        ],
      },
    });
  });

  it('is undefined when the pod already carries the same condition', () => {
    const pod = { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'msg' }] } };
    expect(schedulingFailedPatch(pod, 'Unschedulable', 'msg', T1)).toBeUndefined();
  });

  it('keeps lastTransitionTime when only the message changes', () => {
    const pod = {
      status: {
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'old', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      },
    };
    const patch = schedulingFailedPatch(pod, 'Unschedulable', 'new', T1)!;
    expect(patch.status.conditions).toHaveLength(1);
    expect(patch.status.conditions[0]).toMatchObject({ message: 'new', lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it('moves lastTransitionTime when the status flips', () => {
    const pod = { status: { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] } };
    const patch = schedulingFailedPatch(pod, 'SchedulerError', 'boom', T1)!;
    expect(patch.status.conditions[0]).toMatchObject({ status: 'False', reason: 'SchedulerError', lastTransitionTime: '2026-01-01T00:01:00Z' });
  });
});
