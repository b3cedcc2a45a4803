import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

/**
 * One direction's header compression context: a single zlib stream (with the SPDY/3
 * dictionary) that lives as long as the connection, each header block written and
 * sync-flushed, so a block's bytes depend on every block before it. Calls are serialized
 * (a block's output is what one flush produced); a corrupt input rejects and poisons the
 * context, which is what SPDY says to do (the session must end: the peers' contexts no
 * longer agree).
 */
export class HeaderZlib {
  private readonly z: zlib.Deflate | zlib.Inflate;
  private chunks: Buffer[] = [];
  private outBytes = 0;
  private failed: Error | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** The block in progress gives up when the stream fails (its flush callback may never come). */
  private pendingReject: ((err: Error) => void) | undefined;

  /** maxOutput bounds what one block may inflate to (a zlib bomb ends the session). */
  constructor(
    mode: 'deflate' | 'inflate',
    private readonly maxOutput = 256 * 1024,
  ) {
    this.z = mode === 'deflate' ? zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 }) : zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
    this.z.on('data', (c: Buffer) => {
      this.outBytes += c.length;
      if (this.outBytes > this.maxOutput) {
        this.failed ??= new Error(`header block inflates beyond ${this.maxOutput} bytes`);
        return;
      }
      this.chunks.push(c);
    });
    this.z.on('error', (err: Error) => {
      this.failed ??= err;
      this.pendingReject?.(this.failed);
    });
  }

  /** Compresses or decompresses one block. */
  run(input: Buffer): Promise<Buffer> {
    const next = this.chain.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          this.pendingReject = reject;
          this.chunks = [];
          this.outBytes = 0;
          this.z.write(input);
          this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.pendingReject = undefined;
            if (this.failed) return reject(this.failed);
            const out = Buffer.concat(this.chunks);
            this.chunks = [];
            resolve(out);
          });
        }),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.close();
  }
}
