/**
 * The state behind the cluster view (/ui): what the GraphQL subscriptions deliver, folded
 * into the few numbers the page draws. No DOM here, so it is tested in Node
 * (ui/cluster/model.test.ts) and used by the page as is.
 *
 * Nodes hold their pods; a pod's CPU/memory request counts against its node's allocatable
 * (as `kubectl describe node` shows "Allocated resources"); usage comes from metrics.k8s.io
 * when the page can read it. Deployments and HPAs keep a bounded history of samples for
 * the charts.
 */
import { parseQuantityOr } from '../../api/quantity.js';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface Meta {
  name: string;
  namespace?: string | null;
  uid?: string | null;
  deletionTimestamp?: string | null;
}

export interface NodeObject {
  metadata: Meta;
  spec?: { unschedulable?: boolean | null; podCIDR?: string | null } | null;
  status?: {
    allocatable?: Record<string, string> | null;
    conditions?: Array<{ type?: string | null; status?: string | null } | null> | null;
  } | null;
}

export interface PodObject {
  metadata: Meta;
  spec?: {
    nodeName?: string | null;
    containers?: Array<{ resources?: { requests?: Record<string, string> | null } | null } | null> | null;
  } | null;
  status?: { phase?: string | null; podIP?: string | null; conditions?: Array<{ type?: string | null; status?: string | null } | null> | null } | null;
}

export interface DeploymentObject {
  metadata: Meta;
  spec?: { replicas?: number | null } | null;
  status?: { replicas?: number | null; readyReplicas?: number | null } | null;
}

export interface HpaObject {
  metadata: Meta;
  spec?: {
    minReplicas?: number | null;
    maxReplicas?: number | null;
    metrics?: Array<{ type?: string | null; resource?: { name?: string | null; target?: { averageUtilization?: number | null } | null } | null } | null> | null;
  } | null;
  status?: {
    currentReplicas?: number | null;
    desiredReplicas?: number | null;
    currentMetrics?: Array<{ type?: string | null; resource?: { name?: string | null; current?: { averageUtilization?: number | null } | null } | null } | null> | null;
  } | null;
}

export interface EventObject {
  metadata: Meta;
  type?: string | null;
  reason?: string | null;
  message?: string | null;
  count?: number | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  involvedObject?: { kind?: string | null; name?: string | null; namespace?: string | null } | null;
}

export type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown' | 'Terminating';

export interface PodView {
  key: string;
  name: string;
  namespace: string;
  node: string | undefined;
  phase: Phase;
  ready: boolean;
  cpuMilli: number;
  memBytes: number;
  podIP: string | undefined;
}

export interface NodeView {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  podCIDR: string | undefined;
  cpuAllocMilli: number;
  memAllocBytes: number;
  /** From metrics.k8s.io, when readable. */
  usage?: { cpuMilli: number; memBytes: number };
}

export interface NodeSummary extends NodeView {
  pods: PodView[];
  cpuRequestedMilli: number;
  memRequestedBytes: number;
  phases: Record<Phase, number>;
}

export interface Series {
  key: string;
  /** Parallel to ClusterModel.times. null: the object did not exist at that sample. */
  values: Array<{ a: number | null; b: number | null }>;
}

export interface EventView {
  key: string;
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  time: string;
}

export const PHASES: Phase[] = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown', 'Terminating'];

const keyOf = (m: Meta): string => (m.namespace ? `${m.namespace}/${m.name}` : m.name);

function cpuMilli(q: string | undefined | null): number {
  return Math.round(parseQuantityOr(q ?? 0, 0) * 1000);
}

function podView(p: PodObject): PodView {
  let cpu = 0;
  let mem = 0;
  for (const c of p.spec?.containers ?? []) {
    cpu += cpuMilli(c?.resources?.requests?.cpu);
    mem += parseQuantityOr(c?.resources?.requests?.memory ?? 0, 0);
  }
  const rawPhase = p.status?.phase ?? 'Pending';
  const phase: Phase = p.metadata.deletionTimestamp
    ? 'Terminating'
    : (PHASES as string[]).includes(rawPhase)
      ? (rawPhase as Phase)
      : 'Unknown';
  const ready = (p.status?.conditions ?? []).some((c) => c?.type === 'Ready' && c.status === 'True');
  return {
    key: keyOf(p.metadata),
    name: p.metadata.name,
    namespace: p.metadata.namespace ?? 'default',
    node: p.spec?.nodeName ?? undefined,
    phase,
    ready,
    cpuMilli: cpu,
    memBytes: mem,
    podIP: p.status?.podIP ?? undefined,
  };
}

function nodeView(n: NodeObject, usage: NodeView['usage']): NodeView {
  const alloc = n.status?.allocatable ?? {};
  return {
    name: n.metadata.name,
    ready: (n.status?.conditions ?? []).some((c) => c?.type === 'Ready' && c.status === 'True'),
    unschedulable: n.spec?.unschedulable === true,
    podCIDR: n.spec?.podCIDR ?? undefined,
    cpuAllocMilli: cpuMilli(alloc.cpu),
    memAllocBytes: parseQuantityOr(alloc.memory ?? 0, 0),
    ...(usage ? { usage } : {}),
  };
}

