import { describe, expect, it } from 'vitest';
import { podResource } from '../../api/core/pod.js';
import { configMapResource } from '../../api/core/configmap.js';
import type { KubeObject } from '../../api/types.js';
import { FINALIZER_ESTIMATE_SECONDS, podTerminationEstimate, recheckDelayMs, remainingName, resourceOutcome } from './content-estimate.js';

const pod = (grace: number | undefined, phase = 'Running'): KubeObject => ({ metadata: { name: 'p' }, spec: { terminationGracePeriodSeconds: grace }, status: { phase } });
const item = (finalizers?: string[]): KubeObject => ({ metadata: { name: 'x', finalizers } });

describe('podTerminationEstimate', () => {
  it.each<[string, KubeObject[], number]>([
    ['no pods', [], 0],
    ['longest grace wins', [pod(30), pod(60), pod(5)], 60],
    ['finished pods do not count', [pod(90, 'Succeeded'), pod(120, 'Failed'), pod(10)], 10],
    ['no grace given', [pod(undefined)], 0],
  ])('%s', (_name, pods, expected) => {
    expect(podTerminationEstimate(pods)).toBe(expected);
  });
});

describe('resourceOutcome', () => {
  it('nothing left: done, whatever the estimate', () => {
    expect(resourceOutcome(podResource, 'ns', 30, [])).toEqual({ estimateSeconds: 0, numRemaining: 0, finalizers: new Map() });
  });
  it('terminating pods: wait for their grace period', () => {
    expect(resourceOutcome(podResource, 'ns', 30, [item(), item(['a'])])).toEqual({ estimateSeconds: 30, numRemaining: 2, finalizers: new Map([['a', 1]]) });
  });
  it('objects held by finalizers: wait the finalizer estimate', () => {
    const o = resourceOutcome(configMapResource, 'ns', 0, [item(['a', 'b']), item(['a'])]);
    expect(o).toEqual({ estimateSeconds: FINALIZER_ESTIMATE_SECONDS, numRemaining: 2, finalizers: new Map([['a', 2], ['b', 1]]) });
  });
  it('objects left with no reason: an error', () => {
    const o = resourceOutcome(configMapResource, 'ns', 0, [item()]);
    expect(o.error).toBe('unexpected items still remain in namespace: ns for gvr: v1, Resource=configmaps');
  });
});

describe('helpers', () => {
  it('names resources as kube prints them and rechecks at estimate/2 + 1 s', () => {
    expect(remainingName(podResource)).toBe('pods.');
    expect(remainingName({ plural: 'deployments', group: 'apps' })).toBe('deployments.apps');
    expect(recheckDelayMs(30)).toBe(16_000);
    expect(recheckDelayMs(15)).toBe(8_000);
  });
});
