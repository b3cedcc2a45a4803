import { describe, expect, it } from 'vitest';
import { LineDiscipline, onlcr } from './line-discipline.js';

describe('LineDiscipline', () => {
  it.each([
    ['a typed line', ['ls\r'], { echo: 'ls\r\n', input: ['ls\n'], interrupt: false, eof: false }],
    ['keys one by one', ['l', 's', '\r'], { echo: 'ls\r\n', input: ['ls\n'], interrupt: false, eof: false }],
    ['backspace', ['lx\x7fs\r'], { echo: 'lx\b \bs\r\n', input: ['ls\n'], interrupt: false, eof: false }],
    ['backspace on an empty line', ['\x7f'], { echo: '', input: [], interrupt: false, eof: false }],
    ['Ctrl-U kills the line', ['abc\x15x\r'], { echo: 'abc\b \b\b \b\b \bx\r\n', input: ['x\n'], interrupt: false, eof: false }],
    ['Ctrl-C drops the line and interrupts', ['abc\x03'], { echo: 'abc^C', input: [], interrupt: true, eof: false }],
    ['Ctrl-D on an empty line is end of input', ['\x04'], { echo: '', input: [], interrupt: false, eof: true }],
    ['Ctrl-D after text sends it without newline', ['ab\x04'], { echo: 'ab', input: ['ab'], interrupt: false, eof: false }],
    ['arrow keys are swallowed', ['a\x1b[Ab\r'], { echo: 'ab\r\n', input: ['ab\n'], interrupt: false, eof: false }],
    ['two lines in one chunk', ['a\rb\r'], { echo: 'a\r\nb\r\n', input: ['a\n', 'b\n'], interrupt: false, eof: false }],
  ])('%s', (_n, chunks, want) => {
    const d = new LineDiscipline();
    const all = { echo: '', input: [] as string[], interrupt: false, eof: false };
    for (const c of chunks) {
      const r = d.feed(c);
      all.echo += r.echo;
      all.input.push(...r.input);
      all.interrupt ||= r.interrupt;
      all.eof ||= r.eof;
    }
    expect(all).toEqual(want);
  });

  it('onlcr turns \\n into \\r\\n once', () => {
    expect(onlcr('a\nb\r\nc')).toBe('a\r\nb\r\nc');
  });
});
