import { groupVersion, resources as servedResources } from '../../api/registry.js';
import { crdResource } from '../../api/apiextensions/crd.js';
import { customResourceRefs } from '../util/custom-resources.js';
import type { KubeObject, OwnerReference, ResourceType } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import {
  decideForDependent,
  referenceState,
  sameOwnerReferences,
  withoutFinalizer,
  withoutOwnerReferences,
  withUnblockedOwnerReferences,
  type ClassifiedReference,
  type PropagationPolicy,
} from './decisions.js';
import {
  DependencyGraph,
  FINALIZER_DELETE_DEPENDENTS,
  FINALIZER_ORPHAN,
  type GraphEffects,
  type GraphNode,
  type ObservedObject,
} from './graph.js';
import { createKindMapper, describeIdentity, groupOf, identityOf, type KindMapper, type ObjectIdentity } from './identity.js';
import { updateWithRetry } from './update-with-retry.js';

/**
 * kube's garbage collector: watches every kind that can own or depend (all served kinds
 * but Events), keeps the ownerReference graph (graph.ts), and runs two queues of uids:
 *
 * - attemptToDelete: is this object garbage? Its owners are looked up live (the informer
 *   may lag): if none is left it is deleted (Background unless it asked otherwise); if
 *   some are gone, the references to them are dropped. An owner in foreground deletion
 *   (`foregroundDeletion` finalizer) gets its dependents deleted and loses the finalizer
 *   once no dependent with blockOwnerDeletion remains.
 * - attemptToOrphan: an owner with the `orphan` finalizer; its dependents lose their
 *   references to it, then it loses the finalizer.
 *
 * Background cascading (`kubectl delete deployment x`) needs nothing special: the owner
 * goes at once, its informer reports the deletion, its dependents are checked, found
 * dangling and deleted, and so on down (ReplicaSets, then Pods).
 */

export const GARBAGE_COLLECTOR_NAME = 'garbage-collector-controller';

/** A virtual node that exists but was not yet seen by its informer is looked at again after this. */
const UNOBSERVED_RECHECK_MS = 1_000;
/** A reference to a kind this apiserver does not serve is looked at again after this. */
const UNKNOWN_KIND_RECHECK_MS = 60_000;

export interface GarbageCollectorOptions {
  /** Kinds to watch; default every served kind but Events. */
  resources?: readonly ResourceType[];
  /** Concurrent attemptToDelete workers (kube's --concurrent-gc-syncs is 20); default 5. */
  workers?: number;
}

export interface GarbageCollector extends RunningController {
  readonly graph: DependencyGraph;
  /** Resolves true once every monitored informer synced and the workers run. */
  readonly started: Promise<boolean>;
}

/** The kinds the collector watches: listable, watchable and deletable, except Events (kube ignores them). */
export function monitoredResources(resources: readonly ResourceType[] = servedResources): ResourceType[] {
  return resources.filter(
    (rt) => rt.kind !== 'Event' && ['list', 'watch', 'delete', 'get', 'update'].every((v) => rt.verbs.includes(v)),
  );
}

function observedOf(obj: KubeObject, rt: ResourceType): ObservedObject {
  return {
    identity: identityOf(obj, rt),
    ownerReferences: obj.metadata.ownerReferences ?? [],
    deletionTimestamp: obj.metadata.deletionTimestamp,
    finalizers: obj.metadata.finalizers ?? [],
  };
}

class UnknownKindError extends Error {}
/** A cluster-scoped object naming a namespaced owner: unresolvable, never retried (kube). */
class NamespacedOwnerOfClusterScopedError extends Error {}

