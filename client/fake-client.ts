import { randomUUID } from 'node:crypto';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../api/selector.js';
import type { KubeObject } from '../api/types.js';
import { realClock, type Clock } from '../lib/clock.js';
import { ApiError, type Status } from './api-error.js';
import {
  alreadyExistsError,
  badRequestError,
  conflictError,
  fieldValue,
  formatTime,
  notFoundError,
  OBJECT_MODIFIED,
  randomNameSuffix,
  scaleOf,
  specChanged,
  type RefExtras,
} from './fake-objects.js';
import { FakeWatchHub, resourceKey } from './fake-watch-hub.js';
import { applyMergePatch } from './merge-patch.js';
import { apiVersionOf, type ResourceRef } from './resource.js';
import {
  requireNamespace,
  type DeleteOptions,
  type KubeList,
  type ListOptions,
  type RestClient,
  type WatchOptions,
} from './rest-client.js';
import { objectKey } from './store.js';
import type { WatchStream } from './watch-stream.js';

/**
 * An in-memory RestClient for controller unit tests: one cluster-wide resourceVersion
 * counter, compare-and-swap updates, AlreadyExists/NotFound/Conflict errors with
 * Kubernetes' wording, generateName, finalizers, label/field selectors, paginated lists
 * and watches that replay history from a resourceVersion (410 Expired once compact()ed).
 *
 * Simplifications (documented so tests do not rely on them): strategic-merge and apply
 * patches are applied as JSON merge patches (lists replace); no defaulting, validation,
 * admission, garbage collection or graceful pod deletion; evictions ignore PDBs (inject
 * a 429 with a reactor to test that path); list pages are cut from the current state.
 * Returned objects are copies: callers may mutate them.
 */

export type FakeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface FakeAction {
  verb: FakeVerb;
  /** Plural, e.g. 'pods'. */
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The body sent (create/update/patch/binding/eviction). */
  body?: unknown;
}

/** Returns an error to fail the call with it, or undefined to let the fake handle it. */
export type FakeReactor = (action: FakeAction) => ApiError | undefined;

export interface FakeClient extends RestClient {
  /** Every call made, in order (like client-go's fake Actions()). */
  readonly actions: FakeAction[];
  /** Reactors run before the fake's own handling, newest first. */
  prependReactor(reactor: FakeReactor): void;
  /** The current cluster-wide resourceVersion. */
  revision(): number;
  /** Forgets watch history up to now: watches from an older resourceVersion get 410 Expired. */
  compact(): void;
  /**
   * Ends every open watch. With discardPending, events not yet read are lost (a dropped
   * connection); with error, the streams end by throwing it (an ERROR event).
   */
  closeWatches(opts?: { discardPending?: boolean; error?: ApiError }): void;
  /** Sends a BOOKMARK at the current revision to watches that allowed bookmarks. */
  sendBookmarks(): void;
  openWatches(): number;
}

const rid = resourceKey;
const clone = <T>(v: T): T => structuredClone(v);

