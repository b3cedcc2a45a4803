import { hpaResource } from '../api/autoscaling/hpa.js';
import type { HorizontalPodAutoscaler, MetricStatus } from '../api/autoscaling/hpa-schemas.js';
import type { Scale } from '../api/autoscaling/scale.js';
import { podResource, type Pod } from '../api/core/pod.js';
import { matchesLabels, parseLabelSelector, type LabelRequirement } from '../api/selector.js';
import type { KubeObject } from '../api/types.js';
import { isNotFound } from '../client/api-error.js';
import { runController, type ControllerHandle } from '../client/controller-runner.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { Informer } from '../client/informer.js';
import type { RateLimiter } from '../client/rate-limiter.js';
import type { RestClient } from '../client/rest-client.js';
import { clone, NAMESPACE_INDEX, objectKey, splitKey } from '../client/store.js';
import { createWorkQueue, type WorkQueue } from '../client/work-queue.js';
import type { ControllerDescriptor, RunningController } from '../controllers/types.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { emptyHistory, normalizeLegacy, normalizeWithBehavior, recordScaleEvent, type ScaleHistory } from './behavior.js';
import { computeReplicasForMetrics, type Condition } from './compute-metrics.js';
import { metaTime, setCondition } from './conditions.js';
import type { MetricsClient } from './metrics-client.js';
import { defaultCalculatorConfig, type CalculatorConfig } from './replica-calculator.js';
import { gvrString, parseGroupVersion, type RestMapper } from './rest-mapper.js';

/**
 * kube's horizontal-pod-autoscaler controller (pkg/controller/podautoscaler/horizontal.go):
 * every sync period, per HPA, read the target's scale subresource, compute a proposal
 * from the metrics, stabilize and limit it, write the new scale when it changed, and
 * write the status (currentMetrics, replicas, lastScaleTime, the AbleToScale,
 * ScalingActive and ScalingLimited conditions) with kube's reasons and events.
 *
 * The queue holds HPA keys with a fixed-interval rate limiter, as kube's: a new or
 * changed HPA is looked at one sync period later, never more often, so its own status
 * writes do not make it spin. A failing HPA (missing target, no metrics) is logged and
 * tried again next period; the others are not held up. Recommendations and scale events
 * live in memory per key (kube does the same: a restarted controller starts afresh).
 */

export const HPA_CONTROLLER_NAME = 'horizontal-pod-autoscaler-controller';
/** The event source kube's HPA records as. */
export const HPA_EVENT_SOURCE = 'horizontal-pod-autoscaler';

export interface HpaControllerConfig extends CalculatorConfig {
  /** --horizontal-pod-autoscaler-sync-period; default 15 s. */
  syncPeriodMs: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization; default 5 min. */
  downscaleStabilizationMs: number;
  /** Concurrent HPA syncs (kube's --concurrent-horizontal-pod-autoscaler-syncs, default 5). */
  workers: number;
}

export const defaultHpaControllerConfig: HpaControllerConfig = {
  ...defaultCalculatorConfig,
  syncPeriodMs: 15_000,
  downscaleStabilizationMs: 5 * 60_000,
  workers: 5,
};

export interface HpaControllerDeps {
  client: RestClient;
  pods: Pick<Informer<Pod>, 'store'>;
  hpas: Pick<Informer<HorizontalPodAutoscaler>, 'store'>;
  metrics: MetricsClient;
  mapper: RestMapper;
  recorder: EventRecorder;
  clock: Clock;
  logger: Logger;
  config: HpaControllerConfig;
}

export interface HpaReconciler {
  /** One sync of one HPA; resolves true when the HPA no longer exists. Never throws. */
  reconcile(key: string): Promise<boolean>;
  /** The in-memory history of an HPA (tests and benchmarks read it). */
  history(key: string): ScaleHistory | undefined;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Deep equality of two JSON values, an absent member equal to an undefined one: decides
 * whether the status changed and needs writing (kube's updateStatusIfNeeded). Runs for
 * every HPA on every sync, so it compares in place instead of serializing.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of Object.keys(ao)) if (!sameJson(ao[k], bo[k])) return false;
  for (const k of Object.keys(bo)) if (!(k in ao) && bo[k] !== undefined) return false;
  return true;
}

