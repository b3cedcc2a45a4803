import { describe, expect, it } from 'vitest';
import type { Taint } from '../../api/core/node.js';
import type { Toleration } from '../../api/core/pod-spec.js';
import { decideEviction, minTolerationMs } from './eviction-decision.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const unreachableNoSchedule: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };
const dedicated: Taint = { key: 'dedicated', value: 'db', effect: 'NoExecute' };
const tol = (key: string, seconds?: number, extra: Partial<Toleration> = {}): Toleration => ({
  key,
  operator: 'Exists',
  effect: 'NoExecute',
  ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
  ...extra,
});
const defaults = [tol(notReady.key, 300), tol(unreachable.key, 300)];

describe('decideEviction', () => {
  it.each([
    { name: 'no taints', taints: [], tolerations: [], since: undefined, want: { kind: 'keep' } },
    { name: 'only NoSchedule taints', taints: [unreachableNoSchedule], tolerations: [], since: undefined, want: { kind: 'keep' } },
    { name: 'untolerated NoExecute: now', taints: [unreachable], tolerations: [], since: undefined, want: { kind: 'evict', untolerated: unreachable } },
    { name: 'default tolerations: in 300 s', taints: [unreachable], tolerations: defaults, since: undefined, want: { kind: 'schedule', since: T, at: T + 300_000 } },
    { name: 'countdown keeps its start', taints: [unreachable], tolerations: defaults, since: T - 200_000, want: { kind: 'schedule', since: T - 200_000, at: T + 100_000 } },
    { name: 'countdown over: now', taints: [unreachable], tolerations: defaults, since: T - 300_000, want: { kind: 'evict' } },
    { name: 'shortest of the used tolerations', taints: [unreachable, dedicated], tolerations: [...defaults, tol('dedicated', 60)], since: undefined, want: { kind: 'schedule', since: T, at: T + 60_000 } },
    { name: 'one taint untolerated among several', taints: [unreachable, dedicated], tolerations: defaults, since: undefined, want: { kind: 'evict', untolerated: dedicated } },
    { name: 'no tolerationSeconds: forever', taints: [unreachable], tolerations: [tol(unreachable.key)], since: undefined, want: { kind: 'keep' } },
    { name: 'tolerationSeconds 0: now', taints: [unreachable], tolerations: [tol(unreachable.key, 0)], since: undefined, want: { kind: 'evict' } },
    { name: 'wildcard toleration', taints: [unreachable, dedicated], tolerations: [{ operator: 'Exists' }], since: undefined, want: { kind: 'keep' } },
    {
      name: 'Equal needs the value',
      taints: [dedicated],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoExecute' }],
      since: undefined,
      want: { kind: 'evict', untolerated: dedicated },
    },
    { name: 'first matching toleration is the one used', taints: [unreachable], tolerations: [tol(unreachable.key, 30), tol(unreachable.key)], since: undefined, want: { kind: 'schedule', since: T, at: T + 30_000 } },
  ])('$name', ({ taints, tolerations, since, want }) => {
    expect(decideEviction(taints, tolerations, T, since)).toEqual(want);
  });
});

describe('minTolerationMs', () => {
  it.each([
    { tolerations: [], want: 0 },
    { tolerations: [tol('a')], want: -1 },
    { tolerations: [tol('a', 10), tol('b')], want: 10_000 },
    { tolerations: [tol('a', 10), tol('b', -5)], want: 0 },
  ])('$tolerations.length tolerations → $want', ({ tolerations, want }) => {
    expect(minTolerationMs(tolerations)).toBe(want);
  });
});
