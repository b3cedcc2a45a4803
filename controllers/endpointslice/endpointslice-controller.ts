import { nodeResource, type Node } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { serviceResource, type Service } from '../../api/core/service.js';
import { endpointSliceResource, type EndpointSlice } from '../../api/discovery/endpointslice.js';
import { isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { splitKey } from '../../client/store.js';
import { managesEndpoints } from '../endpoints/pod-endpoint-util.js';
import { podsSelectedBy, podToServiceHandlers } from '../endpoints/service-membership.js';
import { TriggerTimeTracker } from '../endpoints/trigger-time-tracker.js';
import { enqueueAll, startQueueController } from '../runner.js';
import { isNamespaceTerminating } from '../serviceaccount/serviceaccounts-controller.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { planSlices, type SlicePlan } from './reconcile-slices.js';
import { managedByController, serviceKeyOfSlice, SERVICE_NAME_LABEL } from './slice-meta.js';
import { EndpointSliceTracker } from './slice-tracker.js';

/**
 * kube's EndpointSlice controller (pkg/controller/endpointslice): for every Service with
 * a selector (and not ExternalName), EndpointSlices labelled
 * `kubernetes.io/service-name=<svc>` and `endpointslice.kubernetes.io/managed-by=
 * endpointslice-controller.k8s.io`, owned by the Service, listing the matching pods
 * (reconcile-slices.ts decides; this file only reads caches and writes). When the Service
 * goes, its slices go with it through the garbage collector (their owner reference), as
 * in kube. Slices of a Service being deleted are updated or deleted but never created.
 *
 * One reconcile(key) per Service key. Pod events enqueue the Services selecting the pod;
 * a change to a managed slice that is not our own last write (someone edited or deleted
 * it) enqueues its Service. A sync whose slice cache is behind our own writes is retried
 * with backoff instead of acting (slice-tracker.ts).
 */

export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller';
/** kube's event source for this controller. */
export const ENDPOINTSLICE_EVENT_SOURCE = 'endpoint-slice-controller';
/** --max-endpoints-per-slice default. */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
/** --concurrent-service-endpoint-syncs default. */
const WORKERS = 5;
const SERVICE_KEY_INDEX = 'endpointslice.serviceKey';

export interface EndpointSliceControllerOptions {
  maxEndpointsPerSlice?: number;
}

export interface EndpointSliceController extends RunningController {
  reconcile(key: string): Promise<ReconcileResult>;
}

export class StaleInformerCacheError extends Error {}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function startEndpointSliceController(ctx: ControllerContext, opts: EndpointSliceControllerOptions = {}): EndpointSliceController {
  const { client, recorder } = ctx;
  const maxEndpointsPerSlice = opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
  const services: Informer<Service> = ctx.informers.informerFor<Service>(serviceResource);
  const pods: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  const nodes: Informer<Node> = ctx.informers.informerFor<Node>(nodeResource);
  const slices: Informer<EndpointSlice> = ctx.informers.informerFor<EndpointSlice>(endpointSliceResource);
  slices.addIndexer(SERVICE_KEY_INDEX, (s) => {
    const k = serviceKeyOfSlice(s);
    return k ? [k] : [];
  });
  const tracker = new EndpointSliceTracker();
  const triggerTimes = new TriggerTimeTracker();

  const apply = async (svc: Service, plan: SlicePlan): Promise<void> => {
    const namespace = svc.metadata.namespace;
    // Creating beside the garbage collector deleting would only race it.
    if (!svc.metadata.deletionTimestamp) {
      for (const s of plan.create) {
        try {
          tracker.update(await client.create<EndpointSlice>(endpointSliceResource, s, { namespace }));
        } catch (err) {
          if (isNamespaceTerminating(err)) return;
          throw new Error(`failed to create EndpointSlice for Service ${namespace}/${svc.metadata.name}: ${errorMessage(err)}`, { cause: err });
        }
      }
    }
    for (const s of plan.update) {
      try {
        tracker.update(await client.update<EndpointSlice>(endpointSliceResource, s, { namespace }));
      } catch (err) {
        throw new Error(`failed to update ${s.metadata.name} EndpointSlice for Service ${namespace}/${svc.metadata.name}: ${errorMessage(err)}`, { cause: err });
      }
    }
    for (const s of plan.delete) {
      try {
        await client.delete(endpointSliceResource, s.metadata.name!, { namespace });
      } catch (err) {
        if (!isNotFound(err)) throw new Error(`failed to delete ${s.metadata.name} EndpointSlice for Service ${namespace}/${svc.metadata.name}: ${errorMessage(err)}`, { cause: err });
      }
      tracker.expectDeletion(s);
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const { namespace, name } = splitKey(key);
    const svc = services.store.get(key);
    if (!svc) {
      // Its slices follow through the garbage collector (owner reference).
      triggerTimes.deleteService(namespace, name);
      tracker.deleteService(namespace, name);
      return;
    }
    if (!managesEndpoints(svc)) return;

    const selected = podsSelectedBy(svc, pods.store);
    const existing = slices.store
      .byIndex(SERVICE_KEY_INDEX, key)
      .filter((s) => managedByController(s) && !s.metadata.deletionTimestamp)
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
    if (tracker.staleSlices(svc, existing)) throw new StaleInformerCacheError('EndpointSlice informer cache is out of date');
    const triggerTime = triggerTimes.compute(svc, selected);

    const plan = planSlices({
      service: svc,
      pods: selected,
      existing,
      node: (n) => nodes.store.get(n),
      maxEndpointsPerSlice,
      triggerTime,
    });
    if (plan.create.length + plan.update.length + plan.delete.length > 0) {
      ctx.logger.debug({ service: key, create: plan.create.length, update: plan.update.length, delete: plan.delete.length }, 'reconciling endpoint slices');
    }
    try {
      await apply(svc, plan);
      if (plan.errors.length > 0) throw new Error(plan.errors.join(', '));
    } catch (err) {
      recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${errorMessage(err)}`);
      throw err;
    }
  };

  const queueCtl = startQueueController(ctx, {
    name: ENDPOINTSLICE_CONTROLLER_NAME,
    reconcile,
    waitFor: [services, pods, nodes, slices],
    workers: WORKERS,
  });
  const { queue } = queueCtl;

  const enqueueSliceService = (s: EndpointSlice): void => {
    const k = serviceKeyOfSlice(s);
    if (k) queue.add(k);
  };

  services.addEventHandler(enqueueAll<Service>(queue));
  pods.addEventHandler(podToServiceHandlers(services.store, queue));
  slices.addEventHandler({
    onAdd: (s) => {
      if (managedByController(s) && tracker.shouldSync(s)) enqueueSliceService(s);
    },
    onUpdate: (prev, cur) => {
      // Labels do not bump the generation: a slice moved to another Service or manager is
      // forgotten by the tracker and both sides resync.
      if (prev.metadata.labels?.[SERVICE_NAME_LABEL] !== cur.metadata.labels?.[SERVICE_NAME_LABEL] || managedByController(prev) !== managedByController(cur)) {
        tracker.handleDeletion(prev);
        enqueueSliceService(prev);
        enqueueSliceService(cur);
        return;
      }
      if (managedByController(cur) && tracker.shouldSync(cur)) enqueueSliceService(cur);
    },
    onDelete: (s) => {
      // Our own deletes were expected; any other loss of a managed slice is repaired.
      if (managedByController(s) && !tracker.handleDeletion(s)) enqueueSliceService(s);
    },
  });

  return { reconcile, stop: () => queueCtl.stop() };
}

export const endpointSliceController: ControllerDescriptor = {
  name: ENDPOINTSLICE_CONTROLLER_NAME,
  serviceAccounts: ['endpointslice-controller'],
  eventSource: ENDPOINTSLICE_EVENT_SOURCE,
  start: (ctx) => startEndpointSliceController(ctx),
};
