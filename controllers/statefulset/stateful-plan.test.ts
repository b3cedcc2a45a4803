import { describe, expect, it } from 'vitest';
import type { StatefulSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import type { Pod } from '../../api/core/pod.js';
import { planStatefulSet } from './stateful-plan.js';

const T0 = Date.UTC(2026, 0, 1);

function set(replicas: number, extra: NonNullable<StatefulSet['spec']> = {}): StatefulSet {
  return { metadata: { name: 'web', namespace: 'default', generation: 1 }, spec: { replicas, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, ...extra } };
}

function pod(ordinal: number, state: 'ready' | 'pending' | 'failed' = 'ready', revision = 'r1'): Pod {
  return {
    metadata: { name: `web-${ordinal}`, namespace: 'default', labels: { 'controller-revision-hash': revision } },
    spec: { containers: [] },
    status: state === 'ready' ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } : { phase: state === 'failed' ? 'Failed' : 'Pending' },
  } as Pod;
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

describe('planStatefulSet', () => {
  it.each([
    ['OrderedReady starts web-0 first', set(3), [], [0], []],
    ['then web-1 once web-0 is ready', set(3), [pod(0)], [1], []],
    ['and waits while web-1 is pending', set(3), [pod(0), pod(1, 'pending')], [], []],
    ['Parallel starts all at once', set(3, { podManagementPolicy: 'Parallel' }), [], [0, 1, 2], []],
    ['a failed pod is deleted to be recreated', set(2), [pod(0), pod(1, 'failed')], [], ['web-1']],
    ['scale down removes the highest first, one at a time', set(1), [pod(0), pod(1), pod(2)], [], ['web-2']],
    ['Parallel scale down removes all at once', set(1, { podManagementPolicy: 'Parallel' }), [pod(0), pod(1), pod(2)], [], ['web-2', 'web-1']],
  ])('%s', (_n, s, pods, create, del) => {
    const plan = planStatefulSet(s, pods, 'r1', 'r1', T0);
    expect(plan.create).toEqual(create);
    expect(names(plan.delete)).toEqual(del);
  });

  it.each([
    ['rolling update replaces the highest outdated pod', 0, 'RollingUpdate', ['web-2']],
    ['partition 2 keeps web-0 and web-1', 2, 'RollingUpdate', ['web-2']],
    ['partition 3 updates nothing', 3, 'RollingUpdate', []],
    ['OnDelete waits for the user', 0, 'OnDelete', []],
  ])('%s', (_n, partition, type, del) => {
    const s = set(3, { updateStrategy: type === 'OnDelete' ? { type } : { type, rollingUpdate: { partition } } });
    const plan = planStatefulSet(s, [pod(0), pod(1), pod(2)], 'r2', 'r1', T0);
    expect(names(plan.delete)).toEqual(del);
  });

  it('continues the update below once the replaced pod is ready on the new revision', () => {
    const plan = planStatefulSet(set(3), [pod(0), pod(1), pod(2, 'ready', 'r2')], 'r2', 'r1', T0);
    expect(names(plan.delete)).toEqual(['web-1']);
    expect(plan.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, currentRevision: 'r1', updateRevision: 'r2' });
  });

  it('reports the update done when every pod runs the new revision', () => {
    const plan = planStatefulSet(set(2), [pod(0, 'ready', 'r2'), pod(1, 'ready', 'r2')], 'r2', 'r1', T0);
    expect(plan.status).toMatchObject({ currentRevision: 'r2', updateRevision: 'r2', currentReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
  });
});