export function createHpaReconciler(deps: HpaControllerDeps): HpaReconciler {
  const { client, recorder, clock, config } = deps;
  const histories = new Map<string, ScaleHistory>();

  const podsFor = (namespace: string, selector: LabelRequirement[]): Pod[] =>
    deps.pods.store.byIndex(NAMESPACE_INDEX, namespace).filter((p) => matchesLabels(selector, p.metadata.labels));

  const reconcileAutoscaler = async (hpa: HorizontalPodAutoscaler, key: string): Promise<void> => {
    const log = deps.logger.child({ hpa: key });
    const original = clone(hpa.status);
    const now = clock.now();
    const nowTime = metaTime(now);
    const status = (hpa.status ??= {});
    const spec = hpa.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    const reference = `${ref.kind ?? ''}/${hpa.metadata.namespace ?? ''}/${ref.name ?? ''}`;
    const cond = (c: Condition): void => {
      status.conditions = setCondition(status.conditions, c, nowTime);
    };
    const event = (type: 'Normal' | 'Warning', reason: string, message: string): void => recorder.event(hpa, type, reason, message);
    const writeStatus = async (): Promise<void> => {
      if (sameJson(hpa.status, original)) return;
      try {
        await client.updateStatus<HorizontalPodAutoscaler>(hpaResource, hpa);
      } catch (err) {
        log.warn({ err: errorText(err) }, 'failed to update the HPA status');
      }
    };
    /** setCurrentReplicasAndMetricsInStatus: desiredReplicas and lastScaleTime kept. */
    const setCurrent = (currentReplicas: number, metrics: MetricStatus[] | null): void => {
      hpa.status = {
        currentReplicas,
        desiredReplicas: status.desiredReplicas ?? 0,
        ...(status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
        currentMetrics: metrics,
        conditions: status.conditions,
      };
    };
    const failedGetScale = async (message: string): Promise<void> => {
      event('Warning', 'FailedGetScale', message);
      cond({ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${message}` });
      setCurrent(status.currentReplicas ?? 0, status.currentMetrics ?? null);
      await writeStatus();
    };

    // The scale target: apiVersion's group and the kind, through discovery.
    const gv = parseGroupVersion(ref.apiVersion);
    if (!gv.ok) return failedGetScale(gv.error);
    const mapped = await deps.mapper.scaleMapping(gv.group, ref.kind ?? '');
    if (!mapped.ok) return failedGetScale(mapped.error);
    const target = mapped.mapping;
    if (!target.hasScale) return failedGetScale(`could not find scale subresource for ${gvrString(target.ref)} in discovery information`);
    let scale: Scale;
    try {
      scale = await client.getSubresource<Scale>(target.ref, ref.name ?? '', 'scale', { namespace: hpa.metadata.namespace });
    } catch (err) {
      return failedGetScale(errorText(err));
    }
    cond({ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" });

    const currentReplicas = scale.spec?.replicas ?? 0;
    if (!histories.has(key)) histories.set(key, { ...emptyHistory(), recommendations: [{ replicas: currentReplicas, atMs: now }] });
    const minReplicas = spec.minReplicas ?? 1;
    const maxReplicas = spec.maxReplicas ?? 0;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] | null = status.currentMetrics ?? null;

    if (currentReplicas === 0 && minReplicas !== 0) {
      // A target scaled to zero by hand turns autoscaling off until it is scaled up again.
      rescale = false;
      cond({ type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      // validateAndParseSelector
      const selectorText = scale.status?.selector ?? '';
      if (selectorText === '') {
        event('Warning', 'SelectorRequired', 'selector is required');
        cond({ type: 'ScalingActive', status: 'False', reason: 'InvalidSelector', message: "the HPA target's scale is missing a selector" });
        setCurrent(currentReplicas, metricStatuses);
        await writeStatus();
        return;
      }
      let selector: LabelRequirement[];
      try {
        selector = parseLabelSelector(selectorText);
      } catch (err) {
        const message = `couldn't convert selector into a corresponding internal selector object: ${errorText(err)}`;
        event('Warning', 'InvalidSelector', message);
        cond({ type: 'ScalingActive', status: 'False', reason: 'InvalidSelector', message });
        setCurrent(currentReplicas, metricStatuses);
        await writeStatus();
        return;
      }
      const outcome = await computeReplicasForMetrics(
        {
          hpa,
          specReplicas: currentReplicas,
          statusReplicas: scale.status?.replicas ?? 0,
          selector: selectorText,
          pods: podsFor(hpa.metadata.namespace ?? '', selector),
          metrics: deps.metrics,
          config,
          now,
        },
        spec.metrics ?? [],
      );
      for (const e of outcome.events) event(e.type, e.reason, e.message);
      cond(outcome.condition);
      metricStatuses = outcome.statuses;
      if (!outcome.ok) {
        // No proposal: nothing is scaled on partial or missing data.
        setCurrent(currentReplicas, metricStatuses);
        await writeStatus();
        event('Warning', 'FailedComputeMetricsReplicas', outcome.error);
        log.info({ reason: outcome.error }, 'failed to compute desired number of replicas');
        return;
      }
      if (outcome.partialError) log.info({ reason: outcome.partialError }, 'some metrics are invalid; scaling on the others');
      let rescaleMetric = '';
      if (outcome.replicas > desiredReplicas) {
        desiredReplicas = outcome.replicas;
        rescaleMetric = outcome.metricName;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';

      const history = histories.get(key)!;
      const normalized = spec.behavior
        ? normalizeWithBehavior({
            history,
            behavior: spec.behavior,
            current: currentReplicas,
            desired: desiredReplicas,
            min: minReplicas,
            max: maxReplicas,
            downscaleStabilizationMs: config.downscaleStabilizationMs,
            now,
          })
        : normalizeLegacy({
            history: history.recommendations,
            current: currentReplicas,
            desired: desiredReplicas,
            min: minReplicas,
            max: maxReplicas,
            downscaleStabilizationMs: config.downscaleStabilizationMs,
            now,
          });
      histories.set(key, { ...history, recommendations: normalized.recommendations });
      cond({ type: 'AbleToScale', ...normalized.ableToScale });
      cond({ type: 'ScalingLimited', ...normalized.scalingLimited });
      desiredReplicas = normalized.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      const next: Scale = { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } };
      try {
        await client.updateSubresource(target.ref, ref.name ?? '', 'scale', next as KubeObject, { namespace: hpa.metadata.namespace });
      } catch (err) {
        event('Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${errorText(err)}`);
        cond({ type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message: `the HPA controller was unable to update the target scale: ${errorText(err)}` });
        setCurrent(currentReplicas, metricStatuses);
        await writeStatus();
        log.warn({ reference, err: errorText(err) }, 'failed to rescale');
        return;
      }
      cond({ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desiredReplicas}` });
      event('Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      histories.set(key, recordScaleEvent(histories.get(key) ?? emptyHistory(), spec.behavior, currentReplicas, desiredReplicas, now));
      log.info({ reference, currentReplicas, desiredReplicas, reason: rescaleReason }, 'successfully rescaled');
    } else {
      desiredReplicas = currentReplicas;
    }

    // setStatus
    hpa.status = {
      currentReplicas,
      desiredReplicas,
      ...(rescale ? { lastScaleTime: nowTime } : status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
      currentMetrics: metricStatuses,
      conditions: status.conditions,
    };
    await writeStatus();
  };

  return {
    history: (key) => histories.get(key),
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      const cached = deps.hpas.store.getByName(namespace, name);
      if (!cached) {
        histories.delete(key);
        return true;
      }
      try {
        await reconcileAutoscaler(clone(cached), key);
      } catch (err) {
        // A bug or an unexpected answer must not stop the other HPAs: log, retry next period.
        if (isNotFound(err)) deps.logger.debug({ hpa: key }, 'object vanished during sync');
        else deps.logger.error({ hpa: key, err }, 'HPA sync failed');
      }
      return false;
    },
  };
}

/** client-go's FixedItemIntervalRateLimiter (kube's NewDefaultHPARateLimiter): every key waits the sync period. */
export function fixedIntervalRateLimiter(intervalMs: number): RateLimiter {
  return { when: () => intervalMs, forget: () => {}, numRequeues: () => 0 };
}

export interface HpaLoop extends RunningController {
  readonly queue: WorkQueue;
  readonly reconciler: HpaReconciler;
}

/**
 * The loop around the reconciler: HPA adds/updates/deletes enqueue the key rate-limited
 * (one sync period later), every sync requeues it one period later unless the HPA is gone.
 */
export function startHpaLoop(
  deps: HpaControllerDeps & { hpaInformer: Pick<Informer<HorizontalPodAutoscaler>, 'addEventHandler' | 'waitForSync'>; podInformer: Pick<Informer<Pod>, 'waitForSync'> },
): HpaLoop {
  const queue = createWorkQueue({ clock: deps.clock, name: HPA_CONTROLLER_NAME, rateLimiter: fixedIntervalRateLimiter(deps.config.syncPeriodMs) });
  const reconciler = createHpaReconciler(deps);
  const enqueue = (obj: HorizontalPodAutoscaler): void => queue.addRateLimited(objectKey(obj));
  deps.hpaInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: (obj) => queue.add(objectKey(obj)) });
  let handle: ControllerHandle | undefined;
  let stopped = false;
  void Promise.all([deps.hpaInformer.waitForSync(), deps.podInformer.waitForSync()]).then((synced) => {
    if (stopped || !synced.every(Boolean)) return;
    handle = runController({
      name: HPA_CONTROLLER_NAME,
      queue,
      workers: deps.config.workers,
      logger: deps.logger,
      reconcile: async (key) => {
        const deleted = await reconciler.reconcile(key);
        if (!deleted) queue.addRateLimited(key);
      },
    });
  });
  return {
    queue,
    reconciler,
    async stop() {
      stopped = true;
      queue.shutDown();
      await handle?.done;
    },
  };
}

/** The controller as the controller manager's framework runs it (kubeling hpa runs only this one). */
export function hpaControllerDescriptor(opts: { config: HpaControllerConfig; metrics: MetricsClient; mapper: RestMapper }): ControllerDescriptor {
  return {
    name: HPA_CONTROLLER_NAME,
    eventSource: HPA_EVENT_SOURCE,
    start(ctx) {
      const hpaInformer = ctx.informers.informerFor<HorizontalPodAutoscaler>(hpaResource);
      const podInformer = ctx.informers.informerFor<Pod>(podResource);
      return startHpaLoop({
        client: ctx.client,
        hpas: hpaInformer,
        pods: podInformer,
        hpaInformer,
        podInformer,
        metrics: opts.metrics,
        mapper: opts.mapper,
        recorder: ctx.recorder,
        clock: ctx.clock,
        logger: ctx.logger,
        config: opts.config,
      });
    },
  };
}
