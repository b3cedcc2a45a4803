import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../storage/store.js';
import type { RequestInfo } from '../rest/request-info.js';

/**
 * The apiserver's Prometheus metrics, named and labelled as kube-apiserver's (the names
 * dashboards and `kubectl get --raw /metrics` users look for):
 *
 * - apiserver_request_total{verb,dry_run,group,version,resource,subresource,scope,component,code}
 * - apiserver_request_duration_seconds{verb,dry_run,group,version,resource,subresource,scope,component}
 *   (long-running requests, WATCH and CONNECT, are left out, as kube does)
 * - etcd_request_duration_seconds{operation,type}: every storage call, whichever backend
 * - apiserver_storage_objects{resource}: objects stored per resource, counted at scrape
 *
 * One Registry per apiserver (never prom-client's global one), so several apps in one
 * process (tests) keep their own figures.
 */

/** kube's request-duration buckets (seconds). */
const REQUEST_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
/** kube's etcd request buckets (seconds). */
const ETCD_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export interface RequestLabels {
  verb: string;
  dry_run: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

export interface ApiserverMetrics {
  registry: Registry;
  observeRequest(labels: RequestLabels, code: number, seconds: number): void;
  /** Wraps a store so every call is timed into etcd_request_duration_seconds. */
  instrumentStore(store: Store): Store;
  /** Where apiserver_storage_objects counts: resource label → storage prefix. */
  setStorageCounter(count: () => Promise<Array<{ resource: string; objects: number }>>): void;
}

export function createApiserverMetrics(): ApiserverMetrics {
  const registry = new Registry();
  const requestLabels = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
  const total = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    labelNames: [...requestLabels, 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    labelNames: [...requestLabels],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  const etcd = new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Etcd request latency in seconds for each operation and object type.',
    labelNames: ['operation', 'type'],
    buckets: ETCD_BUCKETS,
    registers: [registry],
  });
  let counter: (() => Promise<Array<{ resource: string; objects: number }>>) | undefined;
  new Gauge({
    name: 'apiserver_storage_objects',
    help: 'Number of stored objects at the time of last check split by kind.',
    labelNames: ['resource'],
    registers: [registry],
    async collect() {
      if (!counter) return;
      this.reset();
      for (const { resource, objects } of await counter()) this.set({ resource }, objects);
    },
  });

  return {
    registry,
    observeRequest(labels, code, seconds) {
      total.inc({ ...labels, code: String(code) });
      if (labels.verb !== 'WATCH' && labels.verb !== 'CONNECT') duration.observe({ ...labels }, seconds);
    },
    instrumentStore(store) {
      const timed = <T>(operation: string, key: string, run: () => Promise<T>): Promise<T> => {
        const end = etcd.startTimer({ operation, type: storageType(key) });
        return run().finally(() => end());
      };
      return {
        name: store.name,
        get: (key) => timed('get', key, () => store.get(key)),
        list: (prefix, opts) => timed('list', prefix, () => store.list(prefix, opts)),
        count: (prefix) => timed('count', prefix, () => store.count(prefix)),
        create: (key, value) => timed('create', key, () => store.create(key, value)),
        update: (key, value, expected) => timed('update', key, () => store.update(key, value, expected)),
        delete: (key, expected) => timed('delete', key, () => store.delete(key, expected)),
        watch: (prefix, opts, handlers) => store.watch(prefix, opts, handlers),
        currentRevision: () => store.currentRevision(),
        compact: (revision) => store.compact(revision),
        compactedRevision: () => store.compactedRevision(),
        close: () => store.close(),
      };
    },
    setStorageCounter(count) {
      counter = count;
    },
  };
}

/** The `type` label of a storage key: its resource (`/registry/pods/ns/x` → `pods`). */
export function storageType(key: string): string {
  const m = /^\/registry\/([^/]+)/.exec(key);
  return m ? m[1]! : 'unknown';
}

/**
 * The request labels of kube's metrics for one request: verb in kube's spelling (LIST and
 * WATCH apart from GET, APPLY for server-side apply), scope resource/namespace/cluster.
 */
export function requestLabels(method: string, info: RequestInfo | null, opts: { dryRun: boolean; apply: boolean }): RequestLabels {
  // Key order is the exposition's label order: kube's.
  const dry_run = opts.dryRun ? 'All' : '';
  if (!info || info.kind !== 'resource') {
    return { verb: method === 'HEAD' ? 'GET' : method, dry_run, group: '', version: '', resource: '', subresource: '', scope: '', component: 'apiserver' };
  }
  const verb = opts.apply && info.verb === 'patch' ? 'APPLY' : KUBE_VERBS[info.verb]!;
  const scope = info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster';
  return { verb, dry_run, group: info.group, version: info.version, resource: info.resource, subresource: info.subresource ?? '', scope, component: 'apiserver' };
}

const KUBE_VERBS: Record<string, string> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
};
