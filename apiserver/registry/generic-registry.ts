import type { KubeObject, ResourceType, FieldError } from '../../api/types.js';
import type { KeyValue, Store, StoreWatch, StoreWatchEvent } from '../storage/store.js';
import { isStoreError, StoreError } from '../storage/store.js';
import type { Clock } from '../../lib/clock.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  fromStoreError,
  invalid,
  MODIFIED_CONFLICT,
  notFound,
} from '../errors.js';
import { decodeContinue, decodeKeyValue, decodeValue, encodeContinue, encodeObject, itemJson, storageKey, storagePrefix, withStoredJson } from './codec.js';
import { fillCreateMetadata, formatTime, generateName, specPart } from './object-meta.js';
import { deepEqual, validateObjectMeta } from '../../api/validation.js';
import { bumpsGeneration } from './generation.js';
import { nameValidatorFor } from './name-rules.js';
import type { ObjectFilter } from './filter.js';
import { groupVersion } from '../../api/registry.js';
import { RememberedStates } from './remembered-states.js';
import { managedFieldsAfterUpdate, WITHOUT_MANAGED_FIELDS } from '../patch/managed-fields.js';
import { fieldTypesFor } from '../patch/schema-patch-meta.js';
import type { AdmissionAttributes, AdmissionHook, Operation, RequestAttributes } from '../admission/attributes.js';
import { BuiltinPlugins } from '../admission/builtin-plugins.js';

/**
 * The generic registry: Kubernetes' genericregistry.Store for any ResourceType. REST and
 * GraphQL both go through it, so both give the same answers. Kind-specific behaviour
 * lives in the ResourceType (api/) and in KindHooks (apiserver/registry/hooks).
 */

export interface KindHooks {
  /** After defaulting, before validation and the write (e.g. allocate a Service's clusterIP). */
  beforeCreate?(obj: KubeObject, reg: Registry): Promise<void>;
  /**
   * Adjusts an update before validation: e.g. a Namespace's spec.finalizers change only
   * through the `finalize` subresource. `next` is mutable; `live` is the stored object.
   */
  prepareUpdate?(next: KubeObject, live: KubeObject, proposed: KubeObject, subresource: string | undefined): void;
  beforeUpdate?(obj: KubeObject, old: KubeObject, reg: Registry): Promise<void>;
  /**
   * Decides a graceful deletion. Returns the grace period in seconds (0 = delete now).
   * Absent: objects without finalizers are deleted at once.
   */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number;
  /** Refuses a delete (e.g. of the system namespaces) by throwing an ApiError. */
  beforeDelete?(obj: KubeObject): void;
  /** Called to decide whether deleting marks the object instead (e.g. a Namespace's spec.finalizers). */
  pendingFinalization?(obj: KubeObject): boolean;
  /** Mutates the object when it is marked for deletion (e.g. Namespace phase Terminating). */
  onMarkedForDeletion?(obj: KubeObject): void;
}

export interface RegistryContext {
  store: Store;
  clock: Clock;
  /** Namespace checks for namespaced creates: throws ApiError when creation is refused. */
  admitNamespace?(namespace: string, target: { group: string; plural: string; name?: string }): Promise<void>;
  hooksFor(rt: ResourceType): KindHooks;
  registryFor(rt: ResourceType): Registry;
  /** Last known states for updates, shared by all kinds (each registry has its own if unset). */
  remembered?: RememberedStates;
  /**
   * The dynamic admission chain (webhooks, ValidatingAdmissionPolicy). Writes whose options
   * carry request attributes go through it; the apiserver's own writes do not.
   */
  admission?(): AdmissionHook | undefined;
  /**
   * The apiserver's watched copy of a kind's objects (PriorityClasses, ServiceAccounts),
   * for admission hooks that read them on every write, as kube's plugins read informers;
   * undefined while there is none (then they read storage).
   */
  watchedObjects?(rt: ResourceType): WatchedObjects | undefined;
}

/** A read-only view of a watched cache (admission/object-cache.ts). */
export interface WatchedObjects {
  get(namespace: string, name: string): KubeObject | undefined;
  all(): KubeObject[];
}

