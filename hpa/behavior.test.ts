import { describe, expect, it } from 'vitest';
import { defaultScaleDownRules, defaultScaleUpRules } from '../api/autoscaling/hpa-defaults.js';
import type { HPABehavior } from '../api/autoscaling/hpa-schemas.js';
import {
  convertDesiredReplicasWithRules,
  emptyHistory,
  normalizeLegacy,
  normalizeWithBehavior,
  recordScaleEvent,
  scaleDownLimit,
  scaleUpLimit,
  type ScaleHistory,
} from './behavior.js';

const NOW = 1_000_000_000;
const s = (n: number): number => n * 1000;
const defaults: HPABehavior = { scaleUp: defaultScaleUpRules(), scaleDown: defaultScaleDownRules() };

describe('convertDesiredReplicasWithRules (HPAs without behavior)', () => {
  it.each([
    { current: 1, desired: 7, min: 1, max: 10, want: { replicas: 4, reason: 'ScaleUpLimit' } },
    { current: 4, desired: 7, min: 1, max: 10, want: { replicas: 7, reason: 'DesiredWithinRange' } },
    { current: 5, desired: 20, min: 1, max: 10, want: { replicas: 10, reason: 'TooManyReplicas' } },
    { current: 3, desired: 0, min: 1, max: 10, want: { replicas: 1, reason: 'TooFewReplicas' } },
    { current: 3, desired: 2, min: 1, max: 10, want: { replicas: 2, reason: 'DesiredWithinRange' } },
  ])('current $current, desired $desired, [$min, $max] → $want.replicas ($want.reason)', ({ current, desired, min, max, want }) => {
    expect(convertDesiredReplicasWithRules(current, desired, min, max)).toMatchObject(want);
  });
});

