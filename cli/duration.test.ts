import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['40s', 40_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['.5s', 500],
    ['1500us', 2],
    ['1500µs', 2],
    ['100ns', 0],
  ])('%s → %d ms', (raw, ms) => {
    expect(parseDuration('period', raw)).toBe(ms);
  });

  it.each(['', '40', 's', '-5s', '5 s', '5x', '1m30', 'forty seconds', '1e3s'])('refuses %j', (raw) => {
    expect(() => parseDuration('period', raw)).toThrow(`invalid --period "${raw}": must be a duration such as 40s, 2m or 1m30s`);
  });
});
