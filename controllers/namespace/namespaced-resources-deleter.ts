import { namespaceResource, FinalizerKubernetes, type Namespace } from '../../api/core/namespace.js';
import { podResource } from '../../api/core/pod.js';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { updateWithRetry } from '../garbage-collector/update-with-retry.js';
import { podTerminationEstimate, recheckDelayMs, remainingName, resourceOutcome } from './content-estimate.js';
import { failureConditions, mergeConditions, type DeletionReport } from './namespace-conditions.js';

/**
 * kube's namespacedResourcesDeleter: empties a Terminating namespace and then removes
 * the `kubernetes` finalizer from spec.finalizers through the finalize subresource, after
 * which the apiserver deletes the namespace.
 *
 * One pass (syncNamespace) deletes every namespaced kind's collection with Background
 * propagation, lists what is left, records the outcome in the namespace's status
 * conditions, and either finalizes (nothing left) or asks to be called again: after
 * estimate/2 + 1 s when content is still going (pods in their grace period, objects
 * held by finalizers), with backoff when a deletion failed.
 */

export interface NamespaceDeleterDeps {
  client: RestClient;
  clock: Clock;
  logger: Logger;
  /** Every kind whose objects live in namespaces and can be listed and deleted. */
  contentResources: readonly ResourceType[];
  /** Custom kinds (CRDs) served now, asked for on every pass: they come and go. */
  customResources?: () => Promise<ResourceType[]>;
}

/** Served kinds a namespace can hold that the deleter must empty. */
export function namespacedContentResources(resources: readonly ResourceType[]): ResourceType[] {
  return resources.filter((rt) => rt.namespaced && rt.verbs.includes('list') && (rt.verbs.includes('deletecollection') || rt.verbs.includes('delete')));
}

const formatTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Deletes one kind's collection in the namespace and reports what is left. */
async function deleteResourceContent(deps: NamespaceDeleterDeps, rt: ResourceType, namespace: string) {
  const { client } = deps;
  // Pods: how long their graceful termination may take, judged before they are deleted.
  const estimate = rt.group === podResource.group && rt.kind === podResource.kind ? podTerminationEstimate((await client.listAll(rt, { namespace })).items) : 0;
  if (rt.verbs.includes('deletecollection')) {
    await client.deleteCollection(rt, { namespace, propagationPolicy: 'Background' });
  } else {
    for (const item of (await client.listAll(rt, { namespace })).items) {
      try {
        await client.delete(rt, item.metadata.name!, { namespace, propagationPolicy: 'Background' });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
  const left = (await client.listAll(rt, { namespace })).items;
  return resourceOutcome(rt, namespace, estimate, left);
}

/**
 * kube's deleteAllContent: every kind is attempted even when one fails. Resolves the
 * longest estimate and the report the status conditions are made from.
 */
export async function deleteAllContent(deps: NamespaceDeleterDeps, namespace: string): Promise<{ estimateSeconds: number; report: DeletionReport }> {
  const report: DeletionReport = { contentErrors: [], remaining: new Map(), finalizers: new Map() };
  let estimateSeconds = 0;
  const known = new Set(deps.contentResources.map((rt) => `${rt.group}/${rt.plural}`));
  const custom = namespacedContentResources((await deps.customResources?.()) ?? []).filter((rt) => !known.has(`${rt.group}/${rt.plural}`));
  for (const rt of [...deps.contentResources, ...custom]) {
    try {
      const outcome = await deleteResourceContent(deps, rt, namespace);
      if (outcome.error) report.contentErrors.push(outcome.error);
      estimateSeconds = Math.max(estimateSeconds, outcome.estimateSeconds);
      if (outcome.numRemaining > 0) {
        report.remaining.set(remainingName(rt), outcome.numRemaining);
        for (const [f, n] of outcome.finalizers) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + n);
      }
    } catch (err) {
      report.contentErrors.push(message(err));
    }
  }
  return { estimateSeconds, report };
}

/** Thrown when content could not be deleted; the queue retries with backoff. */
export class ContentDeletionError extends Error {}

/**
 * One pass over namespace `name` (kube's namespacedResourcesDeleter.Delete). Resolves
 * with a recheck delay while content remains; rejects when a deletion failed.
 */
export async function syncNamespace(deps: NamespaceDeleterDeps, name: string): Promise<ReconcileResult> {
  const { client, logger: log } = deps;
  let ns: Namespace;
  try {
    ns = await client.get<KubeObject>(namespaceResource, name) as unknown as Namespace;
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (!ns.metadata.deletionTimestamp) return;
  const target = { name, uid: ns.metadata.uid };

  if (ns.status?.phase !== 'Terminating') {
    const updated = await updateWithRetry<KubeObject>(
      client,
      namespaceResource,
      target,
      (o) => {
        const n = o as unknown as Namespace;
        if (n.status?.phase === 'Terminating') return null;
        n.status = { ...(n.status ?? {}), phase: 'Terminating' };
        return o;
      },
      { first: ns as unknown as KubeObject, write: (next) => client.updateStatus(namespaceResource, next) },
    );
    if (updated) ns = updated as unknown as Namespace;
  }
  // Already finalized by us: the apiserver removes it once other finalizers are done.
  if (!(ns.spec?.finalizers ?? []).includes(FinalizerKubernetes)) return;

  const { estimateSeconds, report } = await deleteAllContent(deps, name);

  // Always reconciled, so an earlier failure reads as resolved once it is.
  const failures = failureConditions(report);
  try {
    await updateWithRetry<KubeObject>(
      client,
      namespaceResource,
      target,
      (o) => {
        const n = o as unknown as Namespace;
        const merged = mergeConditions(n.status?.conditions ?? undefined, failures, formatTime(deps.clock.now()));
        if (!merged.changed) return null;
        n.status = { ...(n.status ?? {}), conditions: merged.conditions };
        return o;
      },
      { write: (next) => client.updateStatus(namespaceResource, next) },
    );
  } catch (err) {
    log.warn({ err, namespace: name }, 'could not update namespace status conditions');
  }

  if (report.contentErrors.length > 0) {
    throw new ContentDeletionError(`failed to delete content of namespace ${name}: ${report.contentErrors.join('; ')}`);
  }
  if (estimateSeconds > 0) {
    log.debug({ namespace: name, estimateSeconds, remaining: Object.fromEntries(report.remaining) }, 'namespace content still terminating');
    return { requeueAfterMs: recheckDelayMs(estimateSeconds) };
  }

  await updateWithRetry<KubeObject>(
    client,
    namespaceResource,
    target,
    (o) => {
      const n = o as unknown as Namespace;
      const finalizers = n.spec?.finalizers ?? [];
      if (!finalizers.includes(FinalizerKubernetes)) return null;
      n.spec = { ...(n.spec ?? {}), finalizers: finalizers.filter((f) => f !== FinalizerKubernetes) };
      return o;
    },
    { write: (next) => client.updateSubresource(namespaceResource, name, 'finalize', next) },
  );
  log.info({ namespace: name }, 'namespace content removed; finalized');
}
