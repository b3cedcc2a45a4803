import type { KubeObject, ResourceType } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { RequestAttributes } from '../auth/rbac/rule-match.js';
import { readPodLog } from '../rest/pod-log.js';

/**
 * The reads behind GraphQL relation fields, batched per request: the first relation
 * that needs, say, the pods of `default` lists them once, and every other parent in the
 * same answer filters that one list. A query walking 100 pods to their nodes, owners and
 * events therefore makes a handful of storage reads, not one per pod (no N+1).
 *
 * A cache lives in one GraphQL context: per HTTP request for queries and mutations, per
 * connection for subscriptions, where entries expire after `ttlMs` so every event sees
 * the cluster as it is now.
 */
export class RelationReads {
  private readonly lists = new Map<string, { at: number; items: Promise<KubeObject[]> }>();
  /** Storage list calls made, for tests that bound them. */
  listCalls = 0;

  constructor(
    private readonly registries: Registries,
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
    /** RBAC: a relation lists a kind only where the caller may list it (a 403 error on that field otherwise). */
    private readonly authorize?: (attrs: RequestAttributes) => Promise<void>,
    /** A GET through API aggregation as the caller (metrics.k8s.io); absent: no aggregated reads. */
    private readonly aggregatedGet?: (path: string) => Promise<{ status: number; body: string } | undefined>,
  ) {}

  private readonly metricLists = new Map<string, Promise<Map<string, KubeObject>>>();

  /**
   * metrics.k8s.io NodeMetrics or PodMetrics by name (`ns/name` for pods), read once per
   * request through aggregation and authorized as `list nodes|pods.metrics.k8s.io`. Empty
   * when the metrics API is not there (no metrics-server): the relation answers null.
   */
  metrics(kind: 'nodes' | 'pods', namespace?: string): Promise<Map<string, KubeObject>> {
    const key = `${kind}/${namespace ?? ''}`;
    let hit = this.metricLists.get(key);
    if (!hit) {
      hit = (async () => {
        await this.authorize?.({ kind: 'resource', verb: 'list', group: 'metrics.k8s.io', resource: kind, ...(namespace ? { namespace } : {}) });
        const path = kind === 'nodes' ? '/apis/metrics.k8s.io/v1beta1/nodes' : `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace ?? 'default')}/pods`;
        const res = await this.aggregatedGet?.(path);
        const out = new Map<string, KubeObject>();
        if (!res || res.status !== 200) return out;
        try {
          for (const item of (JSON.parse(res.body) as { items?: KubeObject[] }).items ?? []) out.set(item.metadata.name ?? '', item);
        } catch {
          /* a garbled answer reads as no metrics */
        }
        return out;
      })();
      hit.catch(() => this.metricLists.delete(key));
      this.metricLists.set(key, hit);
    }
    return hit;
  }

  /** Every object of a kind in a namespace (undefined: all namespaces, or a cluster-scoped kind). */
  list(rt: ResourceType, namespace: string | undefined): Promise<KubeObject[]> {
    const ns = rt.namespaced ? namespace : undefined;
    const key = `${rt.group}/${rt.plural}/${ns ?? ''}`;
    const hit = this.lists.get(key);
    const at = this.now();
    if (hit && at - hit.at < this.ttlMs) return hit.items;
    // A cluster-wide list already read serves a namespace too.
    const wide = ns !== undefined ? this.lists.get(`${rt.group}/${rt.plural}/`) : undefined;
    if (wide && at - wide.at < this.ttlMs) {
      const items = wide.items.then((all) => all.filter((o) => o.metadata.namespace === ns));
      this.lists.set(key, { at: wide.at, items });
      return items;
    }
    this.listCalls++;
    const check = this.authorize
      ? this.authorize({ kind: 'resource', verb: 'list', group: rt.group, resource: rt.plural, ...(ns !== undefined ? { namespace: ns } : {}) })
      : Promise.resolve();
    const items = check.then(() => this.registries.for(rt).list(ns)).then((r) => r.items);
    // A failed read is not remembered: the next parent tries again.
    items.catch(() => this.lists.delete(key));
    this.lists.set(key, { at, items });
    return items;
  }

  /** A container's log (Pod.logs), authorized as `get pods/log`; at most 1 MiB. */
  async podLog(namespace: string, name: string, opts: { container?: string; tailLines?: number; limitBytes?: number; previous?: boolean }): Promise<string> {
    await this.authorize?.({ kind: 'resource', verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace, name });
    return readPodLog(this.registries, namespace, name, { follow: false, timestamps: false, previous: opts.previous ?? false, ...opts });
  }

  async get(rt: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const items = await this.list(rt, namespace);
    return items.find((o) => o.metadata.name === name);
  }
}