export interface ListOptions {
  filter?: ObjectFilter;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Who writes, in which version, with which options: given by the REST layer, it turns admission on. */
  admission?: RequestAttributes;
  /**
   * The object's managedFields were computed by server-side apply (patch/apply-patch.ts):
   * kept as they are. Otherwise a write with request attributes records an Update by the
   * request's field manager, and one without keeps the stored managedFields.
   */
  appliedManagedFields?: boolean;
  /** Records the write in managedFields as an Update by this manager (the scale subresource, which runs no admission here). */
  recordAs?: { manager: string; apiVersion: string; subresource: string };
  /**
   * Validation beyond the kind's own for this write (the version it came through:
   * events.k8s.io/v1's strict Event rules); `old` is given on update.
   */
  validate?: (obj: KubeObject, old?: KubeObject) => FieldError[];
  /**
   * The object in the version the request came through, when not the storage version:
   * managedFields of an Update are computed in that form, as kube's field manager does
   * (events.k8s.io/v1 writers own f:note, not f:message).
   */
  toRequestVersion?: (obj: KubeObject) => KubeObject;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface UpdateOptions extends WriteOptions {
  /**
   * 'status' for the status subresource: only status changes. Other names (e.g. a
   * Namespace's 'finalize') are handed to the kind's prepareUpdate hook.
   */
  subresource?: string;
}

export interface DeleteResult {
  object: KubeObject;
  /** False when the object was only marked (graceful deletion or finalizers). */
  deleted: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchSink {
  event(type: WatchEventType, obj: KubeObject): void;
  bookmark(resourceVersion: string): void;
  /** The initial state asked for with sendInitialEvents=true has been sent, as of resourceVersion. */
  initialEventsEnd?(resourceVersion: string): void;
  error(err: ApiError): void;
}

export interface WatchOptions {
  filter?: ObjectFilter;
  resourceVersion?: string;
  /**
   * Streaming lists (KEP-3157): true sends the current state (at least as new as
   * resourceVersion) as ADDED events, then initialEventsEnd; false sends no initial state
   * (a watch from now when resourceVersion is unset or "0"); undefined: the classic rule.
   */
  sendInitialEvents?: boolean;
}

const MAX_UPDATE_RETRIES = 5;
const PAGE = 500;

export class Registry {
  private readonly decoded = new WeakMap<StoreWatchEvent, KubeObject>();
  private readonly recent: RememberedStates;
  private readonly decodedPrev = new WeakMap<StoreWatchEvent, KubeObject>();

  constructor(
    readonly rt: ResourceType,
    private readonly ctx: RegistryContext,
  ) {
    this.recent = ctx.remembered ?? new RememberedStates();
  }

  private get store(): Store {
    return this.ctx.store;
  }

  /** Another kind's registry, for admission that reads other objects (e.g. PriorityClasses). */
  registryFor(rt: ResourceType): Registry {
    return this.ctx.registryFor(rt);
  }

  /** The apiserver's watched copy of another kind's objects, if it keeps one (read-only). */
  watchedObjects(rt: ResourceType): WatchedObjects | undefined {
    return this.ctx.watchedObjects?.(rt);
  }

  private get hooks(): KindHooks {
    return this.ctx.hooksFor(this.rt);
  }

  private name(): { group: string; plural: string } {
    return { group: this.rt.group, plural: this.rt.plural };
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const key = storageKey(this.rt, namespace, name);
    const kv = await this.wrap(() => this.store.get(key), name);
    if (!kv) {
      this.recent.delete(key);
      throw notFound(this.name(), name);
    }
    this.remember(kv);
    return decodeKeyValue(this.rt, kv);
  }

  async list(namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
    const items: KubeObject[] = [];
    const meta = await this.scan(namespace, opts, (kv) => {
      const obj = decodeKeyValue(this.rt, kv);
      if (opts.filter && !opts.filter(obj)) return false;
      items.push(obj);
      return true;
    });
    return { items, ...meta };
  }

