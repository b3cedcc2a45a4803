import type { KubeObject } from '../../api/types.js';
import { resourceByKind } from '../../api/registry.js';
import type { Clock, TimerHandle } from '../../lib/clock.js';
import type { Registries } from '../registry/registries.js';
import type { WatchEventType } from '../registry/generic-registry.js';
import type { StoreWatch } from '../storage/store.js';

/**
 * The history behind the cluster view's charts, kept by the apiserver so that /ui shows
 * the last hour when it opens, not only what happened while it was open: per Deployment
 * its desired and ready replicas, per HPA its CPU utilisation against its target and its
 * current against desired replicas. Fed by watches of Deployments and HPAs (all
 * namespaces); sampled every `intervalMs` and on each change (at most once a second), the
 * last `length` samples kept. Served by GraphQL's `chartHistory` to callers who may list
 * both kinds cluster-wide.
 */

export interface ChartPoint {
  a: number | null;
  b: number | null;
}

export interface ChartSeries {
  /** namespace/name */
  key: string;
  values: ChartPoint[];
}

export interface ChartHistorySnapshot {
  /** Sample times, seconds since the epoch; every series has one value per time. */
  times: number[];
  /** a: desired replicas, b: ready replicas. */
  deployments: ChartSeries[];
  /** a: current CPU utilisation %, b: target %. */
  hpaUtilization: ChartSeries[];
  /** a: current replicas, b: desired replicas. */
  hpaReplicas: ChartSeries[];
}

