import { describe, expect, it } from 'vitest';
import { compileMessages } from './descriptor.js';
import { decodeMessage } from './decode-message.js';
import { ProtobufDecodeError } from './errors.js';
import { bf, cat, entry, fixed64, mf, varint, vf } from './test-wire.js';

/** A small registry exercising every field form (see descriptor.ts). */
const registry = compileMessages({
  Thing: [
    '1 name string',
    '2 required string!',
    '3 count int32',
    '4 replicas *int32',
    '5 flag *bool',
    '6 tags []string',
    '7 items []Item!',
    '8 labels {}string',
    '9 blobs {}bytes',
    '10 sub Sub',
    '11 maybe *Sub',
    '12 ref ...Ref',
    '13 numbers []int64',
    '14 raw bytes',
    '15 when Time',
    '16 limits {}Quantity',
    '17 ratio double',
    '18 empty []Item',
    '19 nilMap {}string!',
    '20 subs {}Sub',
  ],
  Item: ['1 key string!', '2 value *string'],
  Sub: ['1 a string', '2 b int64!'],
  Ref: ['1 refName string'],
});

const decode = (...parts: Uint8Array[]) => decodeMessage(registry, 'Thing', cat(...parts));

/** What an all-absent Thing decodes to: only value structs and no-omitempty fields. */
const EMPTY = { required: '', items: null, sub: { b: 0 }, when: null, nilMap: null };

describe('decodeMessage: Go json semantics', () => {
  it.each([
    ['an empty message keeps only value structs and no-omitempty fields', [], EMPTY],
    ['zero non-pointer scalars are omitted (omitempty), as gogo writes them anyway', [bf(1, ''), vf(3, 0), bf(14, '')], EMPTY],
    ['a present pointer keeps its zero value (replicas: 0, flag: false)', [vf(4, 0), vf(5, false)], { ...EMPTY, replicas: 0, flag: false }],
    ['non-zero scalars', [bf(1, 'web'), vf(3, 7), bf(2, 'yes')], { ...EMPTY, name: 'web', count: 7, required: 'yes' }],
    ['the last occurrence of a scalar wins', [bf(1, 'a'), bf(1, 'b')], { ...EMPTY, name: 'b' }],
    ['repeated strings', [bf(6, 'x'), bf(6, ''), bf(6, 'z')], { ...EMPTY, tags: ['x', '', 'z'] }],
    ['repeated messages', [mf(7, bf(1, 'k')), mf(7, bf(1, 'k2'), bf(2, ''))], { ...EMPTY, items: [{ key: 'k' }, { key: 'k2', value: '' }] }],
    ['maps, with an absent value as the zero value', [entry(8, 'a', '1'), mf(8, bf(1, 'b'))], { ...EMPTY, labels: { a: '1', b: '' } }],
    ['bytes maps are base64; an absent bytes value is null', [entry(9, 'k', Uint8Array.of(0, 255)), mf(9, bf(1, 'n'))], { ...EMPTY, blobs: { k: 'AP8=', n: null } }],
    ['a map of messages', [mf(20, bf(1, 'x'), mf(2, bf(1, 'v')))], { ...EMPTY, subs: { x: { a: 'v', b: 0 } } }],
    ['an embedded value struct is decoded', [mf(10, bf(1, 'q'), vf(2, 5))], { ...EMPTY, sub: { a: 'q', b: 5 } }],
    ['embedded message occurrences merge', [mf(10, bf(1, 'q')), mf(10, vf(2, 5))], { ...EMPTY, sub: { a: 'q', b: 5 } }],
    ['a present pointer struct, even empty', [mf(11)], { ...EMPTY, maybe: { b: 0 } }],
    ['an inline struct merges its fields into the parent', [mf(12, bf(1, 'cm'))], { ...EMPTY, refName: 'cm' }],
    ['packed repeated int64', [bf(13, cat(varint(1), varint(-2), varint(2 ** 40)))], { ...EMPTY, numbers: [1, -2, 2 ** 40] }],
    ['unpacked repeated int64', [vf(13, 1), vf(13, 2)], { ...EMPTY, numbers: [1, 2] }],
    ['bytes are base64', [bf(14, Uint8Array.of(104, 105))], { ...EMPTY, raw: 'aGk=' }],
    ['a Time field', [mf(15, vf(1, 1767225600))], { ...EMPTY, when: '2026-01-01T00:00:00Z' }],
    ['a Quantity map', [mf(16, bf(1, 'cpu'), mf(2, bf(1, '250m')))], { ...EMPTY, limits: { cpu: '250m' } }],
    ['a double', [fixed64(17, [0, 0, 0, 0, 0, 0, 0xf8, 0x3f])], { ...EMPTY, ratio: 1.5 }],
    ['unknown fields of every wire type are skipped', [vf(99, 1), bf(98, 'x'), fixed64(97, [1, 2, 3, 4, 5, 6, 7, 8]), bf(1, 'kept')], { ...EMPTY, name: 'kept' }],
  ])('%s', (_name, parts, want) => {
    expect(decode(...parts)).toEqual(want);
  });

  it('keeps a JSON key order that follows the declarations', () => {
    expect(Object.keys(decode(vf(4, 1), bf(1, 'n')))).toEqual(['name', 'required', 'replicas', 'items', 'sub', 'when', 'nilMap']);
  });
});

describe('decodeMessage: malformed input', () => {
  it.each([
    ['a string sent as a varint', vf(1, 3), /wrong wireType = 0 for field name/],
    ['an int sent as bytes', bf(3, 'x'), /wrong wireType = 2 for field count/],
    ['a message truncated inside', cat(varint((10 << 3) | 2), varint(4), bf(1, 'a')), /unexpected EOF/],
    ['garbage inside an embedded message', mf(10, Uint8Array.of(0xff)), /unexpected EOF/],
  ])('%s', (_name, bytes, message) => {
    expect(() => decodeMessage(registry, 'Thing', bytes)).toThrow(ProtobufDecodeError);
    expect(() => decodeMessage(registry, 'Thing', bytes)).toThrow(message);
  });
});
