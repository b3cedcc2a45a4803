import { malformed } from './errors.js';
import { WireReader, WireType } from './wire-reader.js';
import type { WellKnownType } from './descriptor.js';

/**
 * JSON forms of apimachinery's hand-written protobuf types. Each takes the payload of the
 * embedded message (empty when the field was absent: Go's zero value) and returns what
 * Go's json.Marshal writes for it.
 */

interface Timestamp {
  seconds: number;
  nanos: number;
}

function readTimestamp(payload: Uint8Array): Timestamp {
  const r = new WireReader(payload);
  const ts: Timestamp = { seconds: 0, nanos: 0 };
  while (!r.done) {
    const { fieldNumber, wireType } = r.readTag();
    if (fieldNumber === 1 && wireType === WireType.Varint) ts.seconds = r.readInt64();
    else if (fieldNumber === 2 && wireType === WireType.Varint) ts.nanos = r.readInt32();
    else r.skip(wireType);
  }
  return ts;
}

/** RFC 3339 in UTC, as Go's time.Format: seconds, plus `digits` fraction digits if > 0. */
export function formatRfc3339(seconds: number, nanos: number, digits: 0 | 6): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) {
    throw malformed(`proto: timestamp out of range: ${seconds}`);
  }
  const base = date.toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
  if (digits === 0) return `${base}Z`;
  const micros = Math.floor(Math.max(0, nanos) / 1000) % 1_000_000;
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

/**
 * metav1.Time: an empty payload is the zero time (JSON null); the wire nanos are dropped,
 * as apimachinery's Time.Unmarshal does (JSON times carry whole seconds).
 */
function time(payload: Uint8Array): string | null {
  if (payload.length === 0) return null;
  return formatRfc3339(readTimestamp(payload).seconds, 0, 0);
}

/** metav1.MicroTime: like Time but keeps microseconds ("…T00:00:00.000000Z"). */
function microTime(payload: Uint8Array): string | null {
  if (payload.length === 0) return null;
  const ts = readTimestamp(payload);
  return formatRfc3339(ts.seconds, ts.nanos, 6);
}

/** intstr.IntOrString {type, intVal, strVal}: a number, or a string when type is 1. */
function intOrString(payload: Uint8Array): number | string {
  const r = new WireReader(payload);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done) {
    const { fieldNumber, wireType } = r.readTag();
    if (fieldNumber === 1 && wireType === WireType.Varint) type = r.readInt64();
    else if (fieldNumber === 2 && wireType === WireType.Varint) intVal = r.readInt32();
    else if (fieldNumber === 3 && wireType === WireType.LengthDelimited) strVal = Buffer.from(r.readBytes()).toString('utf8');
    else r.skip(wireType);
  }
  return type === 1 ? strVal : intVal;
}

/**
 * resource.Quantity {string}: Go clients write the canonical string, which is also what
 * their JSON holds. The zero Quantity prints as "0".
 */
function quantity(payload: Uint8Array): string {
  const r = new WireReader(payload);
  let s = '';
  while (!r.done) {
    const { fieldNumber, wireType } = r.readTag();
    if (fieldNumber === 1 && wireType === WireType.LengthDelimited) s = Buffer.from(r.readBytes()).toString('utf8');
    else r.skip(wireType);
  }
  return s === '' ? '0' : s;
}

/** metav1.FieldsV1 {Raw}: the raw bytes are JSON already. */
function fieldsV1(payload: Uint8Array): unknown {
  const r = new WireReader(payload);
  let raw: Uint8Array | undefined;
  while (!r.done) {
    const { fieldNumber, wireType } = r.readTag();
    if (fieldNumber === 1 && wireType === WireType.LengthDelimited) raw = r.readBytes();
    else r.skip(wireType);
  }
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw malformed('proto: fieldsV1 is not valid JSON');
  }
}

export const wellKnownToJson: Record<WellKnownType, (payload: Uint8Array) => unknown> = {
  Time: time,
  MicroTime: microTime,
  IntOrString: intOrString,
  Quantity: quantity,
  FieldsV1: fieldsV1,
  // runtime.RawExtension {Raw}: what Go clients put there is the object's JSON (a
  // ControllerRevision's data), so it decodes as FieldsV1 does.
  RawExtension: fieldsV1,
};
