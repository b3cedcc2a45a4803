import type { KubeObject } from '../api/types.js';
import { ApiError, type Status } from './api-error.js';
import { HttpTransport, type TransportConfig } from './http-transport.js';
import { NdjsonParser } from './ndjson.js';
import { apiVersionOf, resourcePath, type ResourceRef } from './resource.js';
import { createWatchChannel, decodeWatchFrame, type WatchStream } from './watch-stream.js';

export { ApiError, isAlreadyExists, isConflict, isExpired, isGone, isInvalid, isNotFound, isRetriable } from './api-error.js';
export type { Status } from './api-error.js';
export { loadKubeconfig } from './kubeconfig.js';
export type { WatchEvent, WatchEventType, WatchStream } from './watch-stream.js';

/**
 * The one interface every component uses to talk to the apiserver. Two implementations:
 * createRestClient (HTTP, below) and createFakeClient (in memory, for unit tests).
 *
 * Namespaces: calls on one object take `namespace` in their options (create/update fall
 * back to obj.metadata.namespace); for namespaced kinds it is required. list/watch without
 * a namespace address all namespaces.
 */
export interface RestClient {
  get<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, opts?: GetOptions): Promise<T>;
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, opts?: ListOptions): Promise<KubeList<T>>;
  /** Follows `continue` until the list is complete; every page comes from one snapshot. */
  listAll<T extends KubeObject = KubeObject>(ref: ResourceRef, opts?: ListAllOptions): Promise<KubeList<T>>;
  create<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT; compare-and-swap when obj.metadata.resourceVersion is set (409 Conflict on mismatch). */
  update<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT to the status subresource: only `status` changes. */
  updateStatus<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: T, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, patch: unknown, opts: PatchOptions): Promise<T>;
  /** Returns the object (still present while finalizers or grace remain) or a Success Status. */
  delete<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, opts?: DeleteCallOptions): Promise<T | Status>;
  deleteCollection(ref: ResourceRef, opts?: DeleteCollectionOptions): Promise<KubeList | Status>;
  getSubresource<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, subresource: string, opts?: GetOptions): Promise<T>;
  updateSubresource<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    name: string,
    subresource: string,
    body: KubeObject,
    opts?: WriteOptions,
  ): Promise<T>;
  /** POST pods/{name}/binding: assigns the pod to a node (the scheduler's write). */
  bind(namespace: string, podName: string, nodeName: string, opts?: { dryRun?: boolean }): Promise<void>;
  /** POST pods/{name}/eviction (policy/v1); 429 TooManyRequests when a PDB forbids it. */
  evict(namespace: string, podName: string, deleteOptions?: DeleteOptions): Promise<void>;
  /** Opens a watch; rejects if the server refuses it (e.g. 410 for a too-old resourceVersion). */
  watch<T extends KubeObject = KubeObject>(ref: ResourceRef, opts?: WatchOptions): Promise<WatchStream<T>>;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export interface GetOptions {
  namespace?: string;
  resourceVersion?: string;
}

export interface SelectorOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListOptions extends SelectorOptions {
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface ListAllOptions extends SelectorOptions {
  /** Items per page; default 500, as client-go's pager. */
  pageSize?: number;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

/** merge: RFC 7386; strategic: Kubernetes strategic merge; json: RFC 6902; apply: server-side apply. */
export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** apply only: take ownership of conflicting fields. */
  force?: boolean;
  /** e.g. 'status' or 'scale'. */
  subresource?: string;
}

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteCallOptions extends DeleteOptions {
  namespace?: string;
}

export interface DeleteCollectionOptions extends DeleteOptions, SelectorOptions {}

export interface WatchOptions extends SelectorOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Server-side end of the watch; informers pick 5–10 minutes. */
  timeoutSeconds?: number;
}

export interface ClientConfig extends TransportConfig {
  /** The kubeconfig context's namespace, if any (callers decide whether to use it). */
  namespace?: string;
}

export interface HttpRestClient extends RestClient {
  /** Closes idle keep-alive sockets; call on shutdown after closing watches. */
  close(): void;
}

const podsRef: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };

/** Requires a namespace for namespaced kinds on single-object calls. */
export function requireNamespace(ref: ResourceRef, namespace: string | undefined, verb: string): string | undefined {
  if (!ref.namespaced) return undefined;
  if (!namespace) throw ApiError.from(400, `${verb} ${ref.plural}: a namespace is required`, 'BadRequest');
  return namespace;
}

/** The JSON body of DeleteOptions, or undefined when nothing is set. */
export function deleteOptionsBody(opts: DeleteOptions = {}): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
  if (opts.preconditions) body.preconditions = opts.preconditions;
  if (opts.dryRun) body.dryRun = ['All'];
  return Object.keys(body).length > 2 ? body : undefined;
}

function query(params: Record<string, string | number | boolean | undefined>): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  return q;
}