function utilizationOf<T extends { type?: string | null; resource?: { name?: string | null } | null } | null>(list: T[] | null | undefined): T | undefined {
  return (list ?? []).find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu') ?? undefined;
}

/** The apiserver's chart samples (GraphQL `chartHistory`), in the model's series shape. */
export interface ServerHistory {
  times: number[];
  deployments: Series[];
  hpaUtilization: Series[];
  hpaReplicas: Series[];
}

export interface ModelOptions {
  /** Samples kept per series (the charts' window); default 300. */
  historyLength?: number;
  /** Events kept; default 200. */
  eventLimit?: number;
}

export class ClusterModel {
  private readonly nodes = new Map<string, NodeView>();
  private readonly pods = new Map<string, PodView>();
  private readonly deployments = new Map<string, { desired: number; ready: number }>();
  private readonly hpas = new Map<string, { current: number | null; target: number | null; replicas: number; desired: number }>();
  private readonly usage = new Map<string, { cpuMilli: number; memBytes: number }>();
  private readonly eventMap = new Map<string, EventView>();
  readonly times: number[] = [];
  readonly deploymentSeries = new Map<string, Series>();
  /** a: current CPU utilisation %, b: target %. */
  readonly hpaUtilSeries = new Map<string, Series>();
  /** a: current replicas, b: desired replicas. */
  readonly hpaReplicaSeries = new Map<string, Series>();
  private readonly historyLength: number;
  private readonly eventLimit: number;
  /** Bumped on every change; the page redraws when it moved. */
  version = 0;

  constructor(opts: ModelOptions = {}) {
    this.historyLength = opts.historyLength ?? 300;
    this.eventLimit = opts.eventLimit ?? 200;
  }

  /** Forgets every object (not the chart history): a fresh subscription lists them all again. */
  reset(): void {
    this.nodes.clear();
    this.pods.clear();
    this.deployments.clear();
    this.hpas.clear();
    this.eventMap.clear();
    this.version++;
  }

  applyNode(type: WatchType, obj: NodeObject): void {
    if (type === 'BOOKMARK' || type === 'ERROR') return;
    if (type === 'DELETED') this.nodes.delete(obj.metadata.name);
    else this.nodes.set(obj.metadata.name, nodeView(obj, this.usage.get(obj.metadata.name)));
    this.version++;
  }

  applyPod(type: WatchType, obj: PodObject): void {
    if (type === 'BOOKMARK' || type === 'ERROR') return;
    const key = keyOf(obj.metadata);
    if (type === 'DELETED') this.pods.delete(key);
    else this.pods.set(key, podView(obj));
    this.version++;
  }

  applyDeployment(type: WatchType, obj: DeploymentObject): void {
    if (type === 'BOOKMARK' || type === 'ERROR') return;
    const key = keyOf(obj.metadata);
    if (type === 'DELETED') this.deployments.delete(key);
    else this.deployments.set(key, { desired: obj.spec?.replicas ?? 1, ready: obj.status?.readyReplicas ?? 0 });
    this.version++;
  }

  applyHpa(type: WatchType, obj: HpaObject): void {
    if (type === 'BOOKMARK' || type === 'ERROR') return;
    const key = keyOf(obj.metadata);
    if (type === 'DELETED') {
      this.hpas.delete(key);
    } else {
      const target = utilizationOf(obj.spec?.metrics)?.resource?.target?.averageUtilization ?? null;
      const current = utilizationOf(obj.status?.currentMetrics)?.resource?.current?.averageUtilization ?? null;
      this.hpas.set(key, {
        current,
        target,
        replicas: obj.status?.currentReplicas ?? 0,
        desired: obj.status?.desiredReplicas ?? obj.status?.currentReplicas ?? 0,
      });
    }
    this.version++;
  }

  applyEvent(type: WatchType, obj: EventObject): void {
    if (type === 'BOOKMARK' || type === 'ERROR') return;
    const key = keyOf(obj.metadata);
    if (type === 'DELETED') {
      this.eventMap.delete(key);
    } else {
      const io = obj.involvedObject;
      this.eventMap.delete(key); // re-insert: newest last
      this.eventMap.set(key, {
        key,
        type: obj.type ?? 'Normal',
        reason: obj.reason ?? '',
        message: obj.message ?? '',
        object: `${(io?.kind ?? '').toLowerCase()}/${io?.name ?? ''}`,
        count: obj.count ?? 1,
        time: obj.lastTimestamp ?? obj.eventTime ?? '',
      });
      while (this.eventMap.size > this.eventLimit) this.eventMap.delete(this.eventMap.keys().next().value!);
    }
    this.version++;
  }

