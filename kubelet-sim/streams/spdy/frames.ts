/**
 * SPDY/3.1 framing (SPDY Protocol draft 3.1, section 2.2), the subset Kubernetes'
 * streaming uses (k8s.io/apimachinery httpstream/spdy over moby/spdystream): pure
 * encode/decode of frames and of uncompressed Name/Value header blocks. Compression of
 * header blocks is header-zlib.ts; the session (streams, replies, pings) is session.ts.
 *
 *   control frame: 1 | version(15) | type(16) | flags(8) | length(24) | data
 *   data frame:    0 | stream-id(31)           | flags(8) | length(24) | data
 */

export const SPDY_VERSION = 3;

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes used here. */
export const RST_PROTOCOL_ERROR = 1;
export const RST_INVALID_STREAM = 2;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

/** A frame's payload is at most 2^24-1 bytes; a peer announcing more is broken. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; version: number; type: number; flags: number; data: Buffer };

/**
 * Splits complete frames off the front of buf. Returns the frames and how many bytes
 * they used; an incomplete tail stays for the next call.
 */
export function splitFrames(buf: Buffer): { frames: Frame[]; used: number } {
  const frames: Frame[] = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const first = buf.readUInt32BE(off);
    const flags = buf[off + 4]!;
    const length = buf.readUIntBE(off + 5, 3);
    if (buf.length - off - 8 < length) break;
    const data = buf.subarray(off + 8, off + 8 + length);
    if (first & 0x80000000) frames.push({ kind: 'control', version: (first >>> 16) & 0x7fff, type: first & 0xffff, flags, data });
    else frames.push({ kind: 'data', streamId: first & 0x7fffffff, flags, data });
    off += 8 + length;
  }
  return { frames, used: off };
}

function header8(first: number, flags: number, length: number): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY frame payload of ${length} bytes exceeds 2^24-1`);
  const b = Buffer.alloc(8);
  b.writeUInt32BE(first >>> 0, 0);
  b[4] = flags;
  b.writeUIntBE(length, 5, 3);
  return b;
}

export function encodeControl(type: number, flags: number, data: Buffer): Buffer {
  return Buffer.concat([header8((0x8000 | SPDY_VERSION) * 0x10000 + type, flags, data.length), data]);
}

export function encodeData(streamId: number, flags: number, data: Buffer): Buffer {
  return Buffer.concat([header8(streamId & 0x7fffffff, flags, data.length), data]);
}

const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};

/** SYN_REPLY: stream id, then the compressed header block. */
export function encodeSynReply(streamId: number, flags: number, compressedHeaders: Buffer): Buffer {
  return encodeControl(SYN_REPLY, flags, Buffer.concat([u32(streamId & 0x7fffffff), compressedHeaders]));
}

/** SYN_STREAM (for tests and clients): stream id, associated id, priority(3)+unused(5), slot, header block. */
export function encodeSynStream(streamId: number, flags: number, compressedHeaders: Buffer, priority = 0): Buffer {
  const fixed = Buffer.concat([u32(streamId & 0x7fffffff, 0), Buffer.from([(priority & 7) << 5, 0])]);
  return encodeControl(SYN_STREAM, flags, Buffer.concat([fixed, compressedHeaders]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return encodeControl(RST_STREAM, 0, u32(streamId & 0x7fffffff, status));
}

export function encodePing(id: number): Buffer {
  return encodeControl(PING, 0, u32(id));
}

export function encodeGoAway(lastGoodStreamId: number, status = 0): Buffer {
  return encodeControl(GOAWAY, 0, u32(lastGoodStreamId & 0x7fffffff, status));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return encodeControl(WINDOW_UPDATE, 0, u32(streamId & 0x7fffffff, delta & 0x7fffffff));
}

/** Lowercase names; repeated values are joined by NUL as SPDY/3 requires. */
export type HeaderMap = Record<string, string[]>;

export function encodeHeaderBlock(headers: HeaderMap): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, values] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed header block; a string says what is wrong with it. */
export function decodeHeaderBlock(block: Buffer): HeaderMap | string {
  if (block.length < 4) return 'header block too short';
  const count = block.readUInt32BE(0);
  // Each pair needs at least 8 bytes of lengths: a count beyond that is a lie.
  if (count > (block.length - 4) / 8) return `header block announces ${count} pairs in ${block.length} bytes`;
  const out: HeaderMap = {};
  let off = 4;
  const take = (): Buffer | undefined => {
    if (block.length - off < 4) return undefined;
    const len = block.readUInt32BE(off);
    off += 4;
    if (block.length - off < len) return undefined;
    const b = block.subarray(off, off + len);
    off += len;
    return b;
  };
  for (let i = 0; i < count; i++) {
    const name = take();
    const value = take();
    if (name === undefined || value === undefined) return 'truncated header block';
    const key = name.toString('utf8').toLowerCase();
    (out[key] ??= []).push(...value.toString('utf8').split('\0'));
  }
  return out;
}

/** The first value of a header, or undefined. */
export function headerValue(h: HeaderMap, name: string): string | undefined {
  return h[name.toLowerCase()]?.[0];
}
