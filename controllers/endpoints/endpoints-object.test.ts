import { describe, expect, it } from 'vitest';
import type { EndpointSubset, Endpoints } from '../../api/core/endpoints.js';
import { endpointsToWrite, HEADLESS_SERVICE_LABEL, OVER_CAPACITY_ANNOTATION, subsetsEqual, truncateSubsets } from './endpoints-object.js';
import { svc, T0 } from './test-builders.js';
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from './trigger-time-tracker.js';

const addrs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));
const subset: EndpointSubset = { addresses: [{ ip: '10.1.0.1', targetRef: { kind: 'Pod', name: 'a', uid: 'u' } }], ports: [{ port: 80, protocol: 'TCP' }] };

describe('truncateSubsets', () => {
  it.each([
    { name: 'under capacity: unchanged', in: [{ addresses: addrs('10.0.0', 3), notReadyAddresses: addrs('10.0.1', 2) }], max: 5, ready: [3], notReady: [2], truncated: false },
    { name: 'not-ready addresses go first, shared in proportion', in: [{ addresses: addrs('10.0.0', 4), notReadyAddresses: addrs('10.0.1', 4) }, { notReadyAddresses: addrs('10.0.2', 2) }], max: 7, ready: [4, 0], notReady: [2, 1], truncated: true },
    { name: 'too many ready: ready shared, not-ready dropped', in: [{ addresses: addrs('10.0.0', 6), notReadyAddresses: addrs('10.0.1', 1) }, { addresses: addrs('10.0.2', 2) }], max: 4, ready: [3, 1], notReady: [0, 0], truncated: true },
  ])('$name', ({ in: input, max, ready, notReady, truncated }) => {
    const r = truncateSubsets(input, max);
    expect(r.truncated).toBe(truncated);
    expect(r.subsets.map((s) => s.addresses?.length ?? 0)).toEqual(ready);
    expect(r.subsets.map((s) => s.notReadyAddresses?.length ?? 0)).toEqual(notReady);
  });
});

describe('subsetsEqual', () => {
  it('ignores targetRef resourceVersion, key order and empty lists', () => {
    const withRv = structuredClone(subset);
    withRv.addresses![0]!.targetRef!.resourceVersion = '42';
    expect(subsetsEqual([subset], [{ ports: subset.ports, addresses: withRv.addresses, notReadyAddresses: [] }])).toBe(true);
    expect(subsetsEqual(undefined, [])).toBe(true);
    expect(subsetsEqual([subset], [{ ...subset, ports: [{ port: 81, protocol: 'TCP' }] }])).toBe(false);
  });
});

describe('endpointsToWrite', () => {
  const s = svc('web').labels({ app: 'web', tier: 'front' }).obj();

  it('creates one named as the Service with its labels and the trigger time', () => {
    expect(endpointsToWrite(s, undefined, [subset], T0)).toEqual({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' }, annotations: { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: '2026-01-01T12:00:00Z' } },
      subsets: [subset],
    });
  });

  it('a headless Service adds the headless label; an empty object is still created', () => {
    const out = endpointsToWrite(svc('web').headless().obj(), undefined, [], undefined)!;
    expect(out.metadata.labels).toEqual({ [HEADLESS_SERVICE_LABEL]: '' });
    expect(out.subsets).toEqual([]);
    expect(out.metadata.annotations).toEqual({});
  });

  const current = (): Endpoints => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '7', labels: { app: 'web', tier: 'front' }, annotations: { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: 'x', other: 'kept' } },
    subsets: [subset],
  });

  it('no write when subsets, labels and capacity annotation already match (trigger time alone does not count)', () => {
    expect(endpointsToWrite(s, current(), [subset], T0 + 1000)).toBeUndefined();
  });

  it('updates a copy keeping resourceVersion and other annotations; no trigger time removes it', () => {
    const out = endpointsToWrite(s, current(), [], undefined)!;
    expect(out.metadata.resourceVersion).toBe('7');
    expect(out.metadata.annotations).toEqual({ other: 'kept' });
    expect(out.subsets).toEqual([]);
  });

  it('label drift is corrected', () => {
    const cur = current();
    cur.metadata.labels = { app: 'web' };
    expect(endpointsToWrite(s, cur, [subset], undefined)?.metadata.labels).toEqual({ app: 'web', tier: 'front' });
  });

  it('over 1000 addresses: truncated and annotated', () => {
    const big = [{ addresses: addrs('10.0.0', 1001), ports: [{ port: 80, protocol: 'TCP' }] }];
    const out = endpointsToWrite(s, undefined, big, undefined)!;
    expect(out.subsets![0]!.addresses).toHaveLength(1000);
    expect(out.metadata.annotations?.[OVER_CAPACITY_ANNOTATION]).toBe('truncated');
  });
});
