import { endpointsResource, type Endpoints } from '../../api/core/endpoints.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { serviceResource, type Service } from '../../api/core/service.js';
import { isNotFound } from '../../client/api-error.js';
import type { ReconcileResult } from '../../client/controller-runner.js';
import type { Informer } from '../../client/informer.js';
import { objectKey, splitKey } from '../../client/store.js';
import { enqueueAll, startQueueController } from '../runner.js';
import { isNamespaceTerminating } from '../serviceaccount/serviceaccounts-controller.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { desiredSubsets } from './desired-subsets.js';
import { endpointsToWrite } from './endpoints-object.js';
import { managesEndpoints } from './pod-endpoint-util.js';
import { podsSelectedBy, podToServiceHandlers } from './service-membership.js';
import { TriggerTimeTracker } from './trigger-time-tracker.js';

/**
 * kube's endpoints controller (pkg/controller/endpoint): keeps, for every Service with a
 * selector (and not ExternalName), an Endpoints object of the same name listing the
 * matching pods (desired-subsets.ts, endpoints-object.ts). Services without a selector
 * (such as default/kubernetes) are left alone: their Endpoints are the user's. When a
 * Service goes, its Endpoints are deleted; once the caches have synced, every existing
 * Endpoints is checked once, so those whose Service went while the controller was down go
 * too (leader-election records excepted).
 *
 * One reconcile(key) per Service key. Pod events enqueue the Services selecting the pod
 * (before and after the change); deleting an Endpoints enqueues its Service, so a managed
 * one is recreated at once.
 */

export const ENDPOINTS_CONTROLLER_NAME = 'endpoints-controller';
/** kube's event source for this controller. */
export const ENDPOINTS_EVENT_SOURCE = 'endpoint-controller';
/** --concurrent-endpoint-syncs default. */
const WORKERS = 5;
/** Endpoints used as leader-election locks carry this; they never have a Service. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export interface EndpointsController extends RunningController {
  reconcile(key: string): Promise<ReconcileResult>;
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function startEndpointsController(ctx: ControllerContext): EndpointsController {
  const { client, recorder } = ctx;
  const log = ctx.logger;
  const services: Informer<Service> = ctx.informers.informerFor<Service>(serviceResource);
  const pods: Informer<Pod> = ctx.informers.informerFor<Pod>(podResource);
  const endpoints: Informer<Endpoints> = ctx.informers.informerFor<Endpoints>(endpointsResource);
  const triggerTimes = new TriggerTimeTracker();
  /**
   * The resourceVersion each Endpoints had before our last update of it: seeing it again in
   * the cache means the cache is behind our own write, so the sync waits and retries
   * (kube's staleEndpointsTracker).
   */
  const staleVersions = new Map<string, string>();

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const { namespace, name } = splitKey(key);
    const svc = services.store.get(key);
    if (!svc) {
      // The Service is gone: so is its Endpoints. (Missed while down: see onSynced.)
      try {
        await client.delete(endpointsResource, name, { namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      triggerTimes.deleteService(namespace, name);
      staleVersions.delete(key);
      return;
    }
    if (!managesEndpoints(svc)) return;

    const selected = podsSelectedBy(svc, pods.store);
    // Computed on every sync so the tracker's state moves even when nothing is written.
    const triggerTime = triggerTimes.compute(svc, selected);
    const { subsets, ready, notReady } = desiredSubsets(svc, selected);

    const current = endpoints.store.get(key);
    if (current && staleVersions.get(key) === current.metadata.resourceVersion) {
      throw new Error(`endpoints informer cache is out of date, resource version ${current.metadata.resourceVersion} already processed for endpoints ${key}`);
    }
    const next = endpointsToWrite(svc, current, subsets, triggerTime);
    if (!next) return;

    log.debug({ service: key, readyEndpoints: ready, notReadyEndpoints: notReady }, 'update endpoints');
    try {
      if (!current) {
        await client.create<Endpoints>(endpointsResource, next);
      } else {
        const updated = await client.update<Endpoints>(endpointsResource, next);
        if (updated.metadata.resourceVersion !== current.metadata.resourceVersion) staleVersions.set(key, current.metadata.resourceVersion ?? '');
      }
    } catch (err) {
      // A terminating namespace refuses creates for good: drop the key.
      if (!current && isNamespaceTerminating(err)) return;
      if (!current) recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${errorMessage(err)}`);
      else recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${errorMessage(err)}`);
      throw err;
    }
  };

  const queueCtl = startQueueController(ctx, {
    name: ENDPOINTS_CONTROLLER_NAME,
    reconcile,
    waitFor: [services, pods, endpoints],
    workers: WORKERS,
    // checkLeftoverEndpoints: every Endpoints once, so orphans of deleted Services go.
    onSynced: () => {
      for (const ep of endpoints.store.list()) {
        if (ep.metadata.annotations?.[LEADER_ANNOTATION] !== undefined) continue;
        queueCtl.queue.add(objectKey(ep));
      }
    },
  });
  const { queue } = queueCtl;


  services.addEventHandler(enqueueAll<Service>(queue));
  pods.addEventHandler(podToServiceHandlers(services.store, queue));
  endpoints.addEventHandler({ onDelete: (ep) => queue.add(objectKey(ep)) });

  return { reconcile, stop: () => queueCtl.stop() };
}

export const endpointsController: ControllerDescriptor = {
  name: ENDPOINTS_CONTROLLER_NAME,
  serviceAccounts: ['endpoint-controller'],
  eventSource: ENDPOINTS_EVENT_SOURCE,
  start: startEndpointsController,
};
