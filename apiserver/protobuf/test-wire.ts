/**
 * A tiny protobuf writer for tests: builds wire data by field number, independently of
 * the descriptor tables, so tests state the bytes a Go client would send.
 */

export type Part = Uint8Array;

export function varint(n: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function tag(no: number, wireType: number): Uint8Array {
  return varint(no * 8 + wireType);
}

/** A varint field (int32, int64, bool, enum). Negative numbers take 10 bytes, as in Go. */
export function vf(no: number, n: number | bigint | boolean): Part {
  return cat(tag(no, 0), varint(typeof n === 'boolean' ? (n ? 1 : 0) : n));
}

/** A length-delimited field: a string, raw bytes, or an embedded message's parts. */
export function bf(no: number, value: string | Uint8Array): Part {
  const payload = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return cat(tag(no, 2), varint(payload.length), payload);
}

/** An embedded message field made of parts. */
export function mf(no: number, ...parts: Part[]): Part {
  return bf(no, cat(...parts));
}

/** A map<string, string> entry field. */
export function entry(no: number, key: string, value: string | Uint8Array): Part {
  return mf(no, bf(1, key), bf(2, value));
}

export function fixed64(no: number, bytes: number[]): Part {
  return cat(tag(no, 1), Uint8Array.from(bytes));
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** A full request body: `k8s\0` + runtime.Unknown{typeMeta, raw}. */
export function envelope(apiVersion: string, kind: string, ...objectParts: Part[]): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), mf(1, bf(1, apiVersion), bf(2, kind)), bf(2, cat(...objectParts)), bf(3, ''), bf(4, '')]);
}
