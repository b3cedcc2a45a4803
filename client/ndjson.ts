import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into newline-delimited JSON values. Chunks may end anywhere:
 * inside a line, inside a multi-byte UTF-8 character, or between `\r` and `\n`.
 * Blank lines are skipped; a line that is not JSON is reported through onError and
 * skipped, so one bad frame does not wedge the stream.
 */
export class NdjsonParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly onValue: (value: unknown) => void,
    private readonly onError: (err: Error, line: string) => void = () => {},
  ) {}

  write(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf('\n', start);
      if (nl < 0) break;
      this.emit(this.pending.slice(start, nl));
      start = nl + 1;
    }
    this.pending = this.pending.slice(start);
  }

  /** Flushes a final line that had no trailing newline. */
  end(): void {
    this.pending += this.decoder.end();
    const rest = this.pending;
    this.pending = '';
    this.emit(rest);
  }

  private emit(raw: string): void {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      this.onError(err as Error, line);
      return;
    }
    this.onValue(value);
  }
}
