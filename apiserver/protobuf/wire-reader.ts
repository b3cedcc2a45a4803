import { malformed } from './errors.js';

/**
 * A cursor over protobuf wire data (https://protobuf.dev/programming-guides/encoding/).
 * Reads varints, fixed-width numbers and length-delimited slices; every read checks its
 * bounds and throws a Malformed ProtobufDecodeError instead of reading past the end.
 */

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

export interface FieldTag {
  fieldNumber: number;
  wireType: number;
}

/** Nesting limit for groups being skipped (gogo's skip uses the same idea). */
const MAX_GROUP_DEPTH = 100;

export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /**
   * A varint as two 32-bit halves (low, high), both unsigned. Up to 10 bytes, as the
   * encoding of a negative int64 needs.
   */
  private readVarint64(): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw malformed('unexpected EOF');
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return [lo >>> 0, hi >>> 0];
    }
    throw malformed('proto: integer overflow');
  }

  /** An unsigned varint that must fit a JS safe integer (tags, lengths). */
  readUint(): number {
    const [lo, hi] = this.readVarint64();
    if (hi > 0x1fffff) throw malformed('proto: integer overflow');
    return hi * 0x1_0000_0000 + lo;
  }

  /** int32 / enum: the low 32 bits, signed (negative values come as 10-byte varints). */
  readInt32(): number {
    return this.readVarint64()[0] | 0;
  }

  /** int64 as a JS number (exact up to 2^53, as JSON clients read it anyway). */
  readInt64(): number {
    const [lo, hi] = this.readVarint64();
    return (hi | 0) * 0x1_0000_0000 + lo;
  }

  readBool(): boolean {
    const [lo, hi] = this.readVarint64();
    return lo !== 0 || hi !== 0;
  }

  readFixed32(): Uint8Array {
    return this.take(4);
  }

  readFixed64(): Uint8Array {
    return this.take(8);
  }

  readDouble(): number {
    const b = this.take(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  /** A length-delimited payload: a view on the same memory, not a copy. */
  readBytes(): Uint8Array {
    const len = this.readUint();
    return this.take(len);
  }

  readTag(): FieldTag {
    const key = this.readUint();
    const fieldNumber = Math.floor(key / 8);
    const wireType = key & 7;
    if (fieldNumber <= 0) throw malformed(`proto: illegal tag ${fieldNumber} (wire type ${wireType})`);
    return { fieldNumber, wireType };
  }

  /** Skips the value of a field we do not model, by its wire type. */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case WireType.Varint:
        this.readVarint64();
        return;
      case WireType.Fixed64:
        this.take(8);
        return;
      case WireType.LengthDelimited:
        this.readBytes();
        return;
      case WireType.Fixed32:
        this.take(4);
        return;
      case WireType.StartGroup: {
        if (depth >= MAX_GROUP_DEPTH) throw malformed('proto: nested groups too deep');
        for (;;) {
          const tag = this.readTag();
          if (tag.wireType === WireType.EndGroup) return;
          this.skip(tag.wireType, depth + 1);
        }
      }
      case WireType.EndGroup:
        throw malformed('proto: unexpected end group');
      default:
        throw malformed(`proto: illegal wireType ${wireType}`);
    }
  }

  private take(len: number): Uint8Array {
    if (len < 0) throw malformed('proto: negative length found during unmarshaling');
    if (this.pos + len > this.buf.length) throw malformed('unexpected EOF');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}