function writeQuery(opts: WriteOptions = {}): Record<string, string | undefined> {
  return {
    dryRun: opts.dryRun ? 'All' : undefined,
    fieldManager: opts.fieldManager,
    fieldValidation: opts.fieldValidation,
  };
}

/** Fills apiVersion/kind when the caller left them out (the apiserver requires a kind). */
function withTypeMeta<T extends KubeObject>(ref: ResourceRef, obj: T): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(ref), kind: obj.kind ?? ref.kind };
}

export function createRestClient(config: ClientConfig): HttpRestClient {
  return clientOver(new HttpTransport(config), undefined);
}

/**
 * A client that shares `client`'s connections, throttle and user agent but sends
 * `token` as its bearer credential: the kubelet-sim's one connection pool carries each
 * simulated kubelet's own credential (system:node:NAME) on that kubelet's requests.
 * Closing it closes the shared pool, so only the owner of `client` should.
 */
export function withBearerToken(client: HttpRestClient, token: string): HttpRestClient {
  const transport = transports.get(client);
  if (!transport) throw new Error('withBearerToken: not a client made by createRestClient');
  return clientOver(transport, token);
}

/**
 * As withBearerToken, with a credential that changes: `source` is asked on every request
 * (a controller's ServiceAccount token, renewed before it expires).
 */
export function withTokenSource(client: HttpRestClient, source: () => string): HttpRestClient {
  const transport = transports.get(client);
  if (!transport) throw new Error('withTokenSource: not a client made by createRestClient');
  return clientOver(transport, source);
}

/** What the TokenRequest API answers (authentication.k8s.io/v1 TokenRequest status). */
export interface IssuedToken {
  token: string;
  expirationTimestamp: string;
}

/**
 * POST /api/v1/namespaces/NS/serviceaccounts/NAME/token (the TokenRequest API) with
 * `client`'s credential: a token for the ServiceAccount with the API's default audiences.
 */
export async function requestServiceAccountToken(client: HttpRestClient, namespace: string, name: string, expirationSeconds: number): Promise<IssuedToken> {
  const call = calls.get(client);
  if (!call) throw new Error('requestServiceAccountToken: not a client made by createRestClient');
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds } };
  const res = await call<{ status?: Partial<IssuedToken> }>('POST', resourcePath(serviceAccountsRef, { namespace, name, subresource: 'token' }), query({}), body);
  if (!res.status?.token) throw ApiError.from(500, `TokenRequest for ${namespace}/${name}: no token in the answer`, 'InternalError');
  return { token: res.status.token, expirationTimestamp: res.status.expirationTimestamp ?? '' };
}

const serviceAccountsRef: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true, kind: 'ServiceAccount' };
const transports = new WeakMap<HttpRestClient, HttpTransport>();
type Call = <R>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, q: URLSearchParams, body?: unknown, contentType?: string) => Promise<R>;
const calls = new WeakMap<HttpRestClient, Call>();

