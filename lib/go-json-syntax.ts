/**
 * The syntax errors of Go's encoding/json (scanner.go), worded as Go words them, for
 * the places where kube-apiserver passes a decoder error on to the client (a bad
 * request body, a webhook's undecodable answer). Go checks the whole input with a byte
 * state machine before decoding; this is the same machine, written from its
 * description: a state per position, an error naming the offending byte and what was
 * expected there, and "unexpected end of JSON input" when the input stops inside a
 * value. Bytes, not characters: a bad multi-byte character is reported by its first
 * byte, shown as Go's strconv.Quote shows that byte taken as a rune.
 */

const enum Parse {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

/** Go's maxNestingDepth. */
const MAX_DEPTH = 10_000;

type Step = (c: number) => void;

class SyntaxFailure {
  constructor(readonly message: string) {}
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** quoteChar: the byte as a rune in single quotes, escaped as strconv.Quote escapes it. */
export function goQuoteByte(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  if (c === 0x5c) return `'\\\\'`;
  const short: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v' };
  if (short[c]) return `'${short[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // U+0080–U+009F (controls), U+00A0 (no-break space) and U+00AD (soft hyphen) are not printable.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

class Scanner {
  private step: Step = (c) => this.beginValue(c);
  private readonly stack: Parse[] = [];
  private endTop = false;

  private fail(c: number, context: string): never {
    throw new SyntaxFailure(`invalid character ${goQuoteByte(c)} ${context}`);
  }

  feed(c: number): void {
    this.step(c);
  }

  /** Go's eof(): a space finishes a pending number or literal; anything still open is unexpected end. */
  end(): void {
    if (this.endTop) return;
    this.step(0x20);
    if (!this.endTop) throw new SyntaxFailure('unexpected end of JSON input');
  }

  private push(c: number, state: Parse): void {
    this.stack.push(state);
    if (this.stack.length > MAX_DEPTH) this.fail(c, 'exceeded max depth');
  }

  private pop(): void {
    this.stack.pop();
    if (this.stack.length === 0) {
      this.step = (c) => this.endOfTop(c);
      this.endTop = true;
    } else {
      this.step = (c) => this.endValue(c);
    }
  }

  private beginValueOrEmpty(c: number): void {
    if (isSpace(c)) return;
    if (c === 0x5d) return this.endValue(c);
    this.beginValue(c);
  }

  private beginValue(c: number): void {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b: // {
        this.step = (d) => this.beginStringOrEmpty(d);
        return this.push(c, Parse.ObjectKey);
      case 0x5b: // [
        this.step = (d) => this.beginValueOrEmpty(d);
        return this.push(c, Parse.ArrayValue);
      case 0x22: // "
        this.step = (d) => this.inString(d);
        return;
      case 0x2d: // -
        this.step = (d) => this.neg(d);
        return;
      case 0x30: // 0
        this.step = (d) => this.zero(d);
        return;
      case 0x74: // t
        return this.literal('true');
      case 0x66: // f
        return this.literal('false');
      case 0x6e: // n
        return this.literal('null');
    }
    if (c >= 0x31 && c <= 0x39) {
      this.step = (d) => this.digits(d);
      return;
    }
    this.fail(c, 'looking for beginning of value');
  }

  /** The rest of true/false/null, one expected byte at a time. */
  private literal(word: string, at = 1): void {
    this.step = (c) => {
      const want = word.charCodeAt(at);
      if (c !== want) this.fail(c, `in literal ${word} (expecting '${word[at]}')`);
      if (at + 1 === word.length) this.step = (d) => this.endValue(d);
      else this.literal(word, at + 1);
    };
  }

  private beginStringOrEmpty(c: number): void {
    if (isSpace(c)) return;
    if (c === 0x7d) {
      this.stack[this.stack.length - 1] = Parse.ObjectValue;
      return this.endValue(c);
    }
    this.beginString(c);
  }

  private beginString(c: number): void {
    if (isSpace(c)) return;
    if (c === 0x22) {
      this.step = (d) => this.inString(d);
      return;
    }
    this.fail(c, 'looking for beginning of object key string');
  }

  private endValue(c: number): void {
    const n = this.stack.length;
    if (n === 0) {
      this.step = (d) => this.endOfTop(d);
      this.endTop = true;
      return this.endOfTop(c);
    }
    if (isSpace(c)) {
      this.step = (d) => this.endValue(d);
      return;
    }
    switch (this.stack[n - 1]) {
      case Parse.ObjectKey:
        if (c === 0x3a) {
          this.stack[n - 1] = Parse.ObjectValue;
          this.step = (d) => this.beginValue(d);
          return;
        }
        return this.fail(c, 'after object key');
      case Parse.ObjectValue:
        if (c === 0x2c) {
          this.stack[n - 1] = Parse.ObjectKey;
          this.step = (d) => this.beginString(d);
          return;
        }
        if (c === 0x7d) return this.pop();
        return this.fail(c, 'after object key:value pair');
      case Parse.ArrayValue:
        if (c === 0x2c) {
          this.step = (d) => this.beginValue(d);
          return;
        }
        if (c === 0x5d) return this.pop();
        return this.fail(c, 'after array element');
    }
  }

  private endOfTop(c: number): void {
    if (!isSpace(c)) this.fail(c, 'after top-level value');
  }

  private inString(c: number): void {
    if (c === 0x22) {
      this.step = (d) => this.endValue(d);
      return;
    }
    if (c === 0x5c) {
      this.step = (d) => this.inStringEscape(d);
      return;
    }
    if (c < 0x20) this.fail(c, 'in string literal');
  }

  private inStringEscape(c: number): void {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) {
      this.step = (d) => this.inString(d);
      return;
    }
    if (c === 0x75) return this.hexEscape(4);
    this.fail(c, 'in string escape code');
  }

  private hexEscape(left: number): void {
    this.step = (c) => {
      if (!isHex(c)) this.fail(c, 'in \\u hexadecimal character escape');
      if (left === 1) this.step = (d) => this.inString(d);
      else this.hexEscape(left - 1);
    };
  }

  private neg(c: number): void {
    if (c === 0x30) {
      this.step = (d) => this.zero(d);
      return;
    }
    if (c >= 0x31 && c <= 0x39) {
      this.step = (d) => this.digits(d);
      return;
    }
    this.fail(c, 'in numeric literal');
  }

  /** After a non-zero integer digit (Go's state1). */
  private digits(c: number): void {
    if (isDigit(c)) return;
    this.zero(c);
  }

  /** After the integer part (Go's state0). */
  private zero(c: number): void {
    if (c === 0x2e) {
      this.step = (d) => this.dot(d);
      return;
    }
    if (c === 0x65 || c === 0x45) {
      this.step = (d) => this.exponent(d);
      return;
    }
    this.endValue(c);
  }

  /** After `.`, or after `e` and its sign: a digit must come, then `then` reads the rest. */
  private requireDigit(c: number, context: string, then: Step): void {
    if (!isDigit(c)) this.fail(c, context);
    this.step = then;
  }

  private dot(c: number): void {
    this.requireDigit(c, 'after decimal point in numeric literal', (d) => this.fraction(d));
  }

  private fraction(c: number): void {
    if (isDigit(c)) return;
    if (c === 0x65 || c === 0x45) {
      this.step = (d) => this.exponent(d);
      return;
    }
    this.endValue(c);
  }

  private exponent(c: number): void {
    if (c === 0x2b || c === 0x2d) {
      this.step = (d) => this.exponentSign(d);
      return;
    }
    this.exponentSign(c);
  }

  private exponentSign(c: number): void {
    this.requireDigit(c, 'in exponent of numeric literal', (d) => this.exponentDigits(d));
  }

  private exponentDigits(c: number): void {
    if (!isDigit(c)) this.endValue(c);
  }
}

/**
 * Go's json.Unmarshal syntax error for `input` (text is taken as UTF-8), or undefined
 * when Go finds it well-formed.
 */
export function goJsonSyntaxError(input: string | Uint8Array): string | undefined {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const scanner = new Scanner();
  try {
    for (const c of bytes) scanner.feed(c);
    scanner.end();
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxFailure) return err.message;
    throw err;
  }
}
