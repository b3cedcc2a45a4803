import { describe, expect, it } from 'vitest';
import { goJsonSyntaxError, goQuoteByte } from './go-json-syntax.js';

/**
 * Expected messages are Go's: the contexts are the strings of encoding/json's scanner.go
 * (stateBeginValue, stateBeginString, stateEndValue, stateEndTop, the string, number and
 * literal states, eof), several of them exactly as Go's own tests assert them
 * (scanner_test.go TestIndentErrors, decode_test.go's unmarshal syntax cases).
 */
describe('goJsonSyntaxError (encoding/json scanner messages)', () => {
  it.each([
    // Go's own test cases.
    ['{"X": "foo", "Y"}', "invalid character '}' after object key"],
    ['{"X": "foo" "Y": "bar"}', 'invalid character \'"\' after object key:value pair'],
    ['[1, 2, 3+]', "invalid character '+' after array element"],
    ['{"X":12x}', "invalid character 'x' after object key:value pair"],
    ['[2, 3', 'unexpected end of JSON input'],
    ['{"F3": -}', "invalid character '}' in numeric literal"],
    // Beginnings.
    ['', 'unexpected end of JSON input'],
    ['   \n', 'unexpected end of JSON input'],
    ['garbage', "invalid character 'g' looking for beginning of value"],
    ['  <html>', "invalid character '<' looking for beginning of value"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a":}', "invalid character '}' looking for beginning of value"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    // Ends.
    ['{', 'unexpected end of JSON input'],
    ['{"a"', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['"abc', 'unexpected end of JSON input'],
    ['{} x', "invalid character 'x' after top-level value"],
    ['{}}', "invalid character '}' after top-level value"],
    ['1 2', "invalid character '2' after top-level value"],
    // Literals: the end of input is read as a space, as Go's eof() does.
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['trUe', "invalid character 'U' in literal true (expecting 'u')"],
    ['fals', "invalid character ' ' in literal false (expecting 'e')"],
    ['nul', "invalid character ' ' in literal null (expecting 'l')"],
    ['[nil]', "invalid character 'i' in literal null (expecting 'u')"],
    ['True', "invalid character 'T' looking for beginning of value"],
    // Numbers.
    ['-', "invalid character ' ' in numeric literal"],
    ['01', "invalid character '1' after top-level value"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1.e5', "invalid character 'e' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['[1e+]', "invalid character ']' in exponent of numeric literal"],
    ['+1', "invalid character '+' looking for beginning of value"],
    ['.5', "invalid character '.' looking for beginning of value"],
    // Strings.
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12G4"', "invalid character 'G' in \\u hexadecimal character escape"],
  ])('%j → %s', (input, want) => {
    expect(goJsonSyntaxError(input)).toBe(want);
  });

  it('accepts what Go accepts', () => {
    for (const ok of ['{}', '[]', ' {"a": [1, -0.5e+3, true, false, null, "x\\u00e9\\n"]} ', '0', '"é"', '-12.5E-7']) {
      expect(goJsonSyntaxError(ok), ok).toBeUndefined();
    }
  });

  it('reports a bad multi-byte character by its first byte, as Go reads bytes', () => {
    // é is C3 A9 in UTF-8; Go prints byte 0xC3 as the rune U+00C3.
    expect(goJsonSyntaxError('é')).toBe("invalid character 'Ã' looking for beginning of value");
    expect(goJsonSyntaxError(new Uint8Array([0x7b, 0x80]))).toBe("invalid character '\\u0080' looking for beginning of object key string");
  });

  it('stops at Go’s nesting limit (10000)', () => {
    expect(goJsonSyntaxError('['.repeat(10_001))).toBe("invalid character '[' exceeded max depth");
    expect(goJsonSyntaxError('['.repeat(10_000) + ']'.repeat(10_000))).toBeUndefined();
  });
});

describe('goQuoteByte (quoteChar: strconv.Quote of the byte as a rune)', () => {
  it.each([
    [0x27, "'\\''"],
    [0x22, `'"'`],
    [0x5c, "'\\\\'"],
    [0x0a, "'\\n'"],
    [0x00, "'\\x00'"],
    [0x1b, "'\\x1b'"],
    [0x7f, "'\\x7f'"],
    [0x9f, "'\\u009f'"],
    [0xa0, "'\\u00a0'"],
    [0xad, "'\\u00ad'"],
    [0xff, "'ÿ'"],
    [0x41, "'A'"],
  ])('%i → %s', (byte, want) => {
    expect(goQuoteByte(byte)).toBe(want);
  });
});