  /** Node usage from metrics.k8s.io NodeMetricsList items (cpu/memory quantities). */
  setNodeUsage(items: Array<{ metadata: { name: string }; usage?: { cpu?: string; memory?: string } }>): void {
    this.usage.clear();
    for (const m of items) {
      this.usage.set(m.metadata.name, { cpuMilli: cpuMilli(m.usage?.cpu), memBytes: parseQuantityOr(m.usage?.memory ?? 0, 0) });
    }
    for (const [name, n] of this.nodes) {
      const u = this.usage.get(name);
      const { usage: _old, ...rest } = n;
      this.nodes.set(name, u ? { ...rest, usage: u } : rest);
    }
    this.version++;
  }

  /** Nodes by name, each with its pods (by name) and totals. */
  nodeSummaries(): NodeSummary[] {
    const byNode = new Map<string, PodView[]>();
    for (const p of this.pods.values()) {
      if (p.node === undefined) continue;
      let list = byNode.get(p.node);
      if (!list) byNode.set(p.node, (list = []));
      list.push(p);
    }
    return [...this.nodes.values()]
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
      .map((n) => {
        const pods = (byNode.get(n.name) ?? []).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const phases = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
        let cpu = 0;
        let mem = 0;
        for (const p of pods) {
          phases[p.phase]++;
          // Finished pods hold no resources (as the scheduler counts).
          if (p.phase !== 'Succeeded' && p.phase !== 'Failed') {
            cpu += p.cpuMilli;
            mem += p.memBytes;
          }
        }
        return { ...n, pods, cpuRequestedMilli: cpu, memRequestedBytes: mem, phases };
      });
  }

  /** Pods no node holds yet (Pending, unscheduled), or whose node is gone. */
  unplacedPods(): PodView[] {
    return [...this.pods.values()].filter((p) => p.node === undefined || !this.nodes.has(p.node)).sort((a, b) => a.key.localeCompare(b.key));
  }

  counts(): { nodes: number; readyNodes: number; pods: number; phases: Record<Phase, number>; deployments: number; hpas: number } {
    const phases = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
    for (const p of this.pods.values()) phases[p.phase]++;
    let ready = 0;
    for (const n of this.nodes.values()) if (n.ready) ready++;
    return { nodes: this.nodes.size, readyNodes: ready, pods: this.pods.size, phases, deployments: this.deployments.size, hpas: this.hpas.size };
  }

  /** Newest first. */
  events(): EventView[] {
    return [...this.eventMap.values()].reverse();
  }

  /**
   * Puts the apiserver's history (samples from before the page opened) in front of the
   * page's own samples: server samples older than the page's first are kept, the rest are
   * the page's. Every series stays aligned with `times` (null where it has no value).
   */
  loadHistory(h: ServerHistory): void {
    const firstLocal = this.times.length > 0 ? this.times[0]! : Infinity;
    const kept = h.times.filter((t) => t < firstLocal).length;
    const local = this.times.length;
    const nulls = (n: number) => Array.from({ length: n }, () => ({ a: null, b: null }));
    const merge = (mine: Map<string, Series>, theirs: Series[]): void => {
      const byKey = new Map(theirs.map((s) => [s.key, s.values]));
      for (const key of new Set([...mine.keys(), ...byKey.keys()])) {
        const before = byKey.get(key)?.slice(0, kept) ?? [];
        const after = mine.get(key)?.values ?? nulls(local);
        mine.set(key, { key, values: [...before, ...nulls(kept - before.length), ...after] });
      }
    };
    merge(this.deploymentSeries, h.deployments);
    merge(this.hpaUtilSeries, h.hpaUtilization);
    merge(this.hpaReplicaSeries, h.hpaReplicas);
    this.times.unshift(...h.times.slice(0, kept));
    this.version++;
  }

  /**
   * Takes one sample of every Deployment (desired, ready) and HPA (utilisation vs target,
   * replicas vs desired) at `time` (seconds), for the charts. Series of objects that no
   * longer exist keep their history with nulls until it scrolls out.
   */
  sample(time: number): void {
    this.times.push(time);
    const drop = this.times.length > this.historyLength;
    if (drop) this.times.shift();
    const record = (series: Map<string, Series>, current: Map<string, { a: number | null; b: number | null }>): void => {
      for (const [key, v] of current) {
        if (!series.has(key)) series.set(key, { key, values: this.times.slice(0, -1).map(() => ({ a: null, b: null })) });
      }
      for (const [key, s] of series) {
        s.values.push(current.get(key) ?? { a: null, b: null });
        if (drop) s.values.shift();
        if (!current.has(key) && s.values.every((x) => x.a === null && x.b === null)) series.delete(key);
      }
    };
    record(this.deploymentSeries, new Map([...this.deployments].map(([k, d]) => [k, { a: d.desired, b: d.ready }])));
    record(this.hpaUtilSeries, new Map([...this.hpas].map(([k, h]) => [k, { a: h.current, b: h.target }])));
    record(this.hpaReplicaSeries, new Map([...this.hpas].map(([k, h]) => [k, { a: h.replicas, b: h.desired }])));
    this.version++;
  }
}
