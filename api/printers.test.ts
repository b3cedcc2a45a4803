import { describe, expect, it } from 'vitest';
import { age, formatLabels, humanDuration, joinHostPort, joinOrNone, since } from './printers.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each([
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [5 * m + 3 * s, '5m3s'],
    [9 * m + 59 * s, '9m59s'],
    [12 * m + 30 * s, '12m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 5 * m, '3h5m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [4 * d + 5 * h, '4d5h'],
    [8 * d, '8d'],
    [364 * d, '364d'],
    [2 * 365 * d, '2y'],
    [2 * 365 * d + 120 * d, '2y120d'],
    [9 * 365 * d, '9y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('age and helpers', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it('prints <unknown> without a creationTimestamp', () => {
    expect(age({ metadata: {} }, now)).toBe('<unknown>');
    expect(since('not a time', now)).toBe('<unknown>');
  });
  it('prints the age of an object', () => {
    expect(age({ metadata: { creationTimestamp: '2024-05-01T11:55:00Z' } }, now)).toBe('5m');
  });
  it('joins or prints <none>', () => {
    expect(joinOrNone([])).toBe('<none>');
    expect(joinOrNone(undefined)).toBe('<none>');
    expect(joinOrNone(['a', 'b'])).toBe('a,b');
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabels({})).toBe('<none>');
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(joinHostPort('fd00::1', 80)).toBe('[fd00::1]:80');
  });
});
