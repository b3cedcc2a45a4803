import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/core/pod.js';
import {
  calculatePodRequests,
  defaultCalculatorConfig,
  groupPods,
  perPodReplicas,
  plainMetricReplicas,
  resourceReplicas,
  usageRatioReplicas,
  type PodMetricsInfo,
} from './replica-calculator.js';
import { makePod, samples, T0 } from './test-builders.js';

const cfg = defaultCalculatorConfig;
const pods = (...names: string[]): Pod[] => names.map((n) => makePod(n).obj());

describe('resourceReplicas (Utilization targets)', () => {
  const cases: {
    name: string;
    current: number;
    target: number;
    pods: Pod[];
    metrics: PodMetricsInfo;
    want: { replicas: number; utilization: number; rawAverage: number };
  }[] = [
    {
      // The HPA walkthrough: one php-apache pod (request 200m) using 678m of CPU at a 50% target.
      name: 'walkthrough: 339% of request at a 50% target → 7 replicas',
      current: 1,
      target: 50,
      pods: pods('a'),
      metrics: samples({ a: 678 }),
      want: { replicas: 7, utilization: 339, rawAverage: 678 },
    },
    {
      name: 'idle: 0% → ceil(0) = 0 replicas (min replicas is the normalizer’s business)',
      current: 1,
      target: 50,
      pods: pods('a'),
      metrics: samples({ a: 0 }),
      want: { replicas: 0, utilization: 0, rawAverage: 0 },
    },
    {
      name: 'within tolerance (ratio 1.06): keeps the current count',
      current: 3,
      target: 50,
      pods: pods('a', 'b', 'c'),
      metrics: samples({ a: 106, b: 106, c: 106 }),
      want: { replicas: 3, utilization: 53, rawAverage: 106 },
    },
    {
      name: 'just outside tolerance (ratio 1.12): scales',
      current: 3,
      target: 50,
      pods: pods('a', 'b', 'c'),
      metrics: samples({ a: 112, b: 112, c: 112 }),
      want: { replicas: 4, utilization: 56, rawAverage: 112 },
    },
    {
      name: 'scale down: 4 pods at 25% of a 50% target → 2',
      current: 4,
      target: 50,
      pods: pods('a', 'b', 'c', 'd'),
      metrics: samples({ a: 50, b: 50, c: 50, d: 50 }),
      want: { replicas: 2, utilization: 25, rawAverage: 50 },
    },
    {
      name: 'utilization is truncated to a whole percent (kube’s integer division)',
      current: 2,
      target: 100,
      pods: pods('a', 'b'),
      metrics: samples({ a: 399, b: 400 }),
      want: { replicas: 4, utilization: 199, rawAverage: 399 },
    },
    {
      name: 'scale up with a pod missing metrics: the missing pod counts as 0%',
      current: 3,
      target: 50,
      pods: pods('a', 'b', 'c'),
      metrics: samples({ a: 200, b: 200 }),
      // first pass 100% → ratio 2; second pass (200+200+0)/600 = 66% → ratio 1.32 → ceil(3.96)
      want: { replicas: 4, utilization: 100, rawAverage: 200 },
    },
    {
      name: 'scale down with a pod missing metrics: the missing pod counts as 100% of its request',
      current: 4,
      target: 50,
      pods: pods('a', 'b', 'c', 'd'),
      metrics: samples({ a: 20, b: 20, c: 20 }),
      // first pass 10% → ratio 0.2; second (60+200)/800 = 32% → 0.64 → ceil(2.56)
      want: { replicas: 3, utilization: 10, rawAverage: 20 },
    },
    {
      name: 'a missing pod that would flip the direction keeps the current count',
      current: 2,
      target: 50,
      pods: pods('a', 'b'),
      metrics: samples({ a: 80 }),
      // first 40% → 0.8 (down); with b at 100%: (80+200)/400 = 70% → 1.4 (up): no change
      want: { replicas: 2, utilization: 40, rawAverage: 80 },
    },
    {
      name: 'scale up with a pending pod: unready pods count as 0%, which lands within tolerance',
      current: 2,
      target: 50,
      pods: [makePod('a').obj(), makePod('b').phase('Pending').obj()],
      metrics: samples({ a: 200 }),
      // first 100% → 2; second 200/400 = 50% → 1.0: keep
      want: { replicas: 2, utilization: 100, rawAverage: 200 },
    },
    {
      name: 'scale down ignores unready pods entirely',
      current: 3,
      target: 50,
      pods: [makePod('a').obj(), makePod('b').obj(), makePod('c').phase('Pending').obj()],
      metrics: samples({ a: 20, b: 20 }),
      want: { replicas: 1, utilization: 10, rawAverage: 20 },
    },
    {
      name: 'deleted and failed pods are ignored, with their samples',
      current: 3,
      target: 50,
      pods: [makePod('a').obj(), makePod('b').deleted().obj(), makePod('c').phase('Failed').obj()],
      metrics: samples({ a: 400, b: 0, c: 0 }),
      want: { replicas: 4, utilization: 200, rawAverage: 400 },
    },
    {
      name: 'samples of pods the selector does not match are not counted',
      current: 1,
      target: 50,
      pods: pods('a'),
      metrics: samples({ a: 300, stranger: 0 }),
      want: { replicas: 3, utilization: 150, rawAverage: 300 },
    },
  ];
  it.each(cases)('$name', ({ current, target, pods: ps, metrics, want }) => {
    const got = resourceReplicas({ currentReplicas: current, targetUtilization: target, resource: 'cpu', container: '', pods: ps, metrics, config: cfg, now: T0 });
    expect(got).toEqual({ ok: true, ...want });
  });

  it.each([
    { name: 'no pods', pods: [] as Pod[], metrics: samples({}), error: 'no pods returned by selector while calculating replica count' },
    {
      name: 'every pod unready',
      pods: [makePod('a').phase('Pending').obj()],
      metrics: samples({ a: 100 }),
      error: 'did not receive metrics for targeted pods (pods might be unready)',
    },
    {
      name: 'a container without a cpu request',
      pods: [makePod('php-apache-5d54745f55-x2k8q').request(undefined).obj()],
      metrics: samples({ 'php-apache-5d54745f55-x2k8q': 100 }),
      error: 'missing request for cpu in container app of Pod php-apache-5d54745f55-x2k8q',
    },
    {
      name: 'zero requests in total',
      pods: [makePod('a').request('0').obj()],
      metrics: samples({ a: 100 }),
      error: 'no metrics returned matched known pods',
    },
  ])('fails with kube’s message: $name', ({ pods: ps, metrics, error }) => {
    expect(resourceReplicas({ currentReplicas: 1, targetUtilization: 50, resource: 'cpu', container: '', pods: ps, metrics, config: cfg, now: T0 })).toEqual({
      ok: false,
      error,
    });
  });
});

