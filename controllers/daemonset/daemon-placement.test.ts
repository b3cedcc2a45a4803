import { describe, expect, it } from 'vitest';
import type { DaemonSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import { makeNode } from '../testing/builders.js';
import { nodeShouldRunDaemonPod } from './daemon-placement.js';

const ds = (podSpec: Record<string, unknown> = {}): DaemonSet => ({ metadata: { name: 'd', namespace: 'kube-system' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }], ...podSpec } } } });

describe('nodeShouldRunDaemonPod', () => {
  it.each([
    ['a plain node', ds(), makeNode('n1').obj(), true, true],
    ['nodeSelector matches', ds({ nodeSelector: { disk: 'ssd' } }), makeNode('n1').label('disk', 'ssd').obj(), true, true],
    ['nodeSelector does not match', ds({ nodeSelector: { disk: 'ssd' } }), makeNode('n1').obj(), false, false],
    ['untolerated NoSchedule: not new, may stay', ds(), makeNode('n1').taint('dedicated', 'NoSchedule', 'gpu').obj(), false, true],
    ['untolerated NoExecute', ds(), makeNode('n1').taint('dedicated', 'NoExecute').obj(), false, false],
    ['tolerated control-plane taint', ds({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }), makeNode('n1').taint('node-role.kubernetes.io/control-plane', 'NoSchedule').obj(), true, true],
    ['cordoned node (daemon pods tolerate unschedulable)', ds(), makeNode('n1').unschedulable().taint('node.kubernetes.io/unschedulable', 'NoSchedule').obj(), true, true],
    ['not-ready node', ds(), makeNode('n1').taint('node.kubernetes.io/not-ready', 'NoExecute').obj(), true, true],
  ])('%s', (_n, d, node, shouldRun, shouldContinueRunning) => {
    expect(nodeShouldRunDaemonPod(d, node)).toEqual({ shouldRun, shouldContinueRunning });
  });
});
