import { Duplex, PassThrough } from 'node:stream';
import { encodeData, encodeHeaderBlock, encodePing, encodeSynStream, FLAG_FIN, splitFrames, SYN_REPLY, type Frame, type HeaderMap } from './frames.js';
import { HeaderZlib } from './header-zlib.js';

/**
 * A minimal SPDY client for tests, as moby/spdystream behaves on kubectl's side: opens
 * streams with compressed header blocks (its own zlib context), sends data and FIN, and
 * records what the server sends, with header blocks of SYN_REPLY decompressed.
 */
export class TestSpdyClient {
  /** The server's end of the connection. */
  readonly serverSide: Duplex;
  readonly frames: Frame[] = [];
  readonly replies: Array<{ streamId: number; headers: Buffer }> = [];
  readonly data = new Map<number, Buffer>();
  readonly fins = new Set<number>();
  serverEnded = false;
  private readonly toServer = new PassThrough();
  private readonly fromServer = new PassThrough();
  private readonly deflate = new HeaderZlib('deflate');
  private readonly inflate = new HeaderZlib('inflate');
  private nextId = 1;
  private pending: Buffer = Buffer.alloc(0);
  private chain: Promise<void> = Promise.resolve();

  constructor() {
    this.serverSide = Duplex.from({ readable: this.toServer, writable: this.fromServer });
    this.fromServer.on('data', (c: Buffer) => {
      this.pending = Buffer.concat([this.pending, c]);
      const { frames, used } = splitFrames(this.pending);
      this.pending = this.pending.subarray(used);
      for (const f of frames) {
        this.frames.push(f);
        this.chain = this.chain.then(async () => {
          if (f.kind === 'control' && f.type === SYN_REPLY) this.replies.push({ streamId: f.data.readUInt32BE(0), headers: await this.inflate.run(f.data.subarray(4)) });
          if (f.kind === 'data') {
            this.data.set(f.streamId, Buffer.concat([this.data.get(f.streamId) ?? Buffer.alloc(0), f.data]));
            if (f.flags & FLAG_FIN) this.fins.add(f.streamId);
          }
        });
      }
    });
    this.fromServer.on('end', () => (this.serverEnded = true));
    this.serverSide.on('close', () => (this.serverEnded = true));
  }

  /** Opens a stream (id: force one, e.g. an even id to test the server's check). */
  async open(headers: Record<string, string>, fin = false, forceId?: number): Promise<number> {
    const id = forceId ?? this.nextId;
    if (forceId === undefined) this.nextId += 2;
    const map: HeaderMap = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    const block = await this.deflate.run(encodeHeaderBlock(map));
    this.raw(encodeSynStream(id, fin ? FLAG_FIN : 0, block));
    return id;
  }

  send(streamId: number, data: Buffer | string, fin = false): void {
    this.raw(encodeData(streamId, fin ? FLAG_FIN : 0, Buffer.from(data)));
  }

  ping(id: number): void {
    this.raw(encodePing(id));
  }

  raw(bytes: Buffer): void {
    this.toServer.write(bytes);
  }

  text(streamId: number): string {
    return (this.data.get(streamId) ?? Buffer.alloc(0)).toString('utf8');
  }

  /** The session under test, so settle() can wait for it to be idle. */
  server: { idle(): Promise<void> } | undefined;

  /**
   * Lets queued I/O and zlib work (thread pool) finish: rounds of the event loop, each
   * waiting for the server's and this client's frame chains, until nothing new arrived
   * for a few rounds in a row.
   */
  async settle(quietRounds = 5): Promise<void> {
    let quiet = 0;
    let seen = -1;
    for (let i = 0; i < 10_000 && quiet < quietRounds; i++) {
      await new Promise((r) => setTimeout(r, 1));
      await this.server?.idle();
      await this.chain;
      if (this.frames.length === seen) quiet++;
      else quiet = 0;
      seen = this.frames.length;
    }
  }
}
