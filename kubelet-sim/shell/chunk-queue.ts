import { Interrupted, type Input } from './types.js';

/**
 * An Input fed from outside (a stream's stdin channel, a test): push() text, end() for
 * end of input. read() waits for the next chunk; an aborted signal rejects it with
 * Interrupted and leaves queued text for the next reader.
 */
export class ChunkQueue implements Input {
  private readonly chunks: string[] = [];
  private ended = false;
  private waiter: (() => void) | undefined;

  push(text: string): void {
    if (this.ended || text === '') return;
    this.chunks.push(text);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async read(signal: AbortSignal): Promise<string | null> {
    for (;;) {
      if (signal.aborted) throw new Interrupted();
      if (this.chunks.length > 0) return this.chunks.shift()!;
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        this.waiter = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
