import { describe, expect, it } from 'vitest';
import { formatIndexes, parseIndexes } from './indexes.js';

describe('completion indexes', () => {
  it.each([
    [[], ''],
    [[0], '0'],
    [[0, 1, 2, 4], '0-2,4'],
    [[5, 1, 3, 2], '1-3,5'],
    [[1, 1, 2], '1-2'],
  ])('formats %j as %s', (input, want) => {
    expect(formatIndexes(input)).toBe(want);
  });

  it.each([
    ['', 5, []],
    ['0', 5, [0]],
    ['1,3-4', 5, [1, 3, 4]],
  ])('parses %s', (text, completions, want) => {
    expect(parseIndexes(text, completions)).toEqual(want);
  });

  it.each([
    ['a', 5, 'cannot convert string to integer for index: "a"'],
    ['3-1', 5, 'non-increasing order, previous: 3, current: 1'],
    ['1-3,2', 5, 'overlapping intervals or non-increasing order, previous: 3, current: 2'],
    ['7', 5, 'too large: 7'],
  ])('refuses %s', (text, completions, msg) => {
    expect(() => parseIndexes(text, completions)).toThrow(msg);
  });
});
