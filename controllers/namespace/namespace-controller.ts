import { namespaceResource } from '../../api/core/namespace.js';
import { resources as servedResources } from '../../api/registry.js';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { startQueueController } from '../runner.js';
import { listCustomResources } from '../util/custom-resources.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { namespacedContentResources, syncNamespace, type NamespaceDeleterDeps } from './namespaced-resources-deleter.js';

/**
 * kube's namespace controller: a namespace with a deletionTimestamp is emptied and
 * finalized (namespaced-resources-deleter.ts), after which the apiserver removes it and
 * `kubectl delete namespace x` returns.
 *
 * Like kube, work on a namespace starts a short while after its deletion is seen
 * (namespaceDeletionGracePeriod, 5 s: lets every apiserver observe the deletion and
 * refuse new content before we list). Unlike kube, which only rechecks after its
 * estimate, a deletion seen in a Terminating namespace also schedules a recheck soon
 * (contentRecheckMs), so the namespace goes about as soon as its last pod does.
 */

export const NAMESPACE_CONTROLLER_NAME = 'namespace-controller';

export interface NamespaceControllerOptions {
  /** Delay before the first pass on a namespace seen deleted; default 5000 (kube). */
  deletionGracePeriodMs?: number;
  /** Delay of the recheck a content deletion triggers; default 1000. */
  contentRecheckMs?: number;
  /** Served kinds (default api/registry.ts). */
  resources?: readonly ResourceType[];
  /** Default 2 (kube's --concurrent-namespace-syncs is 10). */
  workers?: number;
}

const terminating = (ns: KubeObject | undefined): boolean => !!ns?.metadata.deletionTimestamp;

export function startNamespaceController(ctx: ControllerContext, opts: NamespaceControllerOptions = {}): RunningController {
  const graceMs = opts.deletionGracePeriodMs ?? 5_000;
  const recheckMs = opts.contentRecheckMs ?? 1_000;
  const contentResources = namespacedContentResources(opts.resources ?? servedResources);
  const namespaces = ctx.informers.informerFor(namespaceResource);
  const deps: NamespaceDeleterDeps = { client: ctx.client, clock: ctx.clock, logger: ctx.logger, contentResources, customResources: () => listCustomResources(ctx.client) };

  const ctl = startQueueController(ctx, {
    name: NAMESPACE_CONTROLLER_NAME,
    reconcile: (name) => syncNamespace(deps, name),
    waitFor: [namespaces],
    workers: opts.workers ?? 2,
  });

  const enqueue = (ns: KubeObject): void => {
    if (terminating(ns)) ctl.queue.addAfter(ns.metadata.name!, graceMs);
  };
  namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });

  // Content going away in a Terminating namespace: look again soon (an earlier pending
  // recheck wins, so a burst of deletions costs one pass).
  for (const rt of contentResources) {
    if (rt.kind === 'Event') continue;
    ctx.informers.informerFor(rt).addEventHandler({
      onDelete: (obj) => {
        const name = obj.metadata.namespace;
        if (name && terminating(namespaces.store.get(name))) ctl.queue.addAfter(name, recheckMs);
      },
    });
  }
  return ctl;
}

/** A descriptor with options (tests shorten the grace period). */
export function namespaceControllerWith(opts: NamespaceControllerOptions): ControllerDescriptor {
  return { name: NAMESPACE_CONTROLLER_NAME, serviceAccounts: ['namespace-controller'], start: (ctx) => startNamespaceController(ctx, opts) };
}

export const namespaceController: ControllerDescriptor = namespaceControllerWith({});
