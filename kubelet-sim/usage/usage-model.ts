import type { Clock } from '../../lib/clock.js';
import type { ContainerLoad, ServedRequest, TrafficSink } from '../../network/traffic-sink.js';
import { shareCpu, slowdown } from './cpu-share.js';
import { imageUsage, type ImageUsage } from './image-usage.js';
import { overMemoryLimit, workingSet } from './memory.js';
import { profileAt, type LoadProfile } from './profile.js';
import { RequestWindow } from './request-window.js';

/**
 * The kubelet-sim's usage model: CPU and memory of every running container, derived from
 * data (image baseline, load profile, the requests the data path reports) and integrated
 * over the injected clock into cumulative counters, as cAdvisor reports them.
 *
 * It is the data path's TrafficSink (served requests) and ContainerLoad (how throttled a
 * container is). It reads what runs where through `source` (the simulator's pods), so it
 * holds only numbers per container. Integration is lazy: a node is advanced when it is
 * scraped or asked about, in steps of at most `stepMs`.
 */

export interface ContainerView {
  name: string;
  image: string;
  startedAtMs: number;
  /** Cores. */
  cpuRequest: number;
  cpuLimit?: number;
  /** Bytes. */
  memoryLimit?: number;
  /** The pod's annotation profile for this container (the image's applies otherwise). */
  profile?: LoadProfile;
}

export interface PodView {
  uid: string;
  namespace: string;
  name: string;
  startedAtMs: number;
  containers: ContainerView[];
}

export interface NodeView {
  name: string;
  /** Cores the node's containers share. */
  cpuCapacity: number;
  memoryCapacity: number;
  startedAtMs: number;
  pods: PodView[];
}

export interface ContainerSample {
  name: string;
  startedAtMs: number;
  /** Cumulative core-seconds since the container started. */
  cpuSecondsTotal: number;
  /** Cores used now. */
  cpuCores: number;
  memoryBytes: number;
  /** Requests served, cumulative (custom metrics). */
  requestsTotal: number;
}

export interface PodSample {
  uid: string;
  namespace: string;
  name: string;
  startedAtMs: number;
  containers: ContainerSample[];
}

export interface NodeSample {
  name: string;
  atMs: number;
  startedAtMs: number;
  cpuSecondsTotal: number;
  cpuCores: number;
  memoryBytes: number;
  memoryCapacity: number;
  pods: PodSample[];
}

/** What the node itself uses besides pods (kubelet, runtime, system daemons). */
export const NODE_SYSTEM_CPU = 0.04;
export const NODE_SYSTEM_MEMORY = 300 * 2 ** 20;

interface ContainerState {
  startedAtMs: number;
  cpuTotal: number;
  cpu: number;
  demand: number;
  memory: number;
  oomReported: boolean;
}

interface NodeState {
  lastAt: number;
  /** The containers last seen on the node (to forget those that went). */
  keys: Set<string>;
  cpuTotal: number;
  cpu: number;
}

export interface UsageModelOptions {
  clock: Clock;
  source(node: string): NodeView | undefined;
  /** The node a pod runs on (for record/latencyFactor), by uid. */
  nodeOf(podUid: string): string | undefined;
  /** Called once per container run whose working set passes its memory limit. */
  onOomKill?(podUid: string, container: string): void;
  stepMs?: number;
  images?: Readonly<Record<string, ImageUsage>>;
}

const key = (uid: string, container: string) => `${uid}/${container}`;

export class UsageModel implements TrafficSink, ContainerLoad {
  private readonly containers = new Map<string, ContainerState>();
  private readonly windows = new Map<string, RequestWindow>();
  private readonly nodes = new Map<string, NodeState>();
  private readonly stepMs: number;

  constructor(private readonly o: UsageModelOptions) {
    this.stepMs = o.stepMs ?? 1000;
  }

  record(r: ServedRequest): void {
    const k = key(r.podUid, r.container);
    let w = this.windows.get(k);
    if (!w) this.windows.set(k, (w = new RequestWindow()));
    w.add(r.atMs, r.cpuSeconds, r.memoryBytes);
  }

  latencyFactor(podUid: string, container: string): number {
    const node = this.o.nodeOf(podUid);
    if (node) {
      const st = this.nodes.get(node);
      if (!st || this.o.clock.now() - st.lastAt >= this.stepMs) this.sample(node);
    }
    const c = this.containers.get(key(podUid, container));
    return c ? slowdown(c.demand, c.cpu) : 1;
  }

