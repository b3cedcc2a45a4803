import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  decodeHeaderBlock,
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeHeaderBlock,
  FLAG_FIN,
  GOAWAY,
  HEADERS,
  PING,
  RST_INVALID_STREAM,
  RST_PROTOCOL_ERROR,
  RST_REFUSED_STREAM,
  RST_STREAM,
  SPDY_VERSION,
  splitFrames,
  SYN_REPLY,
  SYN_STREAM,
  type Frame,
  type HeaderMap,
} from './frames.js';
import { HeaderZlib } from './header-zlib.js';

/**
 * The server side of a SPDY/3.1 session as Kubernetes' streaming uses it (the kubelet
 * accepts streams the client opens; moby/spdystream on the client side): every
 * SYN_STREAM the client sends becomes a SpdyStream handed to onStream, which is answered
 * with an empty SYN_REPLY when accepted (RST_STREAM when refused); data frames go to the
 * stream, FIN ends its remote side; pings are echoed; GOAWAY or a broken frame ends the
 * session. Flow control (WINDOW_UPDATE, SETTINGS) is read and ignored, as spdystream
 * ignores it. Frames are handled strictly in order: header blocks share one zlib context
 * per direction, so a block can only be read after every block before it.
 *
 * Nothing the peer sends can throw out of here: a frame that cannot be parsed ends the
 * session with GOAWAY (PROTOCOL_ERROR) and closes the socket.
 */

export class SpdyStream extends EventEmitter {
  /** The client closed its side (FIN) or the stream was reset. */
  remoteEnded = false;
  /** We sent FIN. */
  localEnded = false;
  reset = false;

  constructor(
    readonly id: number,
    readonly headers: HeaderMap,
    private readonly session: SpdySession,
  ) {
    super();
  }

  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Sends data (split into frames of at most 32 KiB); nothing after end() or a reset. */
  write(data: Buffer | string): void {
    if (this.localEnded || this.reset) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length; off += 32 * 1024) this.session.sendRaw(encodeData(this.id, 0, bytes.subarray(off, off + 32 * 1024)));
  }

  /** Closes our side: an empty data frame with FIN. */
  end(data?: Buffer | string): void {
    if (data !== undefined && data.length > 0) this.write(data);
    if (this.localEnded || this.reset) return;
    this.localEnded = true;
    this.session.sendRaw(encodeData(this.id, FLAG_FIN, Buffer.alloc(0)));
    this.session.maybeForget(this);
  }

  /** @internal */
  remoteData(data: Buffer, fin: boolean): void {
    if (this.remoteEnded) return;
    if (data.length > 0) this.emit('data', data);
    if (fin) this.remoteEnd();
  }

  /** @internal */
  remoteEnd(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.emit('end');
    this.session.maybeForget(this);
  }

  /** @internal the peer reset the stream or the session ended. */
  remoteReset(): void {
    if (this.reset) return;
    this.reset = true;
    const wasEnded = this.remoteEnded;
    this.remoteEnded = true;
    if (!wasEnded) this.emit('end');
    this.emit('reset');
  }
}

export interface SpdySessionOptions {
  /** A new stream from the client; return false to refuse it (RST_STREAM REFUSED). */
  onStream(stream: SpdyStream): boolean | void;
  /** Something went wrong on the wire (logged by the caller). */
  onError?(err: Error): void;
  /** Largest buffered incomplete frame; a peer announcing more is cut off. */
  maxFrameBytes?: number;
}

export class SpdySession extends EventEmitter {
  private readonly inflater = new HeaderZlib('inflate');
  private readonly deflater = new HeaderZlib('deflate');
  private readonly streams = new Map<number, SpdyStream>();
  private pending: Buffer = Buffer.alloc(0);
  private inChain: Promise<void> = Promise.resolve();
  private outChain: Promise<void> = Promise.resolve();
  private lastClientStream = 0;
  private closed = false;
  private readonly maxFrameBytes: number;

  constructor(
    private readonly socket: Duplex,
    private readonly opts: SpdySessionOptions,
  ) {
    super();
    this.maxFrameBytes = opts.maxFrameBytes ?? 8 * 1024 * 1024;
    socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    socket.on('end', () => this.shutdown());
    socket.on('close', () => this.shutdown());
    socket.on('error', (err: Error) => {
      this.opts.onError?.(err);
      this.shutdown();
    });
  }

  /** Feeds bytes that arrived before the session took the socket (the upgrade's head). */
  feed(head: Buffer): void {
    if (head.length > 0) this.onBytes(head);
  }

