import { describe, expect, it } from 'vitest';
import { canonicalQuantity, formatQuantity, isValidQuantity, parseQuantity, QuantityError, toMilli } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['1', 1],
    ['1.5', 1.5],
    ['250m', 0.25],
    ['1Ki', 1024],
    ['1Mi', 1024 ** 2],
    ['1Gi', 1024 ** 3],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['1G', 1e9],
    ['1k', 1000],
    ['2M', 2e6],
    ['1e3', 1000],
    ['5E-2', 0.05],
    ['100n', 1e-7],
    ['3u', 3e-6],
    ['-2', -2],
    ['+4', 4],
    ['.5', 0.5],
    [2, 2],
    [0.5, 0.5],
  ] as const)('%s → %s', (input, want) => {
    expect(parseQuantity(input)).toBeCloseTo(want, 12);
  });

  it.each(['', 'abc', '1K', '1 Gi', '1.2.3', 'Gi', '1GiB', '--1'])('rejects %j', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    expect(isValidQuantity(input)).toBe(false);
  });

  it('accepts what it parses', () => {
    expect(isValidQuantity('128Mi')).toBe(true);
    expect(isValidQuantity(3)).toBe(true);
    expect(isValidQuantity(Number.NaN)).toBe(false);
  });
});

describe('toMilli', () => {
  it.each([
    ['100m', 100],
    ['1', 1000],
    ['0.1', 100],
    ['1.5', 1500],
    ['0.0001', 1], // rounds up like MilliValue
    [2, 2000],
  ] as const)('%s → %d', (input, want) => {
    expect(toMilli(input)).toBe(want);
  });
});

describe('formatQuantity', () => {
  it.each([
    [0, 'DecimalSI', '0'],
    [0.1, 'DecimalSI', '100m'],
    [1.5, 'DecimalSI', '1500m'],
    [1500, 'DecimalSI', '1500'],
    [2000, 'DecimalSI', '2k'],
    [3e9, 'DecimalSI', '3G'],
    [-0.25, 'DecimalSI', '-250m'],
    [1024 ** 3, 'BinarySI', '1Gi'],
    [1.5 * 1024 ** 3, 'BinarySI', '1536Mi'],
    [1000, 'BinarySI', '1k'],
    [3000, 'BinarySI', '3k'],
    [1500, 'BinarySI', '1500'],
    [0.5, 'BinarySI', '500m'],
    [1000, 'DecimalExponent', '1e3'],
  ] as const)('%s %s → %s', (value, format, want) => {
    expect(formatQuantity(value, format)).toBe(want);
  });

  it('canonicalises strings in their own format', () => {
    expect(canonicalQuantity('1.5Gi')).toBe('1536Mi');
    expect(canonicalQuantity('0.5')).toBe('500m');
    expect(canonicalQuantity('1000m')).toBe('1');
    expect(canonicalQuantity('2048Ki')).toBe('2Mi');
  });
});