describe('groupPods (CPU readiness rules)', () => {
  const minute = 60_000;
  it.each([
    { name: 'long-running Ready pod', pod: makePod('p').obj(), metrics: samples({ p: 1 }), group: 'ready' },
    { name: 'no sample', pod: makePod('p').obj(), metrics: samples({}), group: 'missing' },
    { name: 'Pending', pod: makePod('p').phase('Pending').obj(), metrics: samples({ p: 1 }), group: 'unready' },
    { name: 'no Ready condition', pod: makePod('p').noReadyCondition().obj(), metrics: samples({ p: 1 }), group: 'unready' },
    {
      name: 'within the CPU initialization period, Ready, sample covers time after readiness',
      pod: makePod('p').started(T0 - 2 * minute, 'True', T0 - minute).obj(),
      metrics: samples({ p: 1 }),
      group: 'ready',
    },
    {
      name: 'within the CPU initialization period, sample window reaches back before readiness',
      pod: makePod('p').started(T0 - 2 * minute, 'True', T0 - 10_000).obj(),
      metrics: samples({ p: 1 }),
      group: 'unready',
    },
    {
      name: 'within the CPU initialization period, not Ready',
      pod: makePod('p').started(T0 - 2 * minute, 'False', T0 - 2 * minute).obj(),
      metrics: samples({ p: 1 }),
      group: 'unready',
    },
    {
      name: 'after the initialization period, not Ready and never was (transition within 30 s of start)',
      pod: makePod('p').started(T0 - 10 * minute, 'False', T0 - 10 * minute + 20_000).obj(),
      metrics: samples({ p: 1 }),
      group: 'unready',
    },
    {
      name: 'after the initialization period, turned unready later: its samples count',
      pod: makePod('p').started(T0 - 10 * minute, 'False', T0 - 5 * minute).obj(),
      metrics: samples({ p: 1 }),
      group: 'ready',
    },
  ])('$name → $group', ({ pod, metrics, group }) => {
    const g = groupPods([pod], metrics, 'cpu', cfg, T0);
    const got = g.readyPodCount === 1 ? 'ready' : g.missingPods.size ? 'missing' : g.unreadyPods.size ? 'unready' : 'ignored';
    expect(got).toBe(group);
  });

  it('applies the readiness rules to CPU only', () => {
    const pod = makePod('p').started(T0 - 60_000, 'False', T0 - 60_000).obj();
    expect(groupPods([pod], samples({ p: 1 }), 'memory', cfg, T0).readyPodCount).toBe(1);
  });
});

