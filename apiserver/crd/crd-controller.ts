import type { KubeObject, ResourceType } from '../../api/types.js';
import { crdResource, CLEANUP_FINALIZER, type CRD } from '../../api/apiextensions/crd.js';
import { addDynamicResource, removeDynamicResource, resources } from '../../api/registry.js';
import type { Registries } from '../registry/registries.js';
import type { KindHooks, Registry } from '../registry/generic-registry.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { formatTime } from '../registry/object-meta.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { crdFor, customResourceType } from './custom-resource-type.js';
import type { StoreWatch } from '../storage/store.js';
import { createServiceResolver } from '../admission/service-resolver.js';
import type { ServiceEndpointResolver } from '../admission/webhook-client.js';

/**
 * The apiextensions controllers kube-apiserver runs in-process, as one loop over CRD keys:
 *  - naming: NamesAccepted (conflicts with built-in kinds and other CRDs of the group refused
 *    with kube's reasons), acceptedNames, storedVersions;
 *  - establishing: Established, and from then the kind is served (added to the resource
 *    list that discovery and routing read);
 *  - finalizer: a CRD being deleted is Terminating, its custom objects are deleted, then
 *    the customresourcecleanup finalizer is removed and the kind stops being served.
 * Every apiserver sharing the storage runs it; the writes are compare-and-swap.
 */

type Condition = { type: string; status: string; lastTransitionTime?: string | null; reason?: string; message?: string };

export class CrdController {
  private readonly served = new Map<string, ResourceType>();
  private readonly servedSpec = new Map<string, string>();
  private readonly terminating = new Set<string>();
  private readonly queue = new Set<string>();
  private running = false;
  private watch: StoreWatch | undefined;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly crdReg: Registry;
  /** Resolves when the queue is empty (tests and the benchmark wait on it). */
  private idleWaiters: Array<() => void> = [];
  private readonly resolver: ServiceEndpointResolver;

  constructor(
    private readonly registries: Registries,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.crdReg = registries.for(crdResource);
    registries.setHooks(crdResource, crdHooks(clock));
    // Conversion webhooks reach clientConfig.service through the Service's endpoints, as admission webhooks do.
    this.resolver = createServiceResolver((rt) => registries.for(rt));
  }

  async start(): Promise<void> {
    const list = await this.crdReg.list(undefined, {});
    for (const crd of list.items) this.queue.add(crd.metadata.name!);
    await this.drain();
    this.watch = await this.crdReg.watch(undefined, { resourceVersion: list.resourceVersion }, {
      event: (_type, obj) => this.enqueue(obj.metadata.name!),
      bookmark: () => {},
      error: (err) => this.logger.warn({ err: err.message }, 'CRD watch failed'),
    });
  }

  stop(): void {
    this.stopped = true;
    this.watch?.close();
    for (const t of this.timers) clearTimeout(t);
    for (const rt of this.served.values()) {
      removeDynamicResource(rt);
      this.registries.removeDynamic(rt);
    }
    this.served.clear();
  }

