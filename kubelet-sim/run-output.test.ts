import { describe, expect, it } from 'vitest';
import { RunOutput } from './run-output.js';

describe('RunOutput', () => {
  it('complete lines at the time of their newline; an unfinished line only when flushed, as a partial entry', () => {
    const o = new RunOutput({ startedAt: 1000 });
    expect(o.write('a\nb', 1100)).toBe(true);
    expect(o.write('c\n', 1200)).toBe(true);
    expect(o.write('OK!', 1300)).toBe(false);
    expect(o.write('OK!', 1400)).toBe(false);
    expect(o.lines()).toEqual([{ atMs: 100, text: 'a' }, { atMs: 200, text: 'bc' }]);
    expect(o.hasPending()).toBe(true);
    expect(o.flush()).toBe(true);
    expect(o.lines().slice(-1)).toEqual([{ atMs: 300, text: 'OK!OK!', partial: true }]);
    expect(o.flush()).toBe(false);
  });

  it('keeps the newest maxEntries; cuts an endless line at maxEntryBytes', () => {
    const o = new RunOutput({ startedAt: 0, maxEntries: 3, maxEntryBytes: 4 });
    o.write('1\n2\n3\n4\n', 10);
    expect(o.lines().map((l) => l.text)).toEqual(['2', '3', '4']);
    o.write('abcdefghij', 20);
    expect(o.lines().map((l) => [l.text, l.partial ?? false])).toEqual([
      ['4', false],
      ['abcd', true],
      ['efgh', true],
      ['ij', true],
    ].slice(-3));
  });
});
