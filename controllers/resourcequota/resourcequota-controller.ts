import type { KubeObject, ResourceType } from '../../api/types.js';
import { findResource } from '../../api/registry.js';
import { configMapResource } from '../../api/core/configmap.js';
import { persistentVolumeClaimResource } from '../../api/core/persistent-volume.js';
import { podResource } from '../../api/core/pod.js';
import { replicationControllerResource } from '../../api/core/replication-controller.js';
import { resourceQuotaResource, type ResourceQuota } from '../../api/core/resource-quota.js';
import { secretResource } from '../../api/core/secret.js';
import { serviceResource } from '../../api/core/service.js';
import { objectUsage } from '../../api/core/quota-usage.js';
import { deepEqual } from '../../api/validation.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import type { Informer } from '../../client/informer.js';
import { NAMESPACE_INDEX, clone, objectKey } from '../../client/store.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { countedKinds, quotaStatus, statusChanged } from './quota-status.js';

/**
 * kube's resourcequota controller: keeps every ResourceQuota's status (hard = spec.hard,
 * used = what the namespace's objects use) and replenishes it when objects go or stop
 * counting (a pod that finished, a deleted Service). The core kinds quotas usually
 * restrict are followed by informers; other `count/<resource>.<group>` kinds are listed
 * at each sync and re-synced periodically.
 */

export const RESOURCE_QUOTA_CONTROLLER = 'resourcequota-controller';
/** kube's --resource-quota-sync-period is 5 min; kinds without an informer are recounted sooner. */
export const FULL_RESYNC_MS = 5 * 60_000;
export const COUNT_RESYNC_MS = 15_000;

const FOLLOWED: readonly ResourceType[] = [podResource, serviceResource, configMapResource, secretResource, persistentVolumeClaimResource, replicationControllerResource, resourceQuotaResource];

export function startResourceQuotaController(ctx: ControllerContext): RunningController {
  const { client } = ctx;
  const informers = new Map<ResourceType, Informer>(FOLLOWED.map((rt) => [rt, ctx.informers.informerFor(rt)]));
  const quotas = informers.get(resourceQuotaResource)!;

  const reconcile = async (key: string) => {
    const quota = quotas.store.get(key) as unknown as ResourceQuota | undefined;
    if (!quota) return;
    const namespace = quota.metadata.namespace!;
    const listed = new Map<string, KubeObject[]>();
    const extra = countedKinds(quota)
      .filter((k) => !FOLLOWED.some((rt) => rt.group === k.group && rt.plural === k.plural))
      .map((k) => findResource(k.group, k.plural))
      .filter((rt): rt is ResourceType => rt !== undefined);
    for (const rt of extra) {
      try {
        listed.set(`${rt.group}/${rt.plural}`, (await client.listAll(rt, { namespace })).items);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const next = quotaStatus(quota, [...FOLLOWED, ...extra], (rt) => {
      const inf = [...informers.entries()].find(([t]) => t.group === rt.group && t.plural === rt.plural)?.[1];
      if (inf) return inf.store.byIndex(NAMESPACE_INDEX, namespace);
      return listed.get(`${rt.group}/${rt.plural}`) ?? [];
    });
    if (statusChanged(quota, next)) {
      const updated = clone(quota as unknown as KubeObject) as unknown as ResourceQuota;
      updated.status = next;
      try {
        await client.updateStatus(resourceQuotaResource, updated as unknown as KubeObject);
      } catch (err) {
        if (isNotFound(err)) return;
        // Admission charged the quota meanwhile: recount from the new state.
        if (isConflict(err)) return { requeueAfterMs: 0 };
        throw err;
      }
    }
    return { requeueAfterMs: extra.length > 0 ? COUNT_RESYNC_MS : FULL_RESYNC_MS };
  };

  const ctl = startQueueController(ctx, { name: RESOURCE_QUOTA_CONTROLLER, reconcile, waitFor: [...informers.values()] });
  const enqueueNamespace = (ns: string | undefined) => {
    if (!ns) return;
    for (const q of quotas.store.byIndex(NAMESPACE_INDEX, ns)) ctl.queue.add(objectKey(q));
  };
  quotas.addEventHandler({
    onAdd: (q) => ctl.queue.add(objectKey(q)),
    onUpdate: (old, q) => {
      if (!deepEqual(old.spec, q.spec) || !deepEqual((old.status as { hard?: unknown } | undefined)?.hard, (q.status as { hard?: unknown } | undefined)?.hard)) ctl.queue.add(objectKey(q));
    },
  });
  for (const [rt, inf] of informers) {
    if (rt === resourceQuotaResource) {
      // Quotas count quotas too (`resourcequotas`): a new or deleted one recounts its siblings.
      inf.addEventHandler({ onAdd: (o) => enqueueNamespace(o.metadata.namespace), onDelete: (o) => enqueueNamespace(o.metadata.namespace) });
      continue;
    }
    inf.addEventHandler({
      onAdd: (o) => enqueueNamespace(o.metadata.namespace),
      // Only a change of what the object uses (a pod finishing, a Service changing type) matters.
      onUpdate: (old, o) => {
        if (!deepEqual(objectUsage(rt, old), objectUsage(rt, o))) enqueueNamespace(o.metadata.namespace);
      },
      onDelete: (o) => enqueueNamespace(o.metadata.namespace),
    });
  }
  return ctl;
}

export const resourceQuotaController: ControllerDescriptor = {
  name: RESOURCE_QUOTA_CONTROLLER,
  serviceAccounts: ['resourcequota-controller'],
  eventSource: 'resourcequota-controller',
  start: startResourceQuotaController,
};
