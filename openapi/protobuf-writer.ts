/**
 * Just enough of the protobuf wire format to write messages: varints, length-delimited
 * fields (strings, nested messages) and doubles, with proto3's rule that default values
 * (empty string, false, 0, absent message) are not written.
 */

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number): void {
    const out: number[] = [];
    let v = value;
    while (v > 0x7f) {
      out.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: 0 | 1 | 2): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, value: string | undefined): this {
    if (!value) return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) {
      this.tag(field, 2);
      const b = Buffer.from(v, 'utf8');
      this.varint(b.length);
      this.push(b);
    }
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, 0);
    this.varint(1);
    return this;
  }

  int(field: number, value: number | undefined): this {
    if (!value || value < 0 || !Number.isInteger(value)) return this;
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.push(b);
    return this;
  }

  /** A nested message; written even when empty (a present-but-empty message differs from absent). */
  message(field: number, inner: ProtoWriter | undefined): this {
    if (!inner) return this;
    return this.bytes(field, inner.finish());
  }

  private bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

export const msg = (): ProtoWriter => new ProtoWriter();