describe('normalizeLegacy', () => {
  it('holds the highest recommendation of the downscale window and reports ScaleDownStabilized', () => {
    const history = [
      { replicas: 7, atMs: NOW - s(200) },
      { replicas: 5, atMs: NOW - s(100) },
    ];
    const got = normalizeLegacy({ history, current: 7, desired: 1, min: 1, max: 10, downscaleStabilizationMs: s(300), now: NOW });
    expect(got.replicas).toBe(7);
    expect(got.ableToScale.reason).toBe('ScaleDownStabilized');
    expect(got.scalingLimited).toEqual({ status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' });
  });

  it('forgets recommendations older than the window (reusing their slot)', () => {
    const history = [{ replicas: 7, atMs: NOW - s(301) }];
    const got = normalizeLegacy({ history, current: 7, desired: 1, min: 1, max: 10, downscaleStabilizationMs: s(300), now: NOW });
    expect(got.replicas).toBe(1);
    expect(got.ableToScale.reason).toBe('ReadyForNewScale');
    expect(got.recommendations).toEqual([{ replicas: 1, atMs: NOW }]);
  });

  it('limits to min with ScalingLimited True / TooFewReplicas', () => {
    const got = normalizeLegacy({ history: [], current: 3, desired: 0, min: 2, max: 10, downscaleStabilizationMs: 0, now: NOW });
    expect(got.replicas).toBe(2);
    expect(got.scalingLimited).toEqual({ status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' });
  });
});

describe('scale rate policies', () => {
  it.each([
    // Default scale-up: max(4 pods, 100%) per 15 s.
    { name: 'default up from 1', current: 1, up: [], down: [], want: 5 },
    { name: 'default up from 10 (100% wins)', current: 10, up: [], down: [], want: 20 },
    { name: 'default up after +4 within the period: counted from the period start', current: 5, up: [{ change: 4, atMs: NOW - s(10) }], down: [], want: 5 },
    { name: 'default up after +4 that left the period', current: 5, up: [{ change: 4, atMs: NOW - s(16) }], down: [], want: 10 },
  ])('scaleUpLimit: $name → $want', ({ current, up, down, want }) => {
    expect(scaleUpLimit(current, up, down, defaults.scaleUp!, NOW)).toBe(want);
  });

  it.each([
    { policy: 'Max', want: 14 },
    { policy: 'Min', want: 12 },
    { policy: 'Disabled', want: 10 },
  ])('scaleUpLimit with selectPolicy $policy', ({ policy, want }) => {
    const rules = {
      selectPolicy: policy,
      policies: [
        { type: 'Pods', value: 2, periodSeconds: 60 },
        { type: 'Percent', value: 40, periodSeconds: 60 },
      ],
    };
    expect(scaleUpLimit(10, [], [], rules, NOW)).toBe(want);
  });

  it.each([
    { name: 'default down: 100% per 15 s → 0', current: 10, rules: defaultScaleDownRules(), down: [], want: 0 },
    { name: '1 pod per minute', current: 10, rules: { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }, down: [], want: 9 },
    {
      name: '1 pod per minute after one removal 30 s ago',
      current: 9,
      rules: { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      down: [{ change: 1, atMs: NOW - s(30) }],
      want: 9,
    },
    { name: '10% truncated', current: 15, rules: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] }, down: [], want: 13 },
    {
      name: 'Min policy keeps the smallest change',
      current: 10,
      rules: {
        selectPolicy: 'Min',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 60 },
          { type: 'Percent', value: 10, periodSeconds: 60 },
        ],
      },
      down: [],
      want: 9,
    },
  ])('scaleDownLimit: $name → $want', ({ current, rules, down, want }) => {
    expect(scaleDownLimit(current, [], down, rules, NOW)).toBe(want);
  });
});

describe('normalizeWithBehavior', () => {
  const base = (history: ScaleHistory, current: number, desired: number, behavior: HPABehavior = defaults) =>
    normalizeWithBehavior({ history, behavior, current, desired, min: 1, max: 10, downscaleStabilizationMs: s(300), now: NOW });

  it('scales up at once within the default rate: 1 → 5 for a wish of 7 (ScaleUpLimit)', () => {
    const got = base(emptyHistory(), 1, 7);
    expect(got.replicas).toBe(5);
    expect(got.ableToScale.reason).toBe('ReadyForNewScale');
    expect(got.scalingLimited).toEqual({
      status: 'True',
      reason: 'ScaleUpLimit',
      message: 'the desired replica count is increasing faster than the maximum scale rate',
    });
  });

  it('caps at maxReplicas with TooManyReplicas', () => {
    expect(base(emptyHistory(), 8, 30).scalingLimited).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    expect(base(emptyHistory(), 8, 30).replicas).toBe(10);
  });

  it('scale-down waits for the default 300 s window (controller flag), then drops all at once', () => {
    const history: ScaleHistory = { ...emptyHistory(), recommendations: [{ replicas: 7, atMs: NOW - s(120) }] };
    const held = base(history, 7, 1);
    expect(held.replicas).toBe(7);
    expect(held.ableToScale).toEqual({
      status: 'True',
      reason: 'ScaleDownStabilized',
      message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
    });
    const later = normalizeWithBehavior({
      history: { ...emptyHistory(), recommendations: held.recommendations },
      behavior: defaults,
      current: 7,
      desired: 1,
      min: 1,
      max: 10,
      downscaleStabilizationMs: s(300),
      now: NOW + s(181),
    });
    expect(later.replicas).toBe(1);
  });

  it('a short scaleDown.stabilizationWindowSeconds overrides the flag', () => {
    const history: ScaleHistory = { ...emptyHistory(), recommendations: [{ replicas: 7, atMs: NOW - s(20) }] };
    const behavior = { ...defaults, scaleDown: { ...defaultScaleDownRules(), stabilizationWindowSeconds: 10 } };
    expect(base(history, 7, 2, behavior).replicas).toBe(2);
  });

  it('a scale-up window holds the lowest recent recommendation (ScaleUpStabilized)', () => {
    const behavior = { ...defaults, scaleUp: { ...defaultScaleUpRules(), stabilizationWindowSeconds: 60 } };
    const history: ScaleHistory = { ...emptyHistory(), recommendations: [{ replicas: 3, atMs: NOW - s(30) }] };
    const got = base(history, 2, 8, behavior);
    expect(got.replicas).toBe(3);
    expect(got.ableToScale.reason).toBe('ScaleUpStabilized');
  });

  it('selectPolicy Disabled on scale-down keeps the count (ScaleDownLimit)', () => {
    const behavior = { ...defaults, scaleDown: { selectPolicy: 'Disabled', stabilizationWindowSeconds: 0, policies: defaultScaleDownRules().policies } };
    const got = base(emptyHistory(), 6, 2, behavior);
    expect(got.replicas).toBe(6);
    expect(got.scalingLimited).toMatchObject({ status: 'True', reason: 'ScaleDownLimit' });
  });

  it('min replicas bound a scale-down with TooFewReplicas', () => {
    const behavior = { ...defaults, scaleDown: { ...defaultScaleDownRules(), stabilizationWindowSeconds: 0 } };
    const got = normalizeWithBehavior({ history: emptyHistory(), behavior, current: 6, desired: 0, min: 2, max: 10, downscaleStabilizationMs: 0, now: NOW });
    expect(got.replicas).toBe(2);
    expect(got.scalingLimited).toMatchObject({ status: 'True', reason: 'TooFewReplicas' });
  });
});

describe('recordScaleEvent', () => {
  it('keeps changes per direction, drops those older than the longest period, and nothing without behavior', () => {
    let h = recordScaleEvent(emptyHistory(), defaults, 1, 5, NOW - s(20));
    h = recordScaleEvent(h, defaults, 5, 10, NOW);
    expect(h.scaleUpEvents).toEqual([{ change: 5, atMs: NOW }]);
    h = recordScaleEvent(h, defaults, 10, 4, NOW);
    expect(h.scaleDownEvents).toEqual([{ change: 6, atMs: NOW }]);
    expect(recordScaleEvent(emptyHistory(), undefined, 1, 5, NOW)).toEqual(emptyHistory());
  });
});