describe('calculatePodRequests', () => {
  it('sums containers and restartable init containers, or takes the named container', () => {
    const pod = makePod('p').obj();
    pod.spec!.containers.push({ name: 'side', image: 'x', resources: { requests: { cpu: '100m' } } });
    pod.spec!.initContainers = [
      { name: 'sidecar', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } },
      { name: 'init', image: 'x', resources: {} },
    ];
    expect(calculatePodRequests([pod], '', 'cpu')).toEqual({ ok: true, requests: new Map([['p', 350]]) });
    expect(calculatePodRequests([pod], 'side', 'cpu')).toEqual({ ok: true, requests: new Map([['p', 100]]) });
  });
});

describe('plainMetricReplicas (AverageValue targets, Pods metrics)', () => {
  it.each([
    { name: 'average 150 over a target of 100 on 3 pods → 5', current: 3, metrics: samples({ a: 150, b: 150, c: 150 }), ps: pods('a', 'b', 'c'), want: { replicas: 5, usage: 150 } },
    { name: 'within tolerance', current: 3, metrics: samples({ a: 105, b: 100, c: 100 }), ps: pods('a', 'b', 'c'), want: { replicas: 3, usage: 101 } },
    {
      name: 'scale down with a missing pod: it is assumed at the target',
      current: 3,
      metrics: samples({ a: 10, b: 10 }),
      ps: pods('a', 'b', 'c'),
      // (10+10+100)/3 = 40 → 0.4 → ceil(1.2)
      want: { replicas: 2, usage: 10 },
    },
    {
      name: 'scale up with an unready pod: it is assumed at 0',
      current: 2,
      metrics: samples({ a: 400 }),
      ps: [makePod('a').obj(), makePod('b').phase('Pending').obj()],
      // 400/2 = 200 → 2.0 → ceil(4)
      want: { replicas: 4, usage: 400 },
    },
  ])('$name', ({ current, metrics, ps, want }) => {
    expect(plainMetricReplicas({ currentReplicas: current, targetUsage: 100, resource: 'http_requests_per_second', pods: ps, metrics, config: cfg, now: T0 })).toEqual({
      ok: true,
      ...want,
    });
  });
});

describe('Object and External metric proposals', () => {
  it.each([
    { current: 2, ratio: 2, readyPods: 2, want: 4 },
    { current: 2, ratio: 1.05, readyPods: 2, want: 2 },
    { current: 4, ratio: 0.5, readyPods: 3, want: 2 },
    { current: 0, ratio: 2.5, readyPods: 0, want: 3 },
  ])('usageRatioReplicas(current $current, ratio $ratio, $readyPods ready) = $want', ({ current, ratio, readyPods, want }) => {
    const ps = Array.from({ length: Math.max(readyPods, 1) }, (_, i) => (i < readyPods ? makePod(`p${i}`).obj() : makePod(`p${i}`).phase('Pending').obj()));
    expect(usageRatioReplicas(current, ratio, ps, cfg)).toEqual({ ok: true, replicas: want });
  });

  it('usageRatioReplicas without pods fails as kube does', () => {
    expect(usageRatioReplicas(2, 3, [], cfg)).toEqual({ ok: false, error: 'unable to calculate ready pods: no pods returned by selector while calculating replica count' });
  });

  it.each([
    { status: 2, total: 1000, target: 100, want: { replicas: 10, usage: 500 } },
    { status: 10, total: 1040, target: 100, want: { replicas: 10, usage: 104 } },
    { status: 0, total: 250, target: 100, want: { replicas: 3, usage: 250 } },
  ])('perPodReplicas(status $status, total $total, target $target)', ({ status, total, target, want }) => {
    expect(perPodReplicas(status, total, target, cfg)).toEqual(want);
  });
});