  /**
   * A list whose items are returned as JSON text, spliced from the stored JSON without
   * parsing it (the hot path of an unfiltered `kubectl get`/informer list).
   */
  async listJson(namespace: string | undefined, opts: Omit<ListOptions, 'filter'> = {}): Promise<Omit<ListResult, 'items'> & { items: string[] }> {
    const items: string[] = [];
    const meta = await this.scan(namespace, opts, (kv) => {
      items.push(itemJson(this.rt, kv));
      return true;
    });
    return { items, ...meta };
  }

  /**
   * Pages through the store at one revision, handing each key-value to `take` (which
   * says whether it counted) until `limit` counted, and builds the list metadata.
   */
  private async scan(
    namespace: string | undefined,
    opts: ListOptions,
    take: (kv: KeyValue) => boolean,
  ): Promise<Omit<ListResult, 'items'>> {
    const prefix = storagePrefix(this.rt, namespace);
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (opts.continue) {
      if (opts.resourceVersion && opts.resourceVersion !== '0') {
        throw badRequest('specifying resource version is not allowed when using continue');
      }
      const token = decodeContinue(opts.continue);
      if (!token || !token.start.startsWith(prefix)) throw badRequest('continue key is not valid');
      revision = token.rv;
      startAfter = token.start;
    } else if (opts.resourceVersion && opts.resourceVersion !== '0') {
      const rv = parseResourceVersion(opts.resourceVersion);
      if (opts.resourceVersionMatch === 'Exact') revision = rv;
    }
    if (opts.resourceVersionMatch && !opts.resourceVersion) {
      throw invalid('ListOptions', 'meta.k8s.io', '', [
        { type: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' },
      ]);
    }

    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let counted = 0;
    let lastKey: string | undefined;
    let more = false;
    let remaining: number | undefined;
    for (;;) {
      const want = limit ? Math.min(PAGE, Math.max(limit - counted, 1)) : PAGE;
      const page = await this.wrapList(() => this.store.list(prefix, { limit: want, startAfter, revision }), Boolean(opts.continue));
      revision = page.revision;
      for (const kv of page.items) {
        lastKey = kv.key;
        if (take(kv)) counted++;
      }
      more = page.more;
      remaining = page.remaining;
      if (!page.more || (limit && counted >= limit)) break;
      startAfter = lastKey;
    }
    const result: Omit<ListResult, 'items'> = { resourceVersion: String(revision) };
    if (limit && more && lastKey) {
      result.continue = encodeContinue({ rv: revision!, start: lastKey });
      if (!opts.filter && remaining !== undefined) result.remainingItemCount = remaining;
    }
    return result;
  }

  /** Creates an object. Takes ownership of `obj` (callers pass a freshly decoded one). */
  async create(namespace: string | undefined, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    obj.metadata = obj.metadata ?? {};
    if (this.rt.namespaced) obj.metadata.namespace = namespace;
    else delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    const requestedManagedFields = obj.metadata.managedFields;
    fillCreateMetadata(this.rt, obj, this.ctx.clock.now());
    this.rt.prepareForCreate?.(obj);
    this.rt.defaults(obj);
    this.trackManagedFields(obj, requestedManagedFields, null, opts);
    const admission = this.admissionFor(opts);
    // Without admission, validation comes first; with it, kube's order: namespace
    // lifecycle, mutating webhooks, then validation of what they made.
    if (!admission) this.validate(obj, undefined, opts.validate);
    if (this.rt.namespaced && namespace && this.ctx.admitNamespace) {
      await this.ctx.admitNamespace(namespace, { group: this.rt.group, plural: this.rt.plural, name: obj.metadata.name });
    }
    if (admission) {
      obj = await this.admitCreate(admission, obj, namespace, opts);
      this.validate(obj, undefined, opts.validate);
    }
    const hooks = this.hooks;
    if (hooks.beforeCreate) {
      // What the hook filled in (a Service's cluster IP, node ports) is validated too.
      await hooks.beforeCreate(obj, this);
      this.validate(obj, undefined, opts.validate);
    }
    if (admission) await admission.validate(this.attributes('CREATE', opts, namespace, obj.metadata.name ?? '', obj, null));
    const name = obj.metadata.name!;
    if (opts.dryRun) {
      const existing = await this.wrap(() => this.store.get(storageKey(this.rt, namespace, name)), name);
      if (existing) throw alreadyExists(this.name(), name);
      return this.finish(obj);
    }
    try {
      const value = encodeObject(obj);
      const kv = await this.store.create(storageKey(this.rt, namespace, name), value);
      this.remember(kv);
      return this.observed('ADDED', withStoredJson(this.stored(obj, kv.modRevision), value, kv.modRevision));
    } catch (err) {
      if (isStoreError(err, 'AlreadyExists')) throw alreadyExists(this.name(), name);
      throw this.translate(err, name);
    }
  }

  /**
   * Replaces an object (PUT). A resourceVersion in the body is a precondition (409 on
   * mismatch); without one the update is unconditional, as Kubernetes allows.
   */
  async update(namespace: string | undefined, name: string, input: KubeObject, opts: UpdateOptions = {}): Promise<KubeObject> {
    const wanted = input.metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== '') parseResourceVersion(wanted);
    return this.guaranteedUpdate(namespace, name, (live) => {
      if (wanted && wanted !== live.metadata.resourceVersion) throw conflict(this.name(), name, MODIFIED_CONFLICT);
      if (input.metadata?.uid && input.metadata.uid !== live.metadata.uid) {
        throw conflict(this.name(), name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${live.metadata.uid}`);
      }
      return structuredClone(input);
    }, opts);
  }

  /**
   * Reads the live object, applies `mutate`, validates and writes with compare-and-swap,
   * retrying on a concurrent write (mutate is re-run on the fresh object).
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    mutate: (live: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: UpdateOptions = {},
  ): Promise<KubeObject> {
    const key = storageKey(this.rt, namespace, name);
    // Like kube-apiserver's GuaranteedUpdate, start from the last state this apiserver
    // saw of the object and let the compare-and-swap catch a stale one: a conflict hands
    // back the current state, so the common case costs one storage round trip, not two.
    let known = this.recall(key);
    const admission = this.admissionFor(opts);
    for (let attempt = 0; ; attempt++) {
      const fromCache = known !== undefined;
      const live = known ? decodeKeyValue(this.rt, known) : await this.get(namespace, name);
      known = undefined;
      let next: KubeObject;
      try {
        let proposed = await mutate(structuredClone(live));
        if (admission) {
          const attrs = this.attributes('UPDATE', opts, namespace, name, proposed, live);
          proposed = (await admission.admit(attrs)) ?? proposed;
        }
        const requestedManagedFields = proposed.metadata?.managedFields;
        next = this.prepareUpdate(proposed, live, opts.subresource, opts.validate);
        this.trackManagedFields(next, requestedManagedFields, live, opts);
        await this.hooks.beforeUpdate?.(next, live, this);
        if (admission) await admission.validate(this.attributes('UPDATE', opts, namespace, name, next, live));
      } catch (err) {
        // A precondition or validation failure against a remembered state is re-checked
        // against storage before it reaches the client.
        if (fromCache && err instanceof ApiError) continue;
        throw err;
      }
      // Nothing is written: the answer carries the live resourceVersion, as kube-apiserver's
      // does (kubectl diff compares it with the live object).
      if (opts.dryRun) return this.finish(this.stored(next, Number(live.metadata.resourceVersion)));
      if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && this.readyToRemove(next)) {
        try {
          const kv = await this.store.delete(key, Number(live.metadata.resourceVersion));
          this.recent.delete(key);
          return this.observed('DELETED', this.stored(next, kv.modRevision));
        } catch (err) {
          if (isStoreError(err, 'Conflict') && attempt < MAX_UPDATE_RETRIES) continue;
          throw this.translate(err, name);
        }
      }
      if (sameObject(next, live)) return live; // no-op updates write nothing, as in Kubernetes
      try {
        const value = encodeObject(next);
        const kv = await this.store.update(key, value, Number(live.metadata.resourceVersion));
        this.remember(kv);
        return this.observed('MODIFIED', withStoredJson(this.stored(next, kv.modRevision), value, kv.modRevision));
      } catch (err) {
        if (isStoreError(err, 'Conflict') && attempt < MAX_UPDATE_RETRIES) {
          known = (err as StoreError).current;
          continue;
        }
        if (isStoreError(err, 'NotFound') && fromCache) continue;
        throw this.translate(err, name);
      }
    }
  }

  /** The admission chain for a write that carries request attributes (and when one is running). */
  private admissionFor(opts: WriteOptions): AdmissionHook | undefined {
    if (!opts.admission) return undefined;
    const hook = this.ctx.admission?.();
    return hook?.active(this.rt) ? hook : undefined;
  }

  private attributes(
    operation: Operation,
    opts: UpdateOptions,
    namespace: string | undefined,
    name: string,
    object: KubeObject | null,
    oldObject: KubeObject | null,
  ): AdmissionAttributes {
    return {
      operation,
      rt: this.rt,
      namespace: this.rt.namespaced ? namespace : undefined,
      name,
      subresource: opts.subresource,
      object,
      oldObject,
      dryRun: Boolean(opts.dryRun),
      request: opts.admission!,
    };
  }

  /**
   * Mutating admission of a create. What the webhooks return is defaulted again (kube
   * decodes a patched object with defaulting); the fields the apiserver owns stay its own.
   */
  private async admitCreate(admission: AdmissionHook, obj: KubeObject, namespace: string | undefined, opts: WriteOptions): Promise<KubeObject> {
    const out = await admission.admit(this.attributes('CREATE', opts, namespace, obj.metadata.name ?? '', obj, null));
    if (!out || out === obj) return obj;
    const before = obj.metadata;
    out.metadata = out.metadata ?? {};
    out.metadata.uid = before.uid;
    out.metadata.creationTimestamp = before.creationTimestamp;
    if (this.rt.namespaced) out.metadata.namespace = before.namespace;
    if (before.generation !== undefined) out.metadata.generation = before.generation;
    delete out.metadata.resourceVersion;
    this.rt.defaults(out);
    return out;
  }

  /** Reports a write of an admission configuration kind to the chain (read-your-writes). */
  private observed(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): KubeObject {
    if (this.rt.group === 'admissionregistration.k8s.io' || BuiltinPlugins.observes(this.rt)) this.ctx.admission?.()?.observe?.(this.rt, type, structuredClone(obj));
    return obj;
  }

  /** The last state this apiserver wrote or read of a key (bounded, most recent kept). */
  private recall(key: string): KeyValue | undefined {
    return this.recent.get(key);
  }

  private remember(kv: KeyValue): void {
    this.recent.set(kv);
  }

  /**
   * Sets `next`'s managedFields (kube's field manager): what server-side apply computed,
   * an Update by the request's field manager, or (internal writes, the binding
   * subresource) the stored ones unchanged.
   */
  private trackManagedFields(next: KubeObject, requested: unknown, live: KubeObject | null, opts: UpdateOptions): void {
    const meta = next.metadata;
    if (opts.appliedManagedFields) {
      if (requested !== undefined) meta.managedFields = requested as unknown[];
      return;
    }
    const attrs = opts.admission;
    if ((!attrs && !opts.recordAs) || opts.subresource === 'binding' || WITHOUT_MANAGED_FIELDS) {
      if (live?.metadata.managedFields !== undefined) meta.managedFields = live.metadata.managedFields;
      else delete meta.managedFields;
      return;
    }
    const version = attrs?.requestVersion ?? this.rt.version;
    const group = attrs?.requestGroup ?? this.rt.group;
    const subresource = opts.recordAs?.subresource ?? opts.subresource;
    const inRequest = opts.toRequestVersion ?? ((o: KubeObject) => o);
    const out = managedFieldsAfterUpdate(live && (inRequest(live) as Record<string, unknown>), requested, inRequest(next) as Record<string, unknown>, fieldTypesFor(this.rt), {
      manager: opts.recordAs?.manager ?? attrs?.fieldManager ?? '',
      apiVersion: opts.recordAs?.apiVersion ?? (group ? `${group}/${version}` : version),
      subresource,
      now: formatTime(this.ctx.clock.now()),
      ignoreStatus: Boolean(this.rt.subresources.status) && subresource === undefined,
    });
    if (out) meta.managedFields = out;
    else delete meta.managedFields;
  }

  /** The update strategy: what a client may change, defaults, generation, validation. */
  private prepareUpdate(proposed: KubeObject, live: KubeObject, subresource?: string, extra?: WriteOptions['validate']): KubeObject {
    let next: KubeObject;
    // 'binding' is the apiserver's own write of spec.nodeName and the PodScheduled
    // condition: taken whole, and not subject to the pod-update rules.
    const internal = subresource === 'binding';
    if (internal) {
      next = proposed;
    } else if (subresource !== undefined && subresource !== 'status') {
      next = structuredClone(live);
    } else if (subresource === 'status') {
      next = structuredClone(live);
      if (proposed.status !== undefined) next.status = proposed.status;
      else delete next.status;
    } else {
      next = proposed;
      next.metadata = next.metadata ?? {};
      if (this.rt.subresources.status) {
        if (live.status !== undefined) next.status = structuredClone(live.status);
        else delete next.status;
      }
    }
    const meta = next.metadata;
    const old = live.metadata;
    // Fields the apiserver owns.
    meta.name = old.name;
    if (this.rt.namespaced) meta.namespace = old.namespace;
    meta.uid = old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.managedFields;
    if (old.generateName !== undefined && meta.generateName === undefined) meta.generateName = old.generateName;
    this.rt.defaults(next);
    // After defaulting, so a kind's rule (e.g. emptied Namespace finalizers) is final.
    this.hooks.prepareUpdate?.(next, live, proposed, subresource);
    if (this.rt.hasGeneration) {
      const gen = old.generation ?? 1;
      meta.generation = bumpsGeneration(this.rt, next, live) ? gen + 1 : gen;
    } else {
      delete meta.generation;
    }
    if (old.deletionTimestamp) {
      // A terminating object may lose finalizers but gain none.
      const oldF = new Set(old.finalizers ?? []);
      const added = (meta.finalizers ?? []).filter((f) => !oldF.has(f));
      if (added.length > 0) {
        throw invalid(this.rt.kind, this.rt.group, old.name ?? '', [
          { type: 'FieldValueForbidden', field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => `"${f}"`).join(', ')}}` },
        ]);
      }
    }
    this.validate(next, internal ? undefined : live, internal ? undefined : extra);
    return next;
  }

