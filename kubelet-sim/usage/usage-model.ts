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
  name: string;
  startedAtMs: number;
  cpuTotal: number;
  cpu: number;
  demand: number;
  memory: number;
  oomReported: boolean;
}

interface NodeState {
  lastAt: number;
  /** Uids of the pods last seen on the node (to forget those that went). */
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
  /**
   * Pod uid → its containers' states. Keyed by pod, not by `uid/container`: a key string
   * per container (twice, map and node set) cost more than the state itself.
   */
  private readonly containers = new Map<string, ContainerState[]>();
  private readonly windows = new Map<string, RequestWindow>();
  private readonly nodes = new Map<string, NodeState>();
  private readonly stepMs: number;
  /** Image name → its usage entry (the lookup parses the name; a node has few images). */
  private readonly imageCache = new Map<string, ImageUsage>();

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
    const c = this.containers.get(podUid)?.find((s) => s.name === container);
    return c ? slowdown(c.demand, c.cpu) : 1;
  }

  /** Advances the node to now and returns its usage; undefined for a node not simulated here. */
  sample(nodeName: string): NodeSample | undefined {
    const view = this.o.source(nodeName);
    if (!view) return undefined;
    const now = this.o.clock.now();
    let node = this.nodes.get(nodeName);
    // First read: integrate from the node's start, so counters are cumulative since each
    // container started (as cAdvisor's are), not since someone first asked.
    if (!node) this.nodes.set(nodeName, (node = { lastAt: Math.min(now, view.startedAtMs), keys: new Set(), cpuTotal: 0, cpu: NODE_SYSTEM_CPU }));
    const flat: Array<{ pod: PodView; c: ContainerView; st: ContainerState; usage: ImageUsage; profile?: LoadProfile; window?: RequestWindow }> = [];
    const live = new Set<string>();
    for (const pod of view.pods) {
      live.add(pod.uid);
      const before = this.containers.get(pod.uid);
      const states: ContainerState[] = [];
      for (const c of pod.containers) {
        let st = before?.find((x) => x.name === c.name);
        if (!st || st.startedAtMs !== c.startedAtMs) {
          // A new container, or a restart: cAdvisor's counters start again from zero.
          st = { name: c.name, startedAtMs: c.startedAtMs, cpuTotal: 0, cpu: 0, demand: 0, memory: 0, oomReported: false };
        }
        states.push(st);
        let usage = this.imageCache.get(c.image);
        if (!usage) this.imageCache.set(c.image, (usage = imageUsage(c.image, this.o.images)));
        flat.push({ pod, c, st, usage, profile: c.profile ?? usage.profile, window: this.windows.size > 0 ? this.windows.get(key(pod.uid, c.name)) : undefined });
      }
      // Containers no longer in the pod's view are forgotten with their request windows.
      for (const old of before ?? []) if (!states.some((x) => x.name === old.name)) this.windows.delete(key(pod.uid, old.name));
      if (!before || before.length !== states.length || states.some((st, i) => st !== before[i])) this.containers.set(pod.uid, states);
    }
    for (const uid of node.keys) {
      if (live.has(uid)) continue;
      for (const st of this.containers.get(uid) ?? []) this.windows.delete(key(uid, st.name));
      this.containers.delete(uid);
    }
    node.keys = live;

    const demandAt = (e: (typeof flat)[number], t: number): number =>
      t < e.c.startedAtMs ? 0 : e.usage.idleCpu + (e.profile ? profileAt(e.profile, t - e.c.startedAtMs).cpu : 0) + (e.window?.rateAt(t).cpu ?? 0);

    const capacity = Math.max(0, view.cpuCapacity - NODE_SYSTEM_CPU);
    const demands = new Float64Array(flat.length);
    const granted = new Float64Array(flat.length);
    /** Fills demands and granted at time t: CFS sharing only when the node is saturated. */
    const allocate = (t: number): void => {
      let total = 0;
      for (let i = 0; i < flat.length; i++) {
        const e = flat[i]!;
        demands[i] = demandAt(e, t);
        granted[i] = Math.min(demands[i]!, e.c.cpuLimit ?? Infinity);
        total += granted[i]!;
      }
      if (total <= capacity) return;
      const shared = shareCpu(
        flat.map((e, i) => ({ demand: demands[i]!, request: e.c.cpuRequest, ...(e.c.cpuLimit !== undefined ? { limit: e.c.cpuLimit } : {}) })),
        capacity,
      );
      shared.forEach((g, i) => (granted[i] = g));
    };

    // Integrate from the last advance in steps; a long gap takes at most 600 steps.
    const gap = now - node.lastAt;
    const steps = gap <= 0 ? 0 : Math.min(600, Math.ceil(gap / this.stepMs));
    for (let s = 0; s < steps; s++) {
      const t0 = node.lastAt + (gap * s) / steps;
      const t1 = node.lastAt + (gap * (s + 1)) / steps;
      allocate((t0 + t1) / 2);
      let sum = NODE_SYSTEM_CPU;
      for (let i = 0; i < flat.length; i++) {
        const e = flat[i]!;
        // Only the part of the step the container ran counts.
        const ran = Math.max(0, t1 - Math.max(t0, e.c.startedAtMs)) / 1000;
        e.st.cpuTotal += granted[i]! * ran;
        sum += granted[i]!;
      }
      node.cpuTotal += (sum * (t1 - t0)) / 1000;
    }
    if (steps > 0 || flat.some((e) => e.st.cpu === 0)) {
      allocate(now);
      node.cpu = NODE_SYSTEM_CPU;
      for (let i = 0; i < flat.length; i++) {
        flat[i]!.st.demand = demands[i]!;
        flat[i]!.st.cpu = granted[i]!;
        node.cpu += granted[i]!;
      }
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