  /** Advances the node to now and returns its usage; undefined for a node not simulated here. */
  sample(nodeName: string): NodeSample | undefined {
    const view = this.o.source(nodeName);
    if (!view) return undefined;
    const now = this.o.clock.now();
    let node = this.nodes.get(nodeName);
    if (!node) this.nodes.set(nodeName, (node = { lastAt: now, keys: new Set(), cpuTotal: 0, cpu: NODE_SYSTEM_CPU }));
    const flat: Array<{ pod: PodView; c: ContainerView; st: ContainerState; usage: ImageUsage; profile?: LoadProfile; window?: RequestWindow }> = [];
    const live = new Set<string>();
    for (const pod of view.pods) {
      for (const c of pod.containers) {
        const k = key(pod.uid, c.name);
        live.add(k);
        let st = this.containers.get(k);
        if (!st || st.startedAtMs !== c.startedAtMs) {
          // A new container, or a restart: cAdvisor's counters start again from zero.
          st = { startedAtMs: c.startedAtMs, cpuTotal: 0, cpu: 0, demand: 0, memory: 0, oomReported: false };
          this.containers.set(k, st);
        }
        const usage = imageUsage(c.image, this.o.images);
        flat.push({ pod, c, st, usage, profile: c.profile ?? usage.profile, window: this.windows.get(k) });
      }
    }
    for (const k of node.keys) {
      if (!live.has(k)) {
        this.containers.delete(k);
        this.windows.delete(k);
      }
    }
    node.keys = live;

    const demandAt = (e: (typeof flat)[number], t: number): number =>
      t < e.c.startedAtMs ? 0 : e.usage.idleCpu + (e.profile ? profileAt(e.profile, t - e.c.startedAtMs).cpu : 0) + (e.window?.rateAt(t).cpu ?? 0);

    // Integrate from the last advance in steps; a long gap takes at most 600 steps.
    const gap = now - node.lastAt;
    const steps = gap <= 0 ? 0 : Math.min(600, Math.ceil(gap / this.stepMs));
    for (let s = 0; s < steps; s++) {
      const t0 = node.lastAt + (gap * s) / steps;
      const t1 = node.lastAt + (gap * (s + 1)) / steps;
      const mid = (t0 + t1) / 2;
      const demands = flat.map((e) => demandAt(e, mid));
      const granted = shareCpu(
        flat.map((e, i) => ({ demand: demands[i]!, request: e.c.cpuRequest, ...(e.c.cpuLimit !== undefined ? { limit: e.c.cpuLimit } : {}) })),
        Math.max(0, view.cpuCapacity - NODE_SYSTEM_CPU),
      );
      let sum = NODE_SYSTEM_CPU;
      flat.forEach((e, i) => {
        // Only the part of the step the container ran counts.
        const ran = Math.max(0, t1 - Math.max(t0, e.c.startedAtMs)) / 1000;
        e.st.cpuTotal += granted[i]! * ran;
        sum += granted[i]!;
      });
      node.cpuTotal += (sum * (t1 - t0)) / 1000;
    }
    if (steps > 0 || flat.some((e) => e.st.cpu === 0)) {
      const demands = flat.map((e) => demandAt(e, now));
      const granted = shareCpu(
        flat.map((e, i) => ({ demand: demands[i]!, request: e.c.cpuRequest, ...(e.c.cpuLimit !== undefined ? { limit: e.c.cpuLimit } : {}) })),
        Math.max(0, view.cpuCapacity - NODE_SYSTEM_CPU),
      );
      node.cpu = NODE_SYSTEM_CPU;
      flat.forEach((e, i) => {
        e.st.demand = demands[i]!;
        e.st.cpu = granted[i]!;
        node.cpu += granted[i]!;
      });
    }
    node.lastAt = Math.max(node.lastAt, now);

    let nodeMemory = NODE_SYSTEM_MEMORY;
    const pods = new Map<string, PodSample>();
    for (const e of flat) {
      const t = now - e.c.startedAtMs;
      e.st.memory = workingSet(e.usage.idleMemory, e.profile ? profileAt(e.profile, t).memory : 0, e.window?.rateAt(now).memory ?? 0);
      nodeMemory += e.st.memory;
      if (!e.st.oomReported && overMemoryLimit(e.st.memory, e.c.memoryLimit)) {
        e.st.oomReported = true;
        this.o.onOomKill?.(e.pod.uid, e.c.name);
      }
      let p = pods.get(e.pod.uid);
      if (!p) pods.set(e.pod.uid, (p = { uid: e.pod.uid, namespace: e.pod.namespace, name: e.pod.name, startedAtMs: e.pod.startedAtMs, containers: [] }));
      p.containers.push({
        name: e.c.name,
        startedAtMs: e.c.startedAtMs,
        cpuSecondsTotal: e.st.cpuTotal,
        cpuCores: e.st.cpu,
        memoryBytes: e.st.memory,
        requestsTotal: e.window?.total ?? 0,
      });
    }
    return {
      name: nodeName,
      atMs: now,
      startedAtMs: view.startedAtMs,
      cpuSecondsTotal: node.cpuTotal,
      cpuCores: node.cpu,
      memoryBytes: nodeMemory,
      memoryCapacity: view.memoryCapacity,
      pods: [...pods.values()],
    };
  }
}
