import { describe, expect, it } from 'vitest';
import { ApiError } from '../../client/rest-client.js';
import { ambiguous, longestUnavailability, missedByWatch, type ProbeRecord, type WatchRecorder } from './scenario.js';

const rec = (start: number, end: number, outcome: ProbeRecord['outcome']): ProbeRecord => ({ start, end, outcome, output: '' });

describe('longestUnavailability', () => {
  it.each([
    { name: 'all good', records: [rec(0, 1, 'ok'), rec(2, 3, 'ok')], ms: 0 },
    { name: 'one failure between successes', records: [rec(0, 1, 'ok'), rec(2, 3, 'none'), rec(4, 5, 'ok')], ms: 4 },
    {
      name: 'the longest of two outages',
      records: [rec(0, 1, 'ok'), rec(2, 3, 'none'), rec(4, 5, 'ok'), rec(6, 7, 'status'), rec(8, 9, 'none'), rec(10, 12, 'ok')],
      ms: 7,
    },
    { name: 'an outage at the start counts from its first call', records: [rec(0, 1, 'none'), rec(2, 3, 'ok')], ms: 3 },
    { name: 'an outage never ended is not a measured gap', records: [rec(0, 1, 'ok'), rec(2, 3, 'none')], ms: 0 },
  ])('$name', ({ records, ms }) => {
    expect(longestUnavailability(records).ms).toBe(ms);
  });

  it('only counts calls started inside the window', () => {
    const records = [rec(0, 1, 'ok'), rec(2, 3, 'none'), rec(4, 5, 'ok'), rec(10, 11, 'ok'), rec(12, 20, 'none'), rec(21, 22, 'ok')];
    expect(longestUnavailability(records, 0, 10).ms).toBe(4);
    expect(longestUnavailability(records, 10).ms).toBe(11);
  });
});

describe('missedByWatch', () => {
  const watch = (seen: number[], relists: Array<[number, number]>) => ({ seenRVs: new Set(seen), relists }) as unknown as WatchRecorder;
  it.each([
    { name: 'every write delivered', acked: [5, 7], seen: [5, 6, 7], relists: [], missed: [] },
    { name: 'a write not delivered', acked: [5, 7], seen: [5], relists: [], missed: [7] },
    { name: 'a write inside a relist gap is covered', acked: [5, 7], seen: [5], relists: [[5, 9]] as Array<[number, number]>, missed: [] },
    { name: 'a relist before the write does not cover it', acked: [12], seen: [], relists: [[5, 9]] as Array<[number, number]>, missed: [12] },
  ])('$name', ({ acked, seen, relists, missed }) => {
    expect(missedByWatch(acked, watch(seen, relists))).toEqual(missed);
  });
});

describe('ambiguous', () => {
  it.each([
    { err: ApiError.from(0, 'connection reset'), want: true },
    { err: ApiError.from(503, 'etcdserver: request timed out'), want: true },
    { err: ApiError.from(500, 'internal'), want: true },
    { err: ApiError.from(409, 'conflict'), want: false },
    { err: ApiError.from(404, 'not found'), want: false },
    { err: new Error('socket hang up'), want: true },
  ])('$err.message → $want', ({ err, want }) => {
    expect(ambiguous(err)).toBe(want);
  });
});