  /** Waits until every queued CRD has been reconciled. */
  idle(): Promise<void> {
    if (!this.running && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  isTerminating(crdName: string): boolean {
    return this.terminating.has(crdName);
  }

  private enqueue(name: string): void {
    if (this.stopped) return;
    this.queue.add(name);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const name = this.queue.values().next().value as string;
        this.queue.delete(name);
        try {
          await this.reconcile(name);
        } catch (err) {
          this.logger.warn({ crd: name, err: (err as Error).message }, 'CRD reconcile failed; retrying');
          this.later(name, 500);
        }
      }
    } finally {
      this.running = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  private later(name: string, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(name);
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  private async reconcile(name: string): Promise<void> {
    let crd: CRD;
    try {
      crd = (await this.crdReg.get(undefined, name)) as unknown as CRD;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) {
        this.unserve(name);
        this.terminating.delete(name);
        return;
      }
      throw err;
    }
    if (crd.metadata.deletionTimestamp) {
      this.terminating.add(name);
      await this.finalize(crd);
      return;
    }
    this.terminating.delete(name);
    const conflict = this.namesConflict(crd);
    const now = formatTime(this.clock.now());
    const conditions: Condition[] = structuredClone(crd.status?.conditions ?? []) as Condition[];
    const accepted = conflict === undefined;
    setCondition(conditions, now, accepted
      ? { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }
      : { type: 'NamesAccepted', status: 'False', reason: conflict.reason, message: conflict.message });
    setCondition(conditions, now, accepted
      ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
      : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
    const storage = crd.spec.versions.find((v) => v.storage)?.name;
    const stored = [...(crd.status?.storedVersions ?? [])];
    if (accepted && storage && !stored.includes(storage)) stored.push(storage);
    const status = {
      conditions,
      acceptedNames: accepted ? structuredClone(crd.spec.names) : crd.status?.acceptedNames ?? { plural: '', kind: '' },
      storedVersions: stored,
    };
    if (JSON.stringify(status) !== JSON.stringify(crd.status ?? {})) {
      await this.crdReg.guaranteedUpdate(undefined, name, (live) => {
        const next = structuredClone(live) as unknown as CRD;
        const liveConds = (next.status?.conditions ?? []) as Condition[];
        for (const c of conditions) setCondition(liveConds, now, c);
        next.status = { ...status, conditions: liveConds };
        return next as unknown as KubeObject;
      }, { subresource: 'status' });
    }
    if (accepted) this.serve(crd);
    else this.unserve(name);
  }

  private serve(crd: CRD): void {
    const name = crd.metadata.name!;
    // Status-only changes (our own condition writes) keep the served type as it is.
    const specKey = JSON.stringify(crd.spec);
    if (this.served.has(name) && this.servedSpec.get(name) === specKey) return;
    this.servedSpec.set(name, specKey);
    const rt = customResourceType(crd, { resolver: this.resolver });
    if (!rt) return;
    const prev = this.served.get(name);
    addDynamicResource(rt, prev);
    if (prev) this.registries.removeDynamic(prev);
    this.registries.addDynamic(rt, this.customHooks(name));
    this.served.set(name, rt);
  }

  private unserve(name: string): void {
    const rt = this.served.get(name);
    if (!rt) return;
    removeDynamicResource(rt);
    this.registries.removeDynamic(rt);
    this.served.delete(name);
    this.servedSpec.delete(name);
  }

  private customHooks(crdName: string): KindHooks {
    return {
      beforeCreate: async () => {
        if (this.terminating.has(crdName)) throw methodNotAllowed('create', 'a terminating custom resource definition');
      },
    };
  }

  /** Deletes the CRD's objects; once none is left, drops the cleanup finalizer. */
  private async finalize(crd: CRD): Promise<void> {
    const name = crd.metadata.name!;
    const rt = this.served.get(name);
    const conditions = structuredClone(crd.status?.conditions ?? []) as Condition[];
    const now = formatTime(this.clock.now());
    let remaining = 0;
    if (rt) {
      const reg = this.registries.for(rt);
      const list = await reg.list(undefined, {});
      for (const obj of list.items) {
        if (obj.metadata.deletionTimestamp) { remaining++; continue; }
        try {
          const r = await reg.delete(obj.metadata.namespace, obj.metadata.name!, {});
          if (!r.deleted) remaining++;
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
    }
    if (remaining > 0) {
      setCondition(conditions, now, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending', message: `could not confirm zero CustomResources remaining: ${remaining} remaining` });
      await this.writeConditions(name, conditions);
      this.later(name, 1000);
      return;
    }
    this.unserve(name);
    setCondition(conditions, now, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionCompleted', message: 'removed all instances' });
    await this.crdReg.guaranteedUpdate(undefined, name, (live) => {
      const next = structuredClone(live);
      (next as unknown as CRD).status = { ...(next as unknown as CRD).status, conditions };
      return next;
    }, { subresource: 'status' }).catch((err) => { if (!(err instanceof ApiError && err.code === 404)) throw err; });
    await this.crdReg.guaranteedUpdate(undefined, name, (live) => {
      const next = structuredClone(live);
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
      return next;
    }).catch((err) => { if (!(err instanceof ApiError && err.code === 404)) throw err; });
  }

  private async writeConditions(name: string, conditions: Condition[]): Promise<void> {
    await this.crdReg.guaranteedUpdate(undefined, name, (live) => {
      const next = structuredClone(live);
      (next as unknown as CRD).status = { ...(next as unknown as CRD).status, conditions };
      return next;
    }, { subresource: 'status' });
  }

  /** kube's naming controller: a name another kind of the group (or a built-in) uses is refused. */
  private namesConflict(crd: CRD): { reason: string; message: string } | undefined {
    const names = crd.spec.names;
    const group = crd.spec.group;
    const mine = this.served.get(crd.metadata.name!);
    // Another apiserver in this process may serve this very CRD: not a conflict.
    const others = resources.filter((r) => r.group === group && r !== mine && crdFor(r)?.metadata.name !== crd.metadata.name);
    // Also CRDs of the group accepted but not (yet) in resources are covered by `resources`.
    for (const r of others) {
      if (r.plural === names.plural) return { reason: 'PluralConflict', message: `"${names.plural}" is already in use` };
      if (names.singular && r.singular === names.singular) return { reason: 'SingularConflict', message: `"${names.singular}" is already in use` };
      for (const s of names.shortNames ?? []) {
        if (r.shortNames.includes(s)) return { reason: 'ShortNamesConflict', message: `"${s}" is already in use` };
      }
      if (r.kind === names.kind) return { reason: 'KindConflict', message: `"${names.kind}" is already in use` };
      if (names.listKind && r.listKind === names.listKind) return { reason: 'ListKindConflict', message: `"${names.listKind}" is already in use` };
    }
    return undefined;
  }
}

function setCondition(conds: Condition[], now: string, c: Condition): void {
  const at = conds.findIndex((x) => x.type === c.type);
  if (at >= 0) {
    const old = conds[at]!;
    conds[at] = { ...c, lastTransitionTime: old.status === c.status ? old.lastTransitionTime ?? now : now };
  } else {
    conds.push({ ...c, lastTransitionTime: now });
  }
}

/** The CRD kind's own delete behaviour: deleting marks it Terminating with the cleanup finalizer. */
function crdHooks(clock: Clock): KindHooks {
  return {
    pendingFinalization: (obj) => !obj.metadata.deletionTimestamp,
    onMarkedForDeletion: (obj) => {
      const f = new Set(obj.metadata.finalizers ?? []);
      f.add(CLEANUP_FINALIZER);
      obj.metadata.finalizers = [...f];
      const crd = obj as unknown as CRD;
      const conds = (crd.status?.conditions ?? []) as Condition[];
      setCondition(conds, formatTime(clock.now()), { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
      crd.status = { ...crd.status, conditions: conds };
    },
  };
}
