import type { Pod } from '../api/core/pod.js';
import { toMilli } from '../api/quantity.js';

/**
 * The HPA's replica calculator (kube's pkg/controller/podautoscaler/replica_calculator.go),
 * as pure functions over data: the pods the target's selector matches, the per-pod metric
 * samples the metrics client fetched, the controller's settings and the current time.
 * Values are in thousandths (Quantity.MilliValue), as kube computes them.
 *
 * Every function answers a Calc result: a replica proposal with the figures the status
 * reports, or the error kube would report (the caller wraps it into the event and
 * condition messages).
 */

/** One pod's sample: value in milli-units, when it was taken and over which window. */
export interface PodMetric {
  value: number;
  timestampMs: number;
  windowMs: number;
}

/** Samples by pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;

/** The controller flags the calculator reads (kube-controller-manager's names in comments). */
export interface CalculatorConfig {
  /** --horizontal-pod-autoscaler-tolerance; default 0.1. */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period; default 5 min. */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay; default 30 s. */
  delayOfInitialReadinessStatusMs: number;
}

export const defaultCalculatorConfig: CalculatorConfig = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

export type Calc<T> = ({ ok: true } & T) | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export interface PodGroups {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

const parseTime = (t: string | null | undefined): number | undefined => {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * groupPods: deleted and failed pods are ignored; pending pods are unready; pods without
 * a sample are missing. For CPU only, a pod whose readiness or samples cannot be trusted
 * yet counts as unready: within the CPU initialization period after it started, when it
 * is not Ready or its sample covers time before it turned Ready; after it, only when it
 * is not Ready and never was (its readiness last changed within the initial readiness
 * delay of its start).
 */
export function groupPods(pods: readonly Pod[], metrics: PodMetricsInfo, resource: string, config: CalculatorConfig, now: number): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unreadyPods: new Set(), missingPods: new Set(), ignoredPods: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp || phase === 'Failed') {
      groups.ignoredPods.add(name);
      continue;
    }
    if (phase === 'Pending') {
      groups.unreadyPods.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      groups.missingPods.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = parseTime(pod.status?.startTime);
      let unready: boolean;
      if (!ready || start === undefined) {
        unready = true;
      } else {
        const transition = parseTime(ready.lastTransitionTime) ?? 0;
        if (start + config.cpuInitializationPeriodMs > now) {
          unready = ready.status === 'False' || metric.timestampMs < transition + metric.windowMs;
        } else {
          unready = ready.status === 'False' && start + config.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        groups.unreadyPods.add(name);
        continue;
      }
    }
    groups.readyPodCount++;
  }
  return groups;
}

/**
 * calculatePodRequests: the sum of the pod's containers' requests (and restartable init
 * containers', i.e. sidecars) for resource, in milli-units; with a container name, only
 * that container. A container without the request is kube's error, worded as kube does.
 */
export function calculatePodRequests(pods: readonly Pod[], container: string, resource: string): Calc<{ requests: Map<string, number> }> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container !== '' && container !== c.name) continue;
      const q = (c.resources?.requests as Record<string, string | number> | undefined)?.[resource];
      if (q === undefined) return fail(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      try {
        sum += toMilli(q);
      } catch {
        return fail(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      }
    }
    requests.set(pod.metadata.name ?? '', sum);
  }
  return { ok: true, requests };
}

/**
 * GetResourceUtilizationRatio: usage over requests of the pods that have both, as a whole
 * percentage (truncated, as kube's integer division), its ratio to the target, and the
 * average raw usage per pod.
 */
export function resourceUtilizationRatio(
  metrics: PodMetricsInfo,
  requests: Map<string, number>,
  targetUtilization: number,
): Calc<{ ratio: number; utilization: number; rawAverage: number }> {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [pod, m] of metrics) {
    const req = requests.get(pod);
    // Samples of pods the selector no longer matches are extraneous, not an error.
    if (req === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += req;
    entries++;
  }
  if (requestsTotal === 0) return fail('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ok: true, ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

/** GetMetricUsageRatio: the average sample over the target. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

const withoutPods = (metrics: PodMetricsInfo, pods: Set<string>): PodMetricsInfo => {
  const out: PodMetricsInfo = new Map(metrics);
  for (const p of pods) out.delete(p);
  return out;
};

const sample = (value: number): PodMetric => ({ value, timestampMs: 0, windowMs: 0 });

export interface ResourceProposal {
  replicas: number;
  /** Whole percent of requests. */
  utilization: number;
  /** Average usage per pod, milli-units. */
  rawAverage: number;
}

/**
 * GetResourceReplicas for a Utilization target: `ceil(ready pods × utilization / target)`,
 * unless within tolerance. When pods are missing samples or unready, the ratio is
 * recomputed assuming missing pods use 100% of their request (or the target, if higher)
 * on a scale-down and 0% on a scale-up, and unready pods 0% on a scale-up; the proposal
 * stays at the current count if that second pass lands within tolerance or flips the
 * direction.
 */
export function resourceReplicas(input: {
  currentReplicas: number;
  targetUtilization: number;
  resource: string;
  container: string;
  pods: readonly Pod[];
  metrics: PodMetricsInfo;
  config: CalculatorConfig;
  now: number;
}): Calc<ResourceProposal> {
  const { currentReplicas, targetUtilization, resource, pods, config } = input;
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, input.metrics, resource, config, input.now);
  let metrics = withoutPods(withoutPods(input.metrics, groups.ignoredPods), groups.unreadyPods);
  if (metrics.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');

  const req = calculatePodRequests(pods, input.container, resource);
  if (!req.ok) return req;
  const first = resourceUtilizationRatio(metrics, req.requests, targetUtilization);
  if (!first.ok) return first;
  const { utilization, rawAverage } = first;
  const usageRatio = first.ratio;
  const keep = { ok: true as const, replicas: currentReplicas, utilization, rawAverage };

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (Math.abs(1 - usageRatio) <= config.tolerance) return keep;
    return { ok: true, replicas: Math.ceil(usageRatio * groups.readyPodCount), utilization, rawAverage };
  }

  metrics = new Map(metrics);
  if (groups.missingPods.size > 0) {
    if (usageRatio < 1) {
      const fallback = Math.max(100, targetUtilization);
      for (const p of groups.missingPods) metrics.set(p, sample(Math.trunc(((req.requests.get(p) ?? 0) * fallback) / 100)));
    } else if (usageRatio > 1) {
      for (const p of groups.missingPods) metrics.set(p, sample(0));
    }
  }
  if (scaleUpWithUnready) for (const p of groups.unreadyPods) metrics.set(p, sample(0));

  const second = resourceUtilizationRatio(metrics, req.requests, targetUtilization);
  if (!second.ok) return second;
  const newRatio = second.ratio;
  if (Math.abs(1 - newRatio) <= config.tolerance || (usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1)) return keep;
  const replicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return keep;
  return { ok: true, replicas, utilization, rawAverage };
}

