import { describe, expect, it } from 'vitest';
import { formatRFC3339Nano, TriggerTimeTracker } from './trigger-time-tracker.js';
import { pod, svc, T0 } from './test-builders.js';

const s = svc('web').created(T0).obj();

describe('TriggerTimeTracker', () => {
  it('first sync: the Service creation time; then only times that moved, earliest first', () => {
    const t = new TriggerTimeTracker();
    const a = pod('a').ready('True', T0 + 5000);
    const b = pod('b').ready('True', T0 + 7000);
    expect(t.compute(s, [a.obj(), b.obj()])).toBe(T0);
    // Nothing moved.
    expect(t.compute(s, [a.obj(), b.obj()])).toBeUndefined();
    // b flips at +20 s, a new pod c at +15 s: the earliest change wins.
    const c = pod('c').ready('False', T0 + 15_000);
    expect(t.compute(s, [a.obj(), pod('b').ready('False', T0 + 20_000).obj(), c.obj()])).toBe(T0 + 15_000);
    // A pod leaving is no trigger of its own.
    expect(t.compute(s, [a.obj()])).toBeUndefined();
  });

  it('forgets a deleted Service: its next sync counts as the first', () => {
    const t = new TriggerTimeTracker();
    t.compute(s, []);
    t.deleteService('default', 'web');
    expect(t.compute(s, [])).toBe(T0);
  });

  it('a recreated Service (newer creation time) is a trigger', () => {
    const t = new TriggerTimeTracker();
    t.compute(s, []);
    expect(t.compute(svc('web').created(T0 + 60_000).obj(), [])).toBe(T0 + 60_000);
  });
});

describe('formatRFC3339Nano', () => {
  it.each([
    [Date.UTC(2026, 0, 1, 12, 0, 0), '2026-01-01T12:00:00Z'],
    [Date.UTC(2026, 0, 1, 12, 0, 0, 500), '2026-01-01T12:00:00.5Z'],
    [Date.UTC(2026, 0, 1, 12, 0, 0, 123), '2026-01-01T12:00:00.123Z'],
  ])('%s → %s', (ms, want) => {
    expect(formatRFC3339Nano(ms)).toBe(want);
  });
});
