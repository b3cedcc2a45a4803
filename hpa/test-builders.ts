import type { Pod } from '../api/core/pod.js';
import type { PodMetric, PodMetricsInfo } from './replica-calculator.js';

/** Builders for HPA tests: pods as the HPA sees them, and metric samples. */

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class PodBuilder {
  private pod: Pod;

  constructor(name: string) {
    this.pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'registry.k8s.io/hpa-example', resources: { requests: { cpu: '200m', memory: '64Mi' } } }] },
      // Started and Ready long before T0: past every initialization period.
      status: {
        phase: 'Running',
        startTime: iso(T0 - 3_600_000),
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(T0 - 3_590_000) }],
      },
    } as Pod;
  }

  labels(labels: Record<string, string>): this {
    this.pod.metadata.labels = labels;
    return this;
  }

  namespace(ns: string): this {
    this.pod.metadata.namespace = ns;
    return this;
  }

  request(cpu: string | undefined): this {
    const c = this.pod.spec!.containers[0]!;
    if (cpu === undefined) c.resources = { requests: { memory: '64Mi' } };
    else c.resources = { requests: { cpu, memory: '64Mi' } };
    return this;
  }

  phase(phase: string): this {
    this.pod.status!.phase = phase;
    return this;
  }

  deleted(): this {
    this.pod.metadata.deletionTimestamp = iso(T0);
    return this;
  }

  /** Started at `startMs`, Ready=status since `readySinceMs`. */
  started(startMs: number, ready: 'True' | 'False', readySinceMs: number): this {
    this.pod.status!.startTime = iso(startMs);
    this.pod.status!.conditions = [{ type: 'Ready', status: ready, lastTransitionTime: iso(readySinceMs) }];
    return this;
  }

  noReadyCondition(): this {
    this.pod.status!.conditions = [];
    return this;
  }

  obj(): Pod {
    return structuredClone(this.pod);
  }
}

export const makePod = (name: string): PodBuilder => new PodBuilder(name);

/** Samples taken at T0 over a 30 s window (metrics-server's default resolution). */
export function samples(values: Record<string, number>, at = T0, windowMs = 30_000): PodMetricsInfo {
  return new Map(Object.entries(values).map(([k, v]): [string, PodMetric] => [k, { value: v, timestampMs: at, windowMs }]));
}
