import type { KubeObject, ResourceType } from '../../api/types.js';
import type { Registry, WatchEventType } from '../registry/generic-registry.js';
import type { StoreWatch } from '../storage/store.js';
import type { Logger } from '../../lib/logger.js';

/**
 * One kind's objects as the built-in admission plugins read them (LimitRanges,
 * ResourceQuotas, Namespaces): a list + watch kept by namespace, as kube's plugins keep
 * informers, plus this apiserver's own writes at once (observe) so a LimitRange or quota
 * applies to the very next request. resourceVersions keep the two feeds in order.
 */
export class ObjectCache {
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  private readonly tombstones = new Map<string, number>();
  private watch: StoreWatch | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Bumped on every change: plugins memoise on it. */
  version = 0;
  size = 0;

  constructor(
    readonly rt: ResourceType,
    private readonly registry: Registry,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const list = await this.registry.list(undefined);
    this.byNamespace.clear();
    this.size = 0;
    for (const o of list.items) this.put(o);
    this.version++;
    const handle = await this.registry.watch(
      undefined,
      { resourceVersion: list.resourceVersion },
      {
        event: (type, obj) => this.observe(type, obj),
        bookmark: () => undefined,
        error: (err) => {
          if (this.stopped) return;
          this.logger.warn({ err: err.message, kind: this.rt.kind }, 'admission cache watch ended; resyncing');
          this.scheduleRetry();
        },
      },
    );
    if (this.stopped) handle.close();
    else this.watch = handle;
  }

  private scheduleRetry(): void {
    this.retry = setTimeout(() => {
      if (this.stopped) return;
      this.start().catch((err: Error) => {
        this.logger.warn({ err: err.message, kind: this.rt.kind }, 'admission cache resync failed; retrying');
        this.scheduleRetry();
      });
    }, 1000);
    this.retry.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.watch?.close();
  }

  private put(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    if (!m.has(obj.metadata.name!)) this.size++;
    m.set(obj.metadata.name!, obj);
  }

  /** A watch event, or a write this apiserver made. */
  observe(type: WatchEventType, obj: KubeObject): void {
    if (type === 'BOOKMARK') return;
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name!;
    const key = `${ns}/${name}`;
    const rv = Number(obj.metadata.resourceVersion ?? 0);
    const current = this.byNamespace.get(ns)?.get(name);
    const currentRv = current ? Number(current.metadata.resourceVersion ?? 0) : (this.tombstones.get(key) ?? -1);
    if (rv < currentRv) return;
    if (type === 'DELETED') {
      if (!current) return;
      this.byNamespace.get(ns)!.delete(name);
      this.size--;
      this.tombstones.set(key, rv);
      if (this.tombstones.size > 1000) this.tombstones.clear();
    } else {
      if (current && rv === currentRv) return;
      this.put(obj);
      this.tombstones.delete(key);
    }
    this.version++;
  }

  /** The objects of one namespace ('' for cluster-scoped kinds), by name. */
  inNamespace(namespace: string): KubeObject[] {
    const m = this.byNamespace.get(namespace);
    return m ? [...m.values()].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1)) : [];
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  all(): KubeObject[] {
    return [...this.byNamespace.values()].flatMap((m) => [...m.values()]);
  }
}