export function startGarbageCollector(ctx: ControllerContext, opts: GarbageCollectorOptions = {}): GarbageCollector {
  const { client, recorder } = ctx;
  const log = ctx.logger;
  const monitored = monitoredResources(opts.resources ?? servedResources);
  const builtinMapper: KindMapper = createKindMapper(opts.resources ?? servedResources);
  /** Custom kinds found through CustomResourceDefinitions after start (group/kind → type). */
  const custom = new Map<string, { rt: ResourceType; informer: Informer }>();
  const mapper: KindMapper = {
    resolve: (apiVersion, kind) => builtinMapper.resolve(apiVersion, kind) ?? custom.get(`${groupOf(apiVersion)}/${kind}`)?.rt,
  };
  const graph = new DependencyGraph((apiVersion, kind) => mapper.resolve(apiVersion, kind)?.namespaced);
  const absent = new AbsentOwnerCache();
  const informers: Informer[] = monitored.map((rt) => ctx.informers.informerFor(rt));

  const reportInvalid = (dependent: ObjectIdentity, ref: OwnerReference): void => {
    recorder.event(
      { apiVersion: dependent.apiVersion, kind: dependent.kind, namespace: dependent.namespace || undefined, name: dependent.name, uid: dependent.uid },
      'Warning',
      'OwnerRefInvalidNamespace',
      `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: ${dependent.namespace}, name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace "${dependent.namespace}"`,
    );
  };

  const apply = (fx: GraphEffects): void => {
    for (const id of fx.absentOwners) absent.add(id);
    for (const { dependent, ownerRef } of fx.invalidOwnerRefs) reportInvalid(dependent, ownerRef);
    for (const uid of fx.attemptToDelete) deleteCtl.queue.add(uid);
    for (const uid of fx.attemptToOrphan) orphanCtl.queue.add(uid);
  };

  const refOf = (id: ObjectIdentity): ResourceType => {
    const rt = mapper.resolve(id.apiVersion, id.kind);
    if (!rt) throw new UnknownKindError(`no served resource for ${id.apiVersion}, Kind=${id.kind}`);
    return rt;
  };
  const nsOf = (rt: ResourceType, namespace: string): string | undefined => (rt.namespaced ? namespace : undefined);

  /** The live object, or undefined when it is gone (or the name now belongs to another uid). */
  const getLive = async (id: ObjectIdentity): Promise<KubeObject | undefined> => {
    const rt = refOf(id);
    try {
      const obj = await client.get(rt, id.name, { namespace: nsOf(rt, id.namespace) });
      return obj.metadata.uid === id.uid ? obj : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  /** kube's isDangling + classifyReferences, one live GET per owner not known absent. */
  const classify = async (item: ObjectIdentity, refs: readonly OwnerReference[]): Promise<ClassifiedReference[]> => {
    const out: ClassifiedReference[] = [];
    for (const ref of refs) {
      const rt = mapper.resolve(ref.apiVersion, ref.kind);
      if (!rt) throw new UnknownKindError(`no served resource for ${ref.apiVersion}, Kind=${ref.kind}`);
      if (item.namespace === '' && rt.namespaced) {
        reportInvalid(item, ref);
        throw new NamespacedOwnerOfClusterScopedError(`cluster-scoped ${describeIdentity(item)} refers to a namespaced owner ${ref.kind} ${ref.name}`);
      }
      const ownerId: ObjectIdentity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: rt.namespaced ? item.namespace : '' };
      if (absent.has(ownerId)) {
        out.push({ ref, state: 'dangling' });
        continue;
      }
      const owner = await getLive(ownerId);
      if (!owner) absent.add(ownerId);
      out.push({ ref, state: referenceState(ref, owner) });
    }
    return out;
  };

  /**
   * Deletes with uid and resourceVersion preconditions. On a conflict the object changed
   * since we decided: if its ownerReferences are still those we judged, the decision
   * stands and it is deleted by uid alone; otherwise it is judged again.
   */
  const deleteObject = async (id: ObjectIdentity, latest: KubeObject, policy: PropagationPolicy): Promise<void> => {
    const rt = refOf(id);
    const namespace = nsOf(rt, id.namespace);
    try {
      await client.delete(rt, id.name, { namespace, propagationPolicy: policy, preconditions: { uid: id.uid, resourceVersion: latest.metadata.resourceVersion } });
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      const now = await getLive(id);
      if (!now) return;
      if (!sameOwnerReferences(now.metadata.ownerReferences, latest.metadata.ownerReferences)) throw err;
      try {
        await client.delete(rt, id.name, { namespace, propagationPolicy: policy, preconditions: { uid: id.uid } });
      } catch (err2) {
        if (!isNotFound(err2)) throw err2;
      }
    }
    log.info({ object: describeIdentity(id), propagationPolicy: policy }, 'deleted object');
  };

  const removeFinalizer = async (id: ObjectIdentity, finalizer: string, first?: KubeObject): Promise<void> => {
    const rt = refOf(id);
    await updateWithRetry(client, rt, { namespace: nsOf(rt, id.namespace), name: id.name, uid: id.uid }, (o) => withoutFinalizer(o, finalizer), { first });
  };

  /** The owner is in foreground deletion: delete its blocking dependents, or let it go. */
  const processDeletingDependents = async (node: GraphNode, latest: KubeObject): Promise<void> => {
    const blocking = graph.blockingDependents(node);
    if (blocking.length === 0) {
      log.debug({ object: describeIdentity(node.identity) }, 'no blocking dependents left; removing foregroundDeletion finalizer');
      await removeFinalizer(node.identity, FINALIZER_DELETE_DEPENDENTS, latest);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) deleteCtl.queue.add(dep.identity.uid);
  };

  const attemptToDeleteItem = async (node: GraphNode): Promise<void> => {
    // Already on its way out, and not waiting on us: nothing to do.
    if (node.beingDeleted && !node.deletingDependents) return;
    const id = node.identity;
    const latest = await getLive(id);
    if (!latest) {
      apply(graph.virtualDelete(id));
      return;
    }
    if (node.deletingDependents) return processDeletingDependents(node, latest);

    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const references = await classify(id, refs);
    const dependents = [...node.dependents];
    const decision = decideForDependent({
      references,
      finalizers: latest.metadata.finalizers ?? [],
      hasDependents: dependents.length > 0,
      aDependentIsDeletingDependents: dependents.some((d) => d.deletingDependents),
    });
    const rt = refOf(id);
    const target = { namespace: nsOf(rt, id.namespace), name: id.name, uid: id.uid };
    switch (decision.action) {
      case 'none':
        return;
      case 'removeOwnerReferences':
        log.info({ object: describeIdentity(id), owners: decision.uids }, 'removing references to absent or deleting owners');
        await updateWithRetry(client, rt, target, (o) => withoutOwnerReferences(o, decision.uids), { first: latest });
        return;
      case 'delete': {
        let current = latest;
        if (decision.unblockFirst) {
          current = (await updateWithRetry(client, rt, target, (o) => withUnblockedOwnerReferences(o), { first: latest })) ?? latest;
        }
        await deleteObject(id, current, decision.policy);
      }
    }
  };

  const attemptToDelete = async (uid: string): Promise<ReconcileResult> => {
    const node = graph.get(uid);
    if (!node) return;
    try {
      await attemptToDeleteItem(node);
    } catch (err) {
      if (err instanceof NamespacedOwnerOfClusterScopedError) {
        log.info({ err: err.message }, 'invalid owner reference; not collected');
        return;
      }
      if (err instanceof UnknownKindError) {
        log.debug({ uid, err: err.message }, 'owner kind not served; checking again later');
        return { requeueAfterMs: UNKNOWN_KIND_RECHECK_MS };
      }
      throw err;
    }
    // A virtual node that exists but its informer has not reported yet: look again until
    // it does (or is found gone), so it cannot linger in the graph.
    const after = graph.get(uid);
    if (after === node && !after.observed) return { requeueAfterMs: UNOBSERVED_RECHECK_MS };
  };

  /** kube's orphanDependents + removal of the orphan finalizer. */
  const attemptToOrphan = async (uid: string): Promise<ReconcileResult> => {
    const owner = graph.get(uid);
    if (!owner) return;
    const failures: unknown[] = [];
    await Promise.all(
      [...owner.dependents].map(async (dep) => {
        try {
          const rt = refOf(dep.identity);
          await updateWithRetry(client, rt, { namespace: nsOf(rt, dep.identity.namespace), name: dep.identity.name, uid: dep.identity.uid }, (o) =>
            withoutOwnerReferences(o, [uid]),
          );
        } catch (err) {
          failures.push(err);
        }
      }),
    );
    if (failures.length > 0) throw failures[0];
    log.info({ object: describeIdentity(owner.identity), dependents: owner.dependents.size }, 'orphaned dependents');
    await removeFinalizer(owner.identity, FINALIZER_ORPHAN);
  };

  const deleteCtl = startQueueController(ctx, {
    name: `${GARBAGE_COLLECTOR_NAME}-attempt-to-delete`,
    reconcile: attemptToDelete,
    waitFor: informers,
    workers: opts.workers ?? 5,
  });
  const orphanCtl = startQueueController(ctx, {
    name: `${GARBAGE_COLLECTOR_NAME}-attempt-to-orphan`,
    reconcile: attemptToOrphan,
    waitFor: informers,
    workers: 1,
  });

  const watchKind = (rt: ResourceType, informer: Informer): void => {
    informer.addEventHandler({
      onAdd: (obj) => apply(graph.observe('add', observedOf(obj, rt))),
      onUpdate: (old, obj) => apply(graph.observe('update', observedOf(obj, rt), observedOf(old, rt))),
      onDelete: (obj) => apply(graph.observe('delete', observedOf(obj, rt))),
    });
  };
  // Handlers run synchronously in event order, so the graph is built from the initial
  // lists before any worker starts (workers wait for every informer to sync).
  monitored.forEach((rt, i) => watchKind(rt, informers[i]!));

  // Custom kinds come and go with their CRDs: kube's collector rediscovers resources
  // periodically; here a CRD informer adds a monitor for each newly Established kind (and
  // stops it when the CRD goes), so owner references to and from custom objects collect.
  const syncCustomKinds = (crds: readonly KubeObject[]): void => {
    const want = new Map(customResourceRefs(crds).map((rt) => [`${rt.group}/${rt.kind}`, rt]));
    for (const [key, rt] of want) {
      if (custom.has(key) || builtinMapper.resolve(groupVersion(rt), rt.kind)) continue;
      const informer = ctx.informers.informerFor(rt);
      custom.set(key, { rt, informer });
      watchKind(rt, informer);
      informer.start();
      log.info({ resource: `${rt.plural}.${rt.group}` }, 'garbage collector monitors a custom resource');
    }
    for (const [key, entry] of custom) {
      if (want.has(key)) continue;
      custom.delete(key);
      entry.informer.stop();
    }
  };
  if (!opts.resources) {
    const crds = ctx.informers.informerFor(crdResource);
    const resync = () => syncCustomKinds(crds.store.list());
    crds.addEventHandler({ onAdd: resync, onUpdate: resync, onDelete: resync });
  }

  return {
    graph,
    started: Promise.all([deleteCtl.started, orphanCtl.started]).then((s) => s.every(Boolean)),
    async stop() {
      await Promise.all([deleteCtl.stop(), orphanCtl.stop()]);
    },
  };
}

export const garbageCollectorController: ControllerDescriptor = {
  name: GARBAGE_COLLECTOR_NAME,
  serviceAccounts: ['generic-garbage-collector'],
  start: (ctx) => startGarbageCollector(ctx),
};