  private readyToRemove(obj: KubeObject): boolean {
    if (this.hooks.pendingFinalization?.(obj)) return false;
    // A graceful deletion still counting down waits for its owner (the kubelet) to finish.
    return !(obj.metadata.deletionGracePeriodSeconds && obj.metadata.deletionGracePeriodSeconds > 0);
  }

  private validate(obj: KubeObject, old?: KubeObject, extra?: WriteOptions['validate']): void {
    const errors: FieldError[] = [
      ...validateObjectMeta(obj.metadata, { namespaced: this.rt.namespaced, nameValidator: nameValidatorFor(this.rt) }),
      ...this.rt.validate(obj, old),
      ...(extra ? extra(obj, old) : []),
    ];
    if (old && old.metadata.name !== obj.metadata.name) {
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: field is immutable' });
    }
    if (errors.length > 0) {
      throw invalid(this.rt.kind, this.rt.group, obj.metadata.name ?? obj.metadata.generateName ?? '', errors);
    }
  }

  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const admission = this.admissionFor(opts);
    // kube's delete handler: mutating admission without objects, once; validation with the live object.
    if (admission) await admission.admit(this.attributes('DELETE', opts, namespace, name, null, null));
    for (let attempt = 0; ; attempt++) {
      const live = await this.get(namespace, name);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== live.metadata.uid) {
        throw conflict(this.name(), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) {
        throw conflict(this.name(), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`);
      }
      this.hooks.beforeDelete?.(live);
      if (admission) await admission.validate(this.attributes('DELETE', opts, namespace, name, null, live));
      const marked = this.markForDeletion(live, opts);
      if (opts.dryRun) return { object: marked ?? live, deleted: marked === null };
      try {
        if (marked) {
          if (sameObject(marked, live)) return { object: live, deleted: false };
          const kv = await this.store.update(storageKey(this.rt, namespace, name), encodeObject(marked), Number(live.metadata.resourceVersion));
          this.remember(kv);
          return { object: this.observed('MODIFIED', this.stored(marked, kv.modRevision)), deleted: false };
        }
        const kv = await this.store.delete(storageKey(this.rt, namespace, name), Number(live.metadata.resourceVersion));
        this.recent.delete(kv.key);
        return { object: this.observed('DELETED', decodeValue(this.rt, kv.value, kv.modRevision)), deleted: true };
      } catch (err) {
        if (isStoreError(err, 'Conflict') && attempt < MAX_UPDATE_RETRIES) continue;
        if (isStoreError(err, 'NotFound')) throw notFound(this.name(), name);
        throw this.translate(err, name);
      }
    }
  }

  /**
   * Kubernetes' BeforeDelete: returns the object marked for deletion (deletionTimestamp,
   * finalizers for the propagation policy, grace period), or null to delete it now.
   */
  private markForDeletion(live: KubeObject, opts: DeleteOptions): KubeObject | null {
    const obj = structuredClone(live);
    const meta = obj.metadata;
    const now = this.ctx.clock.now();
    const finalizers = new Set(meta.finalizers ?? []);
    if (opts.propagationPolicy === 'Orphan') {
      finalizers.add('orphan');
      finalizers.delete('foregroundDeletion');
    } else if (opts.propagationPolicy === 'Foreground') {
      finalizers.add('foregroundDeletion');
      finalizers.delete('orphan');
    } else if (opts.propagationPolicy === 'Background') {
      finalizers.delete('orphan');
      finalizers.delete('foregroundDeletion');
    }
    // Propagation finalizers only matter where something depends on the object; they are
    // added only when not already terminating, as Kubernetes does.
    if (!meta.deletionTimestamp || opts.propagationPolicy) {
      meta.finalizers = [...finalizers];
      if (meta.finalizers.length === 0) delete meta.finalizers;
    }

    const grace = this.hooks.gracePeriod ? this.hooks.gracePeriod(obj, opts.gracePeriodSeconds) : 0;
    const pending = this.hooks.pendingFinalization?.(obj) ?? false;
    const hasFinalizers = (meta.finalizers ?? []).length > 0;

    if (meta.deletionTimestamp) {
      // Already terminating: a shorter grace period moves the deadline; 0 forces removal.
      if (grace === 0 && !hasFinalizers && !pending) return null;
      const remaining = meta.deletionGracePeriodSeconds ?? 0;
      if (grace < remaining) {
        meta.deletionGracePeriodSeconds = grace;
        meta.deletionTimestamp = formatTime(now + grace * 1000);
      }
      return obj;
    }
    if (grace === 0 && !hasFinalizers && !pending) return null;
    meta.deletionTimestamp = formatTime(now + grace * 1000);
    meta.deletionGracePeriodSeconds = grace;
    if (this.rt.hasGeneration) meta.generation = (meta.generation ?? 1) + 1;
    this.hooks.onMarkedForDeletion?.(obj);
    return obj;
  }

  /**
   * Streams changes. resourceVersion unset or "0": synthetic ADDED events for the current
   * state, then changes; "N": every change after N (410 Expired when N is compacted).
   */
  async watch(namespace: string | undefined, opts: WatchOptions, sink: WatchSink): Promise<StoreWatch> {
    const filter = opts.filter ?? MATCH_ALL;
    const fromNow = !opts.resourceVersion || opts.resourceVersion === '0';
    const initialState = opts.sendInitialEvents ?? fromNow;
    let after: number;
    if (initialState) {
      // At least as new as a given resourceVersion: the current state always is.
      if (!fromNow) parseResourceVersion(opts.resourceVersion!);
      const state = await this.list(namespace, { filter });
      for (const obj of state.items) sink.event('ADDED', obj);
      after = Number(state.resourceVersion);
      if (opts.sendInitialEvents) sink.initialEventsEnd?.(state.resourceVersion);
    } else if (fromNow) {
      after = Number((await this.list(namespace, { limit: 1 })).resourceVersion);
    } else {
      after = parseResourceVersion(opts.resourceVersion!);
    }
    const prefix = storagePrefix(this.rt, namespace);
    let lastRevision = after;
    const onEvent = (ev: StoreWatchEvent): void => {
      lastRevision = ev.modRevision;
      const out = this.translateEvent(ev, filter);
      if (out) sink.event(out.type, out.obj);
    };
    try {
      return await this.store.watch(prefix, { afterRevision: after }, {
        onEvent,
        onError: (err) => sink.error(err.code === 'Expired' ? expired(`too old resource version: ${after} (${err.message})`) : fromStoreError(err)),
        onProgress: (rev) => {
          if (rev > lastRevision) lastRevision = rev;
          sink.bookmark(String(lastRevision));
        },
      });
    } catch (err) {
      if (isStoreError(err, 'Expired')) throw expired(`too old resource version: ${after}`);
      throw this.translate(err);
    }
  }

  /** Maps a store event through the selector: objects entering or leaving it become ADDED or DELETED. */
  private translateEvent(ev: StoreWatchEvent, filter: ObjectFilter): { type: WatchEventType; obj: KubeObject } | null {
    const obj = this.decodeEvent(ev);
    // Everything matches: no need to decode the previous state to see a transition.
    if (filter === MATCH_ALL) return { type: ev.type === 'delete' ? 'DELETED' : ev.prevValue === undefined ? 'ADDED' : 'MODIFIED', obj };
    if (ev.type === 'delete') return filter(obj) ? { type: 'DELETED', obj } : null;
    const now = filter(obj);
    if (ev.prevValue === undefined) return now ? { type: 'ADDED', obj } : null;
    const before = filter(this.decodePrevious(ev));
    if (now && before) return { type: 'MODIFIED', obj };
    if (now) return { type: 'ADDED', obj };
    if (before) return { type: 'DELETED', obj };
    return null;
  }

  /** The object as a read would return it after a write at revision (no re-parse). */
  private stored(obj: KubeObject, revision: number): KubeObject {
    obj.apiVersion = groupVersion(this.rt);
    obj.kind = this.rt.kind;
    obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
    return obj;
  }

  /**
   * The watch cache hands the same event object to every watcher: decode it once for all
   * of them (Kubernetes' cachingObject idea). Watchers must treat the result as read-only.
   */
  private decodeEvent(ev: StoreWatchEvent): KubeObject {
    let obj = this.decoded.get(ev);
    if (!obj) {
      obj = decodeValue(this.rt, ev.value, ev.modRevision);
      this.decoded.set(ev, obj);
    }
    return obj;
  }

  private decodePrevious(ev: StoreWatchEvent): KubeObject {
    let obj = this.decodedPrev.get(ev);
    if (!obj) {
      obj = decodeValue(this.rt, ev.prevValue!, ev.modRevision);
      this.decodedPrev.set(ev, obj);
    }
    return obj;
  }

  /** A dry run's answer: a copy, so the caller's later changes cannot leak back. */
  private finish(obj: KubeObject): KubeObject {
    return structuredClone(obj);
  }

  private async wrap<T>(fn: () => Promise<T>, name?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err, name);
    }
  }

  private async wrapList<T>(fn: () => Promise<T>, fromContinue: boolean): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isStoreError(err, 'Expired')) {
        throw expired(
          fromContinue
            ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
            : 'The resourceVersion for the provided list is too old.',
        );
      }
      throw this.translate(err);
    }
  }

  private translate(err: unknown, name?: string): Error {
    if (err instanceof ApiError) return err;
    if (err instanceof StoreError) return fromStoreError(err, this.name(), name);
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Equal but for resourceVersion (which the store sets) and key order. */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return deepEqual(strip(a), strip(b));
}

/** The filter of an unfiltered watch. */
const MATCH_ALL: ObjectFilter = () => true;

export function parseResourceVersion(raw: string): number {
  if (!/^[0-9]+$/.test(raw)) {
    throw badRequest(`Invalid value: "${raw}": resourceVersion must be a non-negative integer`);
  }
  return Number(raw);
}