function clientOver(transport: HttpTransport, credential: string | (() => string) | undefined): HttpRestClient {
  const tokenOf = (): { token?: string } => {
    const token = typeof credential === 'function' ? credential() : credential;
    return token !== undefined ? { token } : {};
  };

  const call: Call = async <R>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    q: URLSearchParams,
    body?: unknown,
    contentType?: string,
  ): Promise<R> => (await transport.request({ method, path, query: q, body, contentType, ...tokenOf() })).body as R;

  const nameOf = (obj: KubeObject, verb: string): string => {
    const name = obj.metadata?.name;
    if (!name) throw ApiError.from(400, `${verb}: metadata.name is required`, 'BadRequest');
    return name;
  };

  const client: HttpRestClient = {
    async get(ref, name, opts = {}) {
      const namespace = requireNamespace(ref, opts.namespace, 'get');
      return call('GET', resourcePath(ref, { namespace, name }), query({ resourceVersion: opts.resourceVersion }));
    },

    async list<T extends KubeObject>(ref: ResourceRef, opts: ListOptions = {}) {
      const list = await call<KubeList<T>>(
        'GET',
        resourcePath(ref, { namespace: opts.namespace }),
        query({
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit,
          continue: opts.continue,
          resourceVersion: opts.resourceVersion,
          resourceVersionMatch: opts.resourceVersionMatch,
        }),
      );
      list.items = (list.items ?? []).map((item) => withTypeMeta(ref, item));
      list.metadata ??= {};
      return list;
    },

    async listAll<T extends KubeObject>(ref: ResourceRef, opts: ListAllOptions = {}) {
      const { pageSize = 500, ...rest } = opts;
      const first = await client.list<T>(ref, { ...rest, limit: pageSize });
      const items = [...first.items];
      let cont = first.metadata.continue;
      while (cont) {
        // Later pages carry the snapshot in the token; resourceVersion must not be repeated.
        const page = await client.list<T>(ref, {
          namespace: rest.namespace,
          labelSelector: rest.labelSelector,
          fieldSelector: rest.fieldSelector,
          limit: pageSize,
          continue: cont,
        });
        items.push(...page.items);
        cont = page.metadata.continue;
      }
      return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
    },

    async create(ref, obj, opts = {}) {
      const namespace = requireNamespace(ref, opts.namespace ?? obj.metadata?.namespace, 'create');
      return call('POST', resourcePath(ref, { namespace }), query(writeQuery(opts)), withTypeMeta(ref, obj));
    },

    async update(ref, obj, opts = {}) {
      const namespace = requireNamespace(ref, opts.namespace ?? obj.metadata?.namespace, 'update');
      const name = nameOf(obj, 'update');
      return call('PUT', resourcePath(ref, { namespace, name }), query(writeQuery(opts)), withTypeMeta(ref, obj));
    },

    async updateStatus(ref, obj, opts = {}) {
      const namespace = requireNamespace(ref, opts.namespace ?? obj.metadata?.namespace, 'update status');
      const name = nameOf(obj, 'update status');
      return call('PUT', resourcePath(ref, { namespace, name, subresource: 'status' }), query(writeQuery(opts)), withTypeMeta(ref, obj));
    },

    async patch(ref, name, patch, opts) {
      const namespace = requireNamespace(ref, opts.namespace, 'patch');
      if (opts.type === 'apply' && !opts.fieldManager) {
        throw ApiError.from(400, 'PatchOptions.fieldManager is required for apply patch', 'BadRequest');
      }
      const q = query({ ...writeQuery(opts), force: opts.type === 'apply' && opts.force ? true : undefined });
      const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
      return call('PATCH', resourcePath(ref, { namespace, name, subresource: opts.subresource }), q, body, patchContentTypes[opts.type]);
    },

    async delete(ref, name, opts = {}) {
      const namespace = requireNamespace(ref, opts.namespace, 'delete');
      return call('DELETE', resourcePath(ref, { namespace, name }), query({}), deleteOptionsBody(opts));
    },

    async deleteCollection(ref, opts = {}) {
      const q = query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
      return call('DELETE', resourcePath(ref, { namespace: opts.namespace }), q, deleteOptionsBody(opts));
    },

    async getSubresource(ref, name, subresource, opts = {}) {
      const namespace = requireNamespace(ref, opts.namespace, 'get');
      return call('GET', resourcePath(ref, { namespace, name, subresource }), query({ resourceVersion: opts.resourceVersion }));
    },

    async updateSubresource(ref, name, subresource, body, opts = {}) {
      const namespace = requireNamespace(ref, opts.namespace ?? body.metadata?.namespace, 'update');
      return call('PUT', resourcePath(ref, { namespace, name, subresource }), query(writeQuery(opts)), body);
    },

    async bind(namespace, podName, nodeName, opts = {}) {
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: podName, namespace },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      await call('POST', resourcePath(podsRef, { namespace, name: podName, subresource: 'binding' }), query(writeQuery(opts)), binding);
    },

    async evict(namespace, podName, deleteOptions) {
      const eviction: Record<string, unknown> = {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: podName, namespace },
      };
      const options = deleteOptionsBody(deleteOptions);
      if (options) eviction.deleteOptions = options;
      await call('POST', resourcePath(podsRef, { namespace, name: podName, subresource: 'eviction' }), query({}), eviction);
    },

    async watch<T extends KubeObject>(ref: ResourceRef, opts: WatchOptions = {}): Promise<WatchStream<T>> {
      const q = query({
        watch: true,
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: opts.allowWatchBookmarks,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        timeoutSeconds: opts.timeoutSeconds,
      });
      const res = await transport.stream({ method: 'GET', path: resourcePath(ref, { namespace: opts.namespace }), query: q, ...tokenOf() });
      const { stream, sink } = createWatchChannel<T>({
        onClose: () => res.destroy(),
        onPause: () => res.pause(),
        onResume: () => res.resume(),
      });
      const parser = new NdjsonParser(
        (frame) => {
          const decoded = decodeWatchFrame<T>(frame);
          if (decoded instanceof ApiError) {
            sink.end(decoded);
            res.destroy();
          } else {
            sink.push(decoded);
          }
        },
        (err) => {
          sink.end(ApiError.from(500, `watch: undecodable frame: ${err.message}`, 'InternalError'));
          res.destroy();
        },
      );
      res.on('data', (chunk: Buffer) => parser.write(chunk));
      res.on('end', () => {
        parser.end();
        sink.end();
      });
      // A dropped connection ends the watch like a server close: the informer re-watches
      // from its last resourceVersion either way.
      res.on('error', () => sink.end());
      res.on('close', () => sink.end());
      return stream;
    },

    close() {
      transport.destroy();
    },
  };
  transports.set(client, transport);
  calls.set(client, call);
  return client;
}