export function createFakeClient(options: { clock?: Clock } = {}): FakeClient {
  const clock = options.clock ?? realClock;
  const data = new Map<string, Map<string, KubeObject>>();
  const hub = new FakeWatchHub(clock);
  const reactors: FakeReactor[] = [];
  const actions: FakeAction[] = [];
  let rev = 0;

  const bucket = (ref: ResourceRef): Map<string, KubeObject> => {
    let m = data.get(rid(ref));
    if (!m) data.set(rid(ref), (m = new Map()));
    return m;
  };
  const keyOf = (ns: string | undefined, name: string): string => (ns ? `${ns}/${name}` : name);
  const now = (): string => formatTime(clock.now());

  const act = (action: FakeAction): void => {
    actions.push(action);
    for (const r of reactors) {
      const err = r(action);
      if (err) throw err;
    }
  };

  const matcher = (ref: ResourceRef, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string }) => {
    let labels: ReturnType<typeof parseLabelSelector>;
    let fields: ReturnType<typeof parseFieldSelector>;
    try {
      labels = parseLabelSelector(opts.labelSelector ?? '');
      fields = parseFieldSelector(opts.fieldSelector ?? '');
    } catch (err) {
      throw badRequestError(err);
    }
    return (obj: KubeObject): boolean =>
      (!ref.namespaced || !opts.namespace || obj.metadata.namespace === opts.namespace) &&
      matchesLabels(labels, obj.metadata.labels) &&
      matchesFields(fields, (f) => fieldValue(ref, obj, f));
  };

  const record = (ref: ResourceRef, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject, prev?: KubeObject): void =>
    hub.record(rev, ref, type, obj, prev);

  /** Stores a new version of an existing object (CAS already checked) and emits events. */
  const write = (ref: ResourceRef, old: KubeObject, next: KubeObject): KubeObject => {
    const key = objectKey(old);
    next.metadata.uid = old.metadata.uid;
    next.metadata.creationTimestamp = old.metadata.creationTimestamp;
    next.metadata.namespace = old.metadata.namespace;
    next.metadata.name = old.metadata.name;
    if (old.metadata.deletionTimestamp) next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    next.metadata.generation = (old.metadata.generation ?? 1) + (specChanged(old, next) ? 1 : 0);
    next.apiVersion ??= old.apiVersion;
    next.kind ??= old.kind;
    rev++;
    next.metadata.resourceVersion = String(rev);
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length)) {
      bucket(ref).delete(key);
      record(ref, 'DELETED', next);
    } else {
      bucket(ref).set(key, clone(next));
      record(ref, 'MODIFIED', next, old);
    }
    return next;
  };

  const mustGet = (ref: ResourceRef, ns: string | undefined, name: string): KubeObject => {
    const obj = bucket(ref).get(keyOf(ns, name));
    if (!obj) throw notFoundError(ref, name);
    return obj;
  };

  const checkRV = (ref: ResourceRef, stored: KubeObject, sent: KubeObject): void => {
    const rv = sent.metadata?.resourceVersion;
    if (rv && rv !== stored.metadata.resourceVersion) throw conflictError(ref, stored.metadata.name!, OBJECT_MODIFIED);
  };

  const doDelete = (ref: ResourceRef, ns: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject => {
    const stored = mustGet(ref, ns, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== stored.metadata.uid) {
      throw conflictError(ref, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${stored.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== stored.metadata.resourceVersion) {
      throw conflictError(
        ref,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion}`,
      );
    }
    if (opts.dryRun) return clone(stored);
    if (stored.metadata.finalizers?.length) {
      if (stored.metadata.deletionTimestamp) return clone(stored);
      const next = clone(stored);
      next.metadata.deletionTimestamp = now();
      next.metadata.deletionGracePeriodSeconds = 0;
      return write(ref, stored, next);
    }
    rev++;
    const gone = clone(stored);
    gone.metadata.resourceVersion = String(rev);
    bucket(ref).delete(objectKey(stored));
    record(ref, 'DELETED', gone);
    return gone;
  };

  const list = <T extends KubeObject>(ref: ResourceRef, opts: ListOptions = {}): KubeList<T> => {
    act({ verb: 'list', resource: ref.plural, group: ref.group, namespace: opts.namespace });
    const matches = matcher(ref, opts);
    let items = [...bucket(ref).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).filter(([, o]) => matches(o));
    if (opts.continue) {
      let token: { start: string; rv: number };
      try {
        token = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8'));
      } catch (err) {
        throw badRequestError(err);
      }
      if (token.rv < hub.compactedRevision) {
        throw ApiError.from(
          410,
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
          'Expired',
        );
      }
      items = items.filter(([k]) => k > token.start);
    }
    const metadata: KubeList['metadata'] = { resourceVersion: String(rev) };
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      metadata.remainingItemCount = items.length - opts.limit;
      items = items.slice(0, opts.limit);
      const start = items[items.length - 1]![0];
      metadata.continue = Buffer.from(JSON.stringify({ start, rv: rev })).toString('base64');
    }
    return {
      apiVersion: apiVersionOf(ref),
      kind: `${ref.kind ?? ''}List`,
      metadata,
      items: items.map(([, o]) => clone(o) as T),
    };
  };

  const client: FakeClient = {
    actions,
    prependReactor: (r) => void reactors.unshift(r),
    revision: () => rev,

    compact: () => hub.compact(rev),
    closeWatches: (opts) => hub.closeAll(opts),
    sendBookmarks: () => hub.sendBookmarks(rev),
    openWatches: () => hub.size,

    async get<T extends KubeObject>(ref: ResourceRef, name: string, opts: { namespace?: string } = {}) {
      const ns = requireNamespace(ref, opts.namespace, 'get');
      act({ verb: 'get', resource: ref.plural, group: ref.group, namespace: ns, name });
      return clone(mustGet(ref, ns, name)) as T;
    },

    async list(ref, opts) {
      return list(ref, opts);
    },

    async listAll<T extends KubeObject>(ref: ResourceRef, opts: ListOptions & { pageSize?: number } = {}) {
      const { pageSize: _p, limit: _l, continue: _c, ...rest } = opts;
      return list<T>(ref, rest);
    },

    async create<T extends KubeObject>(ref: ResourceRef, input: T, opts: { namespace?: string; dryRun?: boolean } = {}) {
      const ns = requireNamespace(ref, opts.namespace ?? input.metadata?.namespace, 'create');
      act({ verb: 'create', resource: ref.plural, group: ref.group, namespace: ns, name: input.metadata?.name, body: input });
      const obj = clone(input);
      obj.metadata ??= {};
      if (!obj.metadata.name && obj.metadata.generateName) {
        obj.metadata.name = obj.metadata.generateName + randomNameSuffix();
      }
      const name = obj.metadata.name;
      if (!name) {
        throw ApiError.from(422, `${ref.kind ?? ref.plural} "" is invalid: metadata.name: Required value: name or generateName is required`, 'Invalid');
      }
      if (obj.metadata.resourceVersion) {
        throw ApiError.from(400, 'resourceVersion should not be set on objects to be created', 'BadRequest');
      }
      if (ns) obj.metadata.namespace = ns;
      else delete obj.metadata.namespace;
      if (bucket(ref).has(keyOf(ns, name))) {
        throw alreadyExistsError(ref, name);
      }
      obj.apiVersion ??= apiVersionOf(ref);
      if (ref.kind) obj.kind ??= ref.kind;
      obj.metadata.uid = randomUUID();
      obj.metadata.creationTimestamp = now();
      obj.metadata.generation = 1;
      if (opts.dryRun) return obj;
      rev++;
      obj.metadata.resourceVersion = String(rev);
      bucket(ref).set(keyOf(ns, name), clone(obj));
      record(ref, 'ADDED', obj);
      return clone(obj);
    },

    async update<T extends KubeObject>(ref: ResourceRef, input: T, opts: { namespace?: string; dryRun?: boolean } = {}) {
      const ns = requireNamespace(ref, opts.namespace ?? input.metadata?.namespace, 'update');
      const name = input.metadata?.name ?? '';
      act({ verb: 'update', resource: ref.plural, group: ref.group, namespace: ns, name, body: input });
      const stored = mustGet(ref, ns, name);
      checkRV(ref, stored, input);
      const next: KubeObject = clone(input);
      // With a status subresource, the main resource cannot change status (as the apiserver).
      if ((ref as RefExtras).subresources?.status) {
        if (stored.status === undefined) delete next.status;
        else next.status = clone(stored.status);
      }
      if (opts.dryRun) return next as T;
      return write(ref, stored, next) as T;
    },

    async updateStatus<T extends KubeObject>(ref: ResourceRef, input: T, opts: { namespace?: string; dryRun?: boolean } = {}) {
      const ns = requireNamespace(ref, opts.namespace ?? input.metadata?.namespace, 'update status');
      const name = input.metadata?.name ?? '';
      act({ verb: 'update', resource: ref.plural, group: ref.group, namespace: ns, name, subresource: 'status', body: input });
      const stored = mustGet(ref, ns, name);
      checkRV(ref, stored, input);
      const next = clone(stored);
      next.status = clone((input as KubeObject).status);
      if (opts.dryRun) return next as T;
      return write(ref, stored, next) as T;
    },

    async patch<T extends KubeObject>(ref: ResourceRef, name: string, patch: unknown, opts: Parameters<RestClient['patch']>[3]) {
      const ns = requireNamespace(ref, opts.namespace, 'patch');
      act({ verb: 'patch', resource: ref.plural, group: ref.group, namespace: ns, name, subresource: opts.subresource, body: patch });
      const body = typeof patch === 'string' ? (JSON.parse(patch) as unknown) : patch;
      const stored = bucket(ref).get(keyOf(ns, name));
      if (!stored) {
        if (opts.type !== 'apply') throw notFoundError(ref, name);
        const obj = clone(body) as KubeObject;
        obj.metadata = { ...obj.metadata, name, namespace: ns };
        return client.create<T>(ref, obj as T, { namespace: ns, dryRun: opts.dryRun });
      }
      let patched: KubeObject;
      if (opts.type === 'json') {
        try {
          patched = fastJsonPatch.applyPatch(clone(stored), body as Operation[], true, false).newDocument;
        } catch (err) {
          throw ApiError.from(422, `the server rejected our request due to an error in our request: ${(err as Error).message}`, 'Invalid');
        }
      } else {
        patched = applyMergePatch(stored, body) as KubeObject;
      }
      // A patch that sets metadata.resourceVersion is a compare-and-swap, as on the apiserver.
      checkRV(ref, stored, patched);
      let next = patched;
      if (opts.subresource === 'status') {
        next = clone(stored);
        next.status = patched.status;
      } else if ((ref as RefExtras).subresources?.status) {
        next.status = clone(stored.status);
      }
      if (opts.dryRun) return next as T;
      return write(ref, stored, next) as T;
    },

    async delete<T extends KubeObject>(ref: ResourceRef, name: string, opts: DeleteOptions & { namespace?: string } = {}) {
      const ns = requireNamespace(ref, opts.namespace, 'delete');
      act({ verb: 'delete', resource: ref.plural, group: ref.group, namespace: ns, name });
      return doDelete(ref, ns, name, opts) as T | Status;
    },

    async deleteCollection(ref, opts = {}) {
      const { namespace, labelSelector: _l, fieldSelector: _f, ...deleteOptions } = opts;
      act({ verb: 'deletecollection', resource: ref.plural, group: ref.group, namespace });
      const matches = matcher(ref, opts);
      const victims = [...bucket(ref).values()].filter(matches);
      const items = victims.map((o) => doDelete(ref, o.metadata.namespace, o.metadata.name!, deleteOptions));
      return { apiVersion: apiVersionOf(ref), kind: `${ref.kind ?? ''}List`, metadata: { resourceVersion: String(rev) }, items };
    },

    async getSubresource<T extends KubeObject>(ref: ResourceRef, name: string, subresource: string, opts: { namespace?: string } = {}) {
      const ns = requireNamespace(ref, opts.namespace, 'get');
      act({ verb: 'get', resource: ref.plural, group: ref.group, namespace: ns, name, subresource });
      const stored = mustGet(ref, ns, name);
      if (subresource === 'status') return clone(stored) as T;
      if (subresource === 'scale') return scaleOf(stored) as T;
      throw notFoundError(ref, name);
    },

    async updateSubresource<T extends KubeObject>(
      ref: ResourceRef,
      name: string,
      subresource: string,
      body: KubeObject,
      opts: { namespace?: string; dryRun?: boolean } = {},
    ) {
      if (subresource === 'status') return client.updateStatus<T>(ref, body as T, { ...opts, namespace: opts.namespace ?? body.metadata?.namespace });
      const ns = requireNamespace(ref, opts.namespace ?? body.metadata?.namespace, 'update');
      act({ verb: 'update', resource: ref.plural, group: ref.group, namespace: ns, name, subresource, body });
      if (subresource !== 'scale') throw notFoundError(ref, name);
      const stored = mustGet(ref, ns, name);
      checkRV(ref, stored, body);
      const next = clone(stored);
      const spec = (next.spec ?? {}) as Record<string, unknown>;
      spec.replicas = (body.spec as { replicas?: number } | undefined)?.replicas ?? 0;
      next.spec = spec;
      if (opts.dryRun) return scaleOf(next) as T;
      return scaleOf(write(ref, stored, next)) as T;
    },

    async bind(namespace, podName, nodeName) {
      const pods: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
      act({ verb: 'create', resource: 'pods', group: '', namespace, name: podName, subresource: 'binding', body: { nodeName } });
      const stored = mustGet(pods, namespace, podName);
      const spec = (stored.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) throw conflictError(pods, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
      if (stored.metadata.deletionTimestamp) throw conflictError(pods, podName, 'pod is being deleted, cannot be assigned to a host');
      const next = clone(stored);
      next.spec = { ...(next.spec as object), nodeName };
      const status = (next.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
      status.conditions = [
        ...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() },
      ];
      next.status = status;
      write(pods, stored, next);
    },

    async evict(namespace, podName, deleteOptions) {
      const pods: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
      act({ verb: 'create', resource: 'pods', group: '', namespace, name: podName, subresource: 'eviction', body: deleteOptions });
      doDelete(pods, namespace, podName, deleteOptions);
    },

    async watch<T extends KubeObject>(ref: ResourceRef, opts: WatchOptions = {}): Promise<WatchStream<T>> {
      act({ verb: 'watch', resource: ref.plural, group: ref.group, namespace: opts.namespace });
      const stream = hub.open(ref, opts, matcher(ref, opts), () => [...bucket(ref).values()]);
      return stream as WatchStream<T>;
    },
  };
  return client;
}