/**
 * calcPlainMetricReplicas, for AverageValue targets (Resource AverageValue and Pods
 * metrics): as resourceReplicas, on the average sample, with missing pods assumed at the
 * target on a scale-down. `usage` is the average of the ready pods' samples.
 */
export function plainMetricReplicas(input: {
  currentReplicas: number;
  targetUsage: number;
  resource: string;
  pods: readonly Pod[];
  metrics: PodMetricsInfo;
  config: CalculatorConfig;
  now: number;
}): Calc<{ replicas: number; usage: number }> {
  const { currentReplicas, targetUsage, resource, pods, config } = input;
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, input.metrics, resource, config, input.now);
  let metrics = withoutPods(withoutPods(input.metrics, groups.ignoredPods), groups.unreadyPods);
  if (metrics.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');

  const { ratio: usageRatio, usage } = metricUsageRatio(metrics, targetUsage);
  const keep = { ok: true as const, replicas: currentReplicas, usage };
  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (Math.abs(1 - usageRatio) <= config.tolerance) return keep;
    return { ok: true, replicas: Math.ceil(usageRatio * groups.readyPodCount), usage };
  }

  metrics = new Map(metrics);
  if (groups.missingPods.size > 0) {
    const assumed = usageRatio < 1 ? targetUsage : 0;
    for (const p of groups.missingPods) metrics.set(p, sample(assumed));
  }
  if (scaleUpWithUnready) for (const p of groups.unreadyPods) metrics.set(p, sample(0));

  const newRatio = metricUsageRatio(metrics, targetUsage).ratio;
  if (Math.abs(1 - newRatio) <= config.tolerance || (usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1)) return keep;
  const replicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return keep;
  return { ok: true, replicas, usage };
}

/** getReadyPodsCount: Running pods whose Ready condition is True. */
export function readyPodsCount(pods: readonly Pod[]): Calc<{ count: number }> {
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  let count = 0;
  for (const p of pods) {
    if (p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) count++;
  }
  return { ok: true, count };
}

/**
 * getUsageRatioReplicaCount, for Object and External metrics with a Value target: the
 * ready pods scaled by usage/target (unless within tolerance); from zero replicas,
 * ceil(ratio).
 */
export function usageRatioReplicas(currentReplicas: number, usageRatio: number, pods: readonly Pod[], config: CalculatorConfig): Calc<{ replicas: number }> {
  if (currentReplicas === 0) return { ok: true, replicas: Math.ceil(usageRatio) };
  if (Math.abs(1 - usageRatio) <= config.tolerance) return { ok: true, replicas: currentReplicas };
  const ready = readyPodsCount(pods);
  if (!ready.ok) return fail(`unable to calculate ready pods: ${ready.error}`);
  return { ok: true, replicas: Math.ceil(usageRatio * ready.count) };
}

/**
 * GetObjectPerPodMetricReplicas / GetExternalPerPodMetricReplicas (AverageValue targets
 * on a total): ceil(total / target) unless within tolerance of the status replicas;
 * the reported usage is the total per status replica, rounded up.
 */
export function perPodReplicas(statusReplicas: number, total: number, targetAverage: number, config: CalculatorConfig): { replicas: number; usage: number } {
  let replicas = statusReplicas;
  const ratio = total / (targetAverage * statusReplicas);
  if (Math.abs(1 - ratio) > config.tolerance) replicas = Math.ceil(total / targetAverage);
  // Zero status replicas (a target scaled to zero) report the total itself.
  return { replicas, usage: statusReplicas > 0 ? Math.ceil(total / statusReplicas) : total };
}