export interface ChartHistoryOptions {
  registries: Registries;
  clock: Clock;
  /** Between periodic samples; default 10 s. */
  intervalMs?: number;
  /** Samples kept; default 360 (an hour at 10 s). */
  length?: number;
  /** Changes closer than this to the last sample wait for the next one; default 1 s. */
  minGapMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

interface DeploymentLike extends KubeObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

interface MetricLike {
  type?: string;
  resource?: { name?: string; target?: { averageUtilization?: number }; current?: { averageUtilization?: number } };
}

interface HpaLike extends KubeObject {
  spec?: { metrics?: MetricLike[] };
  status?: { currentMetrics?: MetricLike[]; currentReplicas?: number; desiredReplicas?: number };
}

const cpuMetric = (list: MetricLike[] | undefined): MetricLike | undefined => (list ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** The values a sample records of a Deployment (desired, ready), as the page's model reads them. */
export function deploymentPoint(d: DeploymentLike): ChartPoint {
  return { a: d.spec?.replicas ?? 1, b: d.status?.readyReplicas ?? 0 };
}

/** An HPA's CPU utilisation (current, target) and replicas (current, desired). */
export function hpaPoints(h: HpaLike): { util: ChartPoint; replicas: ChartPoint } {
  const current = h.status?.currentReplicas ?? 0;
  return {
    util: { a: cpuMetric(h.status?.currentMetrics)?.resource?.current?.averageUtilization ?? null, b: cpuMetric(h.spec?.metrics)?.resource?.target?.averageUtilization ?? null },
    replicas: { a: current, b: h.status?.desiredReplicas ?? current },
  };
}

export class ChartHistory {
  private readonly times: number[] = [];
  private readonly series = { deployments: new Map<string, ChartPoint[]>(), hpaUtilization: new Map<string, ChartPoint[]>(), hpaReplicas: new Map<string, ChartPoint[]>() };
  private readonly deployments = new Map<string, ChartPoint>();
  private readonly hpas = new Map<string, { util: ChartPoint; replicas: ChartPoint }>();
  private readonly intervalMs: number;
  private readonly length: number;
  private readonly minGapMs: number;
  private readonly watches: StoreWatch[] = [];
  private timer: TimerHandle | undefined;
  private pending: TimerHandle | undefined;
  private lastSample = -Infinity;
  private stopped = false;

  constructor(private readonly opts: ChartHistoryOptions) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.length = opts.length ?? 360;
    this.minGapMs = opts.minGapMs ?? 1_000;
  }

  /** Watches Deployments and HPAs (their current state first) and starts sampling. */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.watch('apps', 'Deployment'), this.watch('autoscaling', 'HorizontalPodAutoscaler')]);
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches.splice(0)) w.close();
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    if (this.pending) this.opts.clock.clearTimeout(this.pending);
    this.timer = this.pending = undefined;
  }

  private async watch(group: string, kind: string): Promise<void> {
    if (this.stopped) return;
    const rt = resourceByKind(group, kind);
    try {
      const w = await this.opts.registries.for(rt).watch(
        undefined,
        {},
        {
          event: (type, obj) => this.observe(kind, type, obj),
          bookmark: () => {},
          error: (err) => {
            this.opts.log?.warn({ err, kind }, 'chart history watch ended; watching again');
            this.rewatch(group, kind);
          },
        },
      );
      if (this.stopped) w.close();
      else this.watches.push(w);
    } catch (err) {
      this.opts.log?.warn({ err, kind }, 'chart history watch failed; trying again');
      this.rewatch(group, kind);
    }
  }

  private rewatch(group: string, kind: string): void {
    if (!this.stopped) this.opts.clock.setTimeout(() => void this.watch(group, kind), 1_000);
  }

  /** One watch event of a Deployment or HPA (exposed for tests). */
  observe(kind: string, type: WatchEventType, obj: KubeObject): void {
    if (type === 'BOOKMARK') return;
    const key = keyOf(obj);
    if (kind === 'Deployment') {
      if (type === 'DELETED') this.deployments.delete(key);
      else this.deployments.set(key, deploymentPoint(obj as DeploymentLike));
    } else {
      if (type === 'DELETED') this.hpas.delete(key);
      else this.hpas.set(key, hpaPoints(obj as HpaLike));
    }
    this.changed();
  }

  /** A change is sampled at once, or when minGapMs has passed since the last sample. */
  private changed(): void {
    if (this.pending || this.stopped) return;
    const wait = this.lastSample + this.minGapMs - this.opts.clock.now();
    if (wait <= 0) {
      this.sample();
      return;
    }
    this.pending = this.opts.clock.setTimeout(() => {
      this.pending = undefined;
      this.sample();
    }, wait);
  }

  private tick(): void {
    if (this.stopped) return;
    this.sample();
    this.timer = this.opts.clock.setTimeout(() => this.tick(), this.intervalMs);
  }

  /**
   * Records every current value at clock.now(). Series of objects that no longer exist
   * keep their history (with nulls) until it scrolls out.
   */
  sample(): void {
    const now = this.opts.clock.now();
    this.lastSample = now;
    this.times.push(now / 1000);
    const drop = this.times.length > this.length;
    if (drop) this.times.shift();
    const record = (series: Map<string, ChartPoint[]>, current: Map<string, ChartPoint>): void => {
      for (const key of current.keys()) {
        if (!series.has(key)) series.set(key, this.times.slice(0, -1).map(() => ({ a: null, b: null })));
      }
      for (const [key, values] of series) {
        values.push(current.get(key) ?? { a: null, b: null });
        if (drop) values.shift();
        if (!current.has(key) && values.every((v) => v.a === null && v.b === null)) series.delete(key);
      }
    };
    record(this.series.deployments, this.deployments);
    record(this.series.hpaUtilization, new Map([...this.hpas].map(([k, h]) => [k, h.util])));
    record(this.series.hpaReplicas, new Map([...this.hpas].map(([k, h]) => [k, h.replicas])));
  }

  /** The samples, the last one taken now if a change is still waiting for its sample. */
  snapshot(): ChartHistorySnapshot {
    if (this.pending) {
      this.opts.clock.clearTimeout(this.pending);
      this.pending = undefined;
      this.sample();
    }
    const out = (series: Map<string, ChartPoint[]>): ChartSeries[] =>
      [...series].sort(([a], [b]) => a.localeCompare(b)).map(([key, values]) => ({ key, values: values.map((v) => ({ ...v })) }));
    return {
      times: [...this.times],
      deployments: out(this.series.deployments),
      hpaUtilization: out(this.series.hpaUtilization),
      hpaReplicas: out(this.series.hpaReplicas),
    };
  }
}
