import { malformed } from './errors.js';
import type { FieldDescriptor, MessageRegistry, WellKnownType } from './descriptor.js';
import { wellKnownToJson } from './well-known.js';
import { WireReader, WireType } from './wire-reader.js';

/**
 * Decodes one protobuf message into the JSON object Go's encoding/json would write for the
 * same struct, using a descriptor registry (see descriptor.ts for the field semantics).
 *
 * Unknown field numbers are skipped by wire type (never an error), as gogo-protobuf does.
 * A field repeated on the wire follows protobuf merge rules: the last scalar wins, the
 * payloads of an embedded message are concatenated (which merges them).
 */

/** Guard against hostile nesting; Kubernetes' own types nest far less deeply. */
const MAX_DEPTH = 64;

type Json = unknown;

export function decodeMessage(registry: MessageRegistry, type: string, payload: Uint8Array, depth = 0): Record<string, Json> {
  if (depth > MAX_DEPTH) throw malformed('proto: message nested too deeply');
  const desc = registry.get(type);
  if (!desc) throw new Error(`no descriptor for message ${type}`);

  // Pass 1: gather every occurrence of each known field, checking wire types.
  const seen = new Map<number, unknown[]>();
  const r = new WireReader(payload);
  while (!r.done) {
    const { fieldNumber, wireType } = r.readTag();
    const f = desc.byNumber.get(fieldNumber);
    if (!f) {
      r.skip(wireType);
      continue;
    }
    let list = seen.get(fieldNumber);
    if (!list) seen.set(fieldNumber, (list = []));
    readOccurrence(r, f, wireType, list);
  }

  // Pass 2: write the JSON in declaration order.
  const out: Record<string, Json> = {};
  for (const f of desc.fields) {
    const occurrences = seen.get(f.no) ?? [];
    if (f.card === 'repeated') {
      if (occurrences.length === 0) {
        if (!f.omitEmpty) out[f.name] = null;
        continue;
      }
      out[f.name] = occurrences.map((v) => valueToJson(registry, f.type, f.kind, v, depth));
    } else if (f.card === 'map') {
      if (occurrences.length === 0) {
        if (!f.omitEmpty) out[f.name] = null;
        continue;
      }
      const map: Record<string, Json> = {};
      for (const entry of occurrences as Uint8Array[]) {
        const [k, v] = readMapEntry(registry, f, entry, depth);
        map[k] = v;
      }
      out[f.name] = map;
    } else if (f.kind === 'scalar') {
      const present = occurrences.length > 0;
      if (f.pointer) {
        if (present) out[f.name] = scalarToJson(f.type, occurrences[occurrences.length - 1]);
        else if (!f.omitEmpty) out[f.name] = null;
        continue;
      }
      const value = present ? occurrences[occurrences.length - 1] : undefined;
      if (f.omitEmpty && isZeroScalar(f.type, value)) continue;
      out[f.name] = value === undefined ? zeroScalarJson(f.type) : scalarToJson(f.type, value);
    } else {
      const present = occurrences.length > 0;
      if (f.pointer && !present) {
        if (!f.omitEmpty) out[f.name] = null;
        continue;
      }
      const merged = concat(occurrences as Uint8Array[]);
      const json = valueToJson(registry, f.type, f.kind, merged, depth);
      if (f.inline) Object.assign(out, json as Record<string, Json>);
      else out[f.name] = json;
    }
  }
  return out;
}

function readOccurrence(r: WireReader, f: FieldDescriptor, wireType: number, list: unknown[]): void {
  if (f.card === 'map' || f.kind !== 'scalar' || f.type === 'string' || f.type === 'bytes') {
    expectWire(f, wireType, WireType.LengthDelimited);
    list.push(r.readBytes());
    return;
  }
  const expected = f.type === 'double' ? WireType.Fixed64 : WireType.Varint;
  if (wireType === WireType.LengthDelimited && f.card === 'repeated') {
    // A packed repeated scalar: one payload holding many values.
    const packed = new WireReader(r.readBytes());
    while (!packed.done) list.push(readNumeric(packed, f.type));
    return;
  }
  expectWire(f, wireType, expected);
  list.push(readNumeric(r, f.type));
}

function readNumeric(r: WireReader, type: string): number | boolean {
  switch (type) {
    case 'int32':
      return r.readInt32();
    case 'int64':
      return r.readInt64();
    case 'bool':
      return r.readBool();
    case 'double':
      return r.readDouble();
    default:
      throw new Error(`not a numeric type: ${type}`);
  }
}

function expectWire(f: FieldDescriptor, got: number, want: number): void {
  if (got !== want) throw malformed(`proto: wrong wireType = ${got} for field ${f.name}`);
}

function valueToJson(registry: MessageRegistry, type: string, kind: FieldDescriptor['kind'], value: unknown, depth: number): Json {
  if (kind === 'scalar') return scalarToJson(type, value);
  if (kind === 'wellKnown') return wellKnownToJson[type as WellKnownType](value as Uint8Array);
  return decodeMessage(registry, type, value as Uint8Array, depth + 1);
}

/** A map entry is a message {1: key, 2: value}; either may be absent (zero value). */
function readMapEntry(registry: MessageRegistry, f: FieldDescriptor, entry: Uint8Array, depth: number): [string, Json] {
  const r = new WireReader(entry);
  let key = '';
  const values: unknown[] = [];
  while (!r.done) {
    const { fieldNumber, wireType } = r.readTag();
    if (fieldNumber === 1) {
      if (wireType !== WireType.LengthDelimited) throw malformed(`proto: wrong wireType = ${wireType} for field ${f.name}`);
      key = Buffer.from(r.readBytes()).toString('utf8');
    } else if (fieldNumber === 2) {
      const valueField: FieldDescriptor = { ...f, card: 'single' };
      readOccurrence(r, valueField, wireType, values);
    } else r.skip(wireType);
  }
  if (values.length === 0) {
    if (f.kind === 'scalar') return [key, f.type === 'bytes' ? null : zeroScalarJson(f.type)];
    return [key, valueToJson(registry, f.type, f.kind, new Uint8Array(0), depth)];
  }
  const last = f.kind === 'scalar' ? values[values.length - 1] : concat(values as Uint8Array[]);
  return [key, valueToJson(registry, f.type, f.kind, last, depth)];
}

function scalarToJson(type: string, value: unknown): Json {
  if (type === 'string') return Buffer.from(value as Uint8Array).toString('utf8');
  // Go's encoding/json writes []byte as standard base64.
  if (type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  return value;
}

function isZeroScalar(type: string, value: unknown): boolean {
  if (value === undefined) return true;
  if (type === 'string' || type === 'bytes') return (value as Uint8Array).length === 0;
  return value === 0 || value === false;
}

/** The JSON of an absent non-pointer scalar written without omitempty. */
function zeroScalarJson(type: string): Json {
  switch (type) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return null; // a nil []byte
    default:
      return 0;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 0) return new Uint8Array(0);
  if (parts.length === 1) return parts[0];
  return Buffer.concat(parts);
}
