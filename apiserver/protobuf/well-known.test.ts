import { describe, expect, it } from 'vitest';
import { wellKnownToJson } from './well-known.js';
import { bf, cat, vf } from './test-wire.js';

const JAN_1_2026 = 1767225600; // 2026-01-01T00:00:00Z

describe('Time and MicroTime', () => {
  it.each([
    ['empty payload is the zero time', 'Time', new Uint8Array(0), null],
    ['seconds', 'Time', vf(1, JAN_1_2026), '2026-01-01T00:00:00Z'],
    ['nanos are dropped, as apimachinery does', 'Time', cat(vf(1, JAN_1_2026 + 61), vf(2, 999_999_999)), '2026-01-01T00:01:01Z'],
    ['the Unix epoch is not the zero time', 'Time', vf(1, 0), '1970-01-01T00:00:00Z'],
    ['MicroTime keeps six fraction digits', 'MicroTime', cat(vf(1, JAN_1_2026), vf(2, 123_456_789)), '2026-01-01T00:00:00.123456Z'],
    ['MicroTime without nanos', 'MicroTime', vf(1, JAN_1_2026), '2026-01-01T00:00:00.000000Z'],
    ['MicroTime empty', 'MicroTime', new Uint8Array(0), null],
  ] as const)('%s', (_name, type, payload, want) => {
    expect(wellKnownToJson[type](payload)).toBe(want);
  });

  it('rejects a time beyond year 9999', () => {
    expect(() => wellKnownToJson.Time(vf(1, 253402300800))).toThrow(/out of range/);
  });
});

describe('IntOrString, Quantity, FieldsV1', () => {
  it.each([
    ['an int', cat(vf(1, 0), vf(2, 8080)), 8080],
    ['a negative int', cat(vf(1, 0), vf(2, -3)), -3],
    ['a string', cat(vf(1, 1), bf(3, '25%')), '25%'],
    ['the zero value', new Uint8Array(0), 0],
  ])('IntOrString: %s', (_name, payload, want) => {
    expect(wellKnownToJson.IntOrString(payload)).toBe(want);
  });

  it.each([
    ['a quantity', bf(1, '100m'), '100m'],
    ['the zero Quantity prints "0"', new Uint8Array(0), '0'],
  ])('Quantity: %s', (_name, payload, want) => {
    expect(wellKnownToJson.Quantity(payload)).toBe(want);
  });

  it('FieldsV1 is raw JSON', () => {
    expect(wellKnownToJson.FieldsV1(bf(1, '{"f:metadata":{}}'))).toEqual({ 'f:metadata': {} });
    expect(wellKnownToJson.FieldsV1(new Uint8Array(0))).toBeNull();
    expect(() => wellKnownToJson.FieldsV1(bf(1, '{nope'))).toThrow(/not valid JSON/);
  });
});
