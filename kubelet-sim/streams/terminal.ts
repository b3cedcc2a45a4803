import { ChunkQueue } from '../shell/chunk-queue.js';
import type { Io } from '../shell/types.js';
import { LineDiscipline, onlcr } from './line-discipline.js';

/**
 * A process's standard streams as the container runtime gives them: with a tty, one
 * terminal (stdout and stderr merged, input through the line discipline, Ctrl-C to the
 * foreground command); without, plain pipes. Output goes to whoever is attached (an exec
 * has one client, a container's main process any number of `kubectl attach`es).
 */
export type Sink = (stream: 'stdout' | 'stderr', text: string) => void;

export class Terminal {
  readonly stdin = new ChunkQueue();
  readonly io: Io;
  private readonly sinks = new Set<Sink>();
  private readonly discipline: LineDiscipline | undefined;
  private foreground: AbortController | undefined;
  size: { width: number; height: number } = { width: 80, height: 24 };

  constructor(
    readonly tty: boolean,
    /** stdin/stdout as bytes (latin1 strings): see Io.binary. */
    binary = false,
  ) {
    this.discipline = tty ? new LineDiscipline() : undefined;
    const out = (stream: 'stdout' | 'stderr') => ({ write: (t: string) => this.emit(tty ? 'stdout' : stream, tty ? onlcr(t) : t) });
    this.io = {
      ...(binary && !tty ? { binary: true } : {}),
      stdin: this.stdin,
      stdout: out('stdout'),
      stderr: out('stderr'),
      tty: tty ? { setForeground: (c) => void (this.foreground = c) } : undefined,
    };
  }

  attach(sink: Sink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  private emit(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return;
    for (const s of this.sinks) s(stream, text);
  }

  /** Bytes the user typed (channel 0). */
  input(text: string): void {
    if (!this.discipline) {
      this.stdin.push(text);
      return;
    }
    const r = this.discipline.feed(text);
    this.emit('stdout', r.echo);
    for (const line of r.input) this.stdin.push(line);
    if (r.interrupt) this.foreground?.abort();
    if (r.eof) this.stdin.end();
  }

  endInput(): void {
    this.stdin.end();
  }
}
