import { describe, expect, it } from 'vitest';
import { ProtobufDecodeError } from './errors.js';
import { WireReader } from './wire-reader.js';
import { bf, cat, varint, vf } from './test-wire.js';

describe('WireReader varints', () => {
  it.each([
    [0, 0],
    [1, 1],
    [300, 300],
    [2 ** 31 - 1, 2 ** 31 - 1],
    [-1, -1],
    [-(2 ** 31), -(2 ** 31)],
  ])('int32 %i round-trips', (n, want) => {
    expect(new WireReader(varint(n)).readInt32()).toBe(want);
  });

  it('a negative int32 is a 10-byte varint, as Go writes it', () => {
    expect(varint(-5).length).toBe(10);
    expect(new WireReader(varint(-5)).readInt32()).toBe(-5);
  });

  it.each([
    [2 ** 40 + 7, 2 ** 40 + 7],
    [-(2 ** 40), -(2 ** 40)],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [-1, -1],
  ])('int64 %d round-trips', (n, want) => {
    expect(new WireReader(varint(n)).readInt64()).toBe(want);
  });

  it('bool is any non-zero varint', () => {
    expect(new WireReader(varint(2)).readBool()).toBe(true);
    expect(new WireReader(varint(0)).readBool()).toBe(false);
  });
});

describe('WireReader errors', () => {
  const cases: [string, Uint8Array, (r: WireReader) => unknown, RegExp][] = [
    ['truncated varint', Uint8Array.of(0x80), (r) => r.readUint(), /unexpected EOF/],
    ['varint longer than 10 bytes', new Uint8Array(11).fill(0x80), (r) => r.readUint(), /integer overflow/],
    ['length past the end', Uint8Array.of(5, 1, 2), (r) => r.readBytes(), /unexpected EOF/],
    ['field number 0', Uint8Array.of(0x02), (r) => r.readTag(), /illegal tag 0/],
    ['wire type 6', Uint8Array.of(0x0e), (r) => r.skip(r.readTag().wireType), /illegal wireType 6/],
    ['stray end group', Uint8Array.of(0x0c), (r) => r.skip(r.readTag().wireType), /unexpected end group/],
    ['unterminated group', Uint8Array.of(0x0b, 0x08, 0x01), (r) => r.skip(r.readTag().wireType), /unexpected EOF/],
  ];
  it.each(cases)('%s → Malformed', (_name, bytes, read, message) => {
    const r = new WireReader(bytes);
    let caught: unknown;
    try {
      read(r);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtobufDecodeError);
    expect((caught as ProtobufDecodeError).code).toBe('Malformed');
    expect((caught as Error).message).toMatch(message);
  });
});

describe('WireReader.skip', () => {
  it('skips every wire type, including nested groups, and lands on the next field', () => {
    const group = cat(varint((7 << 3) | 3), vf(1, 5), varint((8 << 3) | 3), varint((8 << 3) | 4), varint((7 << 3) | 4));
    const fixed32 = cat(varint((3 << 3) | 5), Uint8Array.of(1, 2, 3, 4));
    const fixed64 = cat(varint((4 << 3) | 1), new Uint8Array(8));
    const data = cat(vf(1, -1), bf(2, 'skipped'), fixed32, fixed64, group, vf(9, 42));
    const r = new WireReader(data);
    for (let i = 0; i < 5; i++) r.skip(r.readTag().wireType);
    expect(r.readTag()).toEqual({ fieldNumber: 9, wireType: 0 });
    expect(r.readInt32()).toBe(42);
    expect(r.done).toBe(true);
  });
});
