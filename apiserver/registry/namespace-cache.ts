import type { Registry } from './generic-registry.js';
import type { StoreWatch } from '../storage/store.js';
import type { Logger } from '../../lib/logger.js';

export type NamespaceState = 'active' | 'terminating';

/**
 * The apiserver's own view of the namespaces, kept by a watch, so that admitting a create
 * costs no storage read (kube-apiserver's NamespaceLifecycle admission uses an informer
 * the same way). A name the cache does not know yet falls back to a live read, so a
 * namespace created a moment ago is never refused.
 */
export class NamespaceCache {
  private readonly states = new Map<string, NamespaceState>();
  private handle: StoreWatch | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly namespaces: Registry,
    private readonly logger: Logger,
  ) {}

  lookup(name: string): NamespaceState | undefined {
    return this.states.get(name);
  }

  async start(): Promise<void> {
    const list = await this.namespaces.list(undefined);
    this.states.clear();
    for (const ns of list.items) this.states.set(ns.metadata.name!, ns.metadata.deletionTimestamp ? 'terminating' : 'active');
    this.handle = await this.namespaces.watch(
      undefined,
      { resourceVersion: list.resourceVersion },
      {
        event: (type, obj) => {
          const name = obj.metadata.name!;
          if (type === 'DELETED') this.states.delete(name);
          else this.states.set(name, obj.metadata.deletionTimestamp ? 'terminating' : 'active');
        },
        bookmark: () => undefined,
        error: (err) => {
          if (this.stopped) return;
          this.logger.warn({ err: err.message }, 'namespace cache watch ended; resyncing');
          this.handle = undefined;
          this.retry = setTimeout(() => void this.restart(), 1000);
          this.retry.unref();
        },
      },
    );
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.start();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'namespace cache resync failed; retrying');
      this.retry = setTimeout(() => void this.restart(), 1000);
      this.retry.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.handle?.close();
  }
}
