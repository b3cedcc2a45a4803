import { describe, expect, it } from 'vitest';
import { NdjsonParser } from './ndjson.js';

const frames = [
  { type: 'ADDED', object: { metadata: { name: 'pod-ü-🚀' } } },
  { type: 'MODIFIED', object: { metadata: { name: 'b', labels: { note: 'a\nb' } } } },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '42' } } },
];
const bytes = Buffer.from(frames.map((f) => JSON.stringify(f)).join('\r\n') + '\n\n');

describe('NdjsonParser', () => {
  it('decodes every frame whatever the chunk boundaries (inside UTF-8 sequences too)', () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const out: unknown[] = [];
      const p = new NdjsonParser((v) => out.push(v));
      p.write(bytes.subarray(0, cut));
      p.write(bytes.subarray(cut));
      p.end();
      expect(out).toEqual(frames);
    }
  });

  it('decodes byte-by-byte input and a last line without a newline', () => {
    const out: unknown[] = [];
    const p = new NdjsonParser((v) => out.push(v));
    const noTrailing = Buffer.from(frames.map((f) => JSON.stringify(f)).join('\n'));
    for (const b of noTrailing) p.write(Buffer.from([b]));
    expect(out).toHaveLength(2);
    p.end();
    expect(out).toEqual(frames);
  });

  it('reports and skips a line that is not JSON', () => {
    const out: unknown[] = [];
    const bad: string[] = [];
    const p = new NdjsonParser(
      (v) => out.push(v),
      (_err, line) => bad.push(line),
    );
    p.write('{"a":1}\nnot json\n{"b":2}\n');
    expect(out).toEqual([{ a: 1 }, { b: 2 }]);
    expect(bad).toEqual(['not json']);
  });
});