  /** Settles once every frame received and queued so far has been handled and written (for tests). */
  async idle(): Promise<void> {
    for (;;) {
      const a = this.inChain;
      const b = this.outChain;
      await a;
      await b;
      if (a === this.inChain && b === this.outChain) return;
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onBytes(chunk: Buffer): void {
    if (this.closed) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const { frames, used } = splitFrames(this.pending);
    this.pending = this.pending.subarray(used);
    if (this.pending.length >= 8 && this.pending.readUIntBE(5, 3) > this.maxFrameBytes) {
      return this.fail(new Error(`SPDY frame of ${this.pending.readUIntBE(5, 3)} bytes exceeds ${this.maxFrameBytes}`));
    }
    for (const f of frames) {
      this.inChain = this.inChain.then(() => this.handle(f)).catch((err: unknown) => this.fail(err as Error));
    }
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    if (f.kind === 'data') {
      const s = this.streams.get(f.streamId);
      if (!s) {
        // A frame for a stream we forgot after both sides closed it is harmless; anything else is the peer's error.
        if (f.streamId > this.lastClientStream) this.sendRaw(encodeRstStream(f.streamId, RST_INVALID_STREAM));
        return;
      }
      s.remoteData(f.data, (f.flags & FLAG_FIN) !== 0);
      return;
    }
    if (f.version !== SPDY_VERSION) throw new Error(`unsupported SPDY version ${f.version}`);
    switch (f.type) {
      case SYN_STREAM:
        return this.onSynStream(f);
      case SYN_REPLY:
      case HEADERS: {
        // Read to keep the zlib context in step; a client has no reason to send these to us.
        if (f.data.length < 4) throw new Error('short HEADERS/SYN_REPLY frame');
        await this.inflater.run(f.data.subarray(4));
        return;
      }
      case RST_STREAM: {
        if (f.data.length < 8) throw new Error('short RST_STREAM frame');
        const id = f.data.readUInt32BE(0) & 0x7fffffff;
        const s = this.streams.get(id);
        if (s) {
          this.streams.delete(id);
          s.remoteReset();
        }
        return;
      }
      case PING: {
        if (f.data.length < 4) throw new Error('short PING frame');
        const id = f.data.readUInt32BE(0);
        // Client pings have odd ids: echo them. An even id answers a ping of ours (we send none).
        if (id % 2 === 1) this.sendRaw(encodePing(id));
        return;
      }
      case GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, NOOP, CREDENTIAL: nothing to do.
        return;
    }
  }

  private async onSynStream(f: Extract<Frame, { kind: 'control' }>): Promise<void> {
    if (f.data.length < 10) throw new Error('short SYN_STREAM frame');
    const id = f.data.readUInt32BE(0) & 0x7fffffff;
    // Decompress first, whatever happens to the stream: the zlib context must advance.
    const block = await this.inflater.run(f.data.subarray(10));
    const headers = decodeHeaderBlock(block);
    if (typeof headers === 'string') throw new Error(`SYN_STREAM ${id}: ${headers}`);
    if (id === 0 || id % 2 === 0 || id <= this.lastClientStream) {
      this.sendRaw(encodeRstStream(id || 1, RST_PROTOCOL_ERROR));
      return;
    }
    this.lastClientStream = id;
    const stream = new SpdyStream(id, headers, this);
    this.streams.set(id, stream);
    // The reply goes out before anything the handler writes: spdystream drops data on a stream not yet replied to.
    this.sendReply(id);
    let accepted: boolean | void;
    try {
      accepted = this.opts.onStream(stream);
    } catch (err) {
      this.opts.onError?.(err as Error);
      accepted = false;
    }
    if (accepted === false) {
      this.streams.delete(id);
      stream.reset = true;
      this.sendRaw(encodeRstStream(id, RST_REFUSED_STREAM));
      return;
    }
    if (f.flags & FLAG_FIN) stream.remoteEnd();
  }

  private sendReply(id: number): void {
    const block = this.deflater.run(encodeHeaderBlock({}));
    this.enqueue(block.then((compressed) => encodeSynReply(id, 0, compressed)));
  }

  /** @internal Writes a frame after everything queued before it. */
  sendRaw(frame: Buffer): void {
    this.enqueue(Promise.resolve(frame));
  }

  private enqueue(frame: Promise<Buffer>): void {
    if (this.closed) return;
    this.outChain = this.outChain
      .then(() => frame)
      .then((bytes) => {
        if (!this.closed && this.socket.writable) this.socket.write(bytes);
      })
      .catch((err: unknown) => this.fail(err as Error));
  }

  /** @internal A stream closed on both sides needs no entry (its late frames are ignored). */
  maybeForget(s: SpdyStream): void {
    if (s.localEnded && s.remoteEnded) this.streams.delete(s.id);
  }

  /** Ends the session politely: GOAWAY after every queued frame, then the socket's end. */
  close(): void {
    if (this.closed) return;
    this.sendRaw(encodeGoAway(this.lastClientStream));
    const done = this.outChain;
    void done.then(() => {
      this.shutdown();
      try {
        this.socket.end();
      } catch {
        this.socket.destroy();
      }
    });
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.opts.onError?.(err);
    try {
      if (this.socket.writable) this.socket.write(encodeGoAway(this.lastClientStream, RST_PROTOCOL_ERROR));
    } catch {
      // the socket is gone already
    }
    this.shutdown();
    this.socket.destroy();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.remoteReset();
    this.streams.clear();
    this.inflater.close();
    this.deflater.close();
    this.emit('close');
  }
}
