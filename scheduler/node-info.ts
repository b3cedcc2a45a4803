/**
 * NodeInfo: one node and the pods the scheduler believes run on it, with running totals
 * (requested resources, host ports) kept up to date on every add/remove so a Filter is
 * O(1) per node. PodInfo holds what is derived from a pod once, when it enters the cache.
 */
import {
  computePodNonZeroRequest,
  computePodResourceRequest,
  emptyResource,
  nodeAllocatable,
  type Resource,
} from './resources.js';
import { podKey, type NodeLike, type PodLike, type TaintLike } from './types.js';

export interface HostPort {
  /** "0.0.0.0" when the pod did not pin an address (any address). */
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

export const ANY_IP = '0.0.0.0';

/**
 * The host ports a pod binds: those of its containers and sidecars (restartable init
 * containers) with hostPort > 0; protocol defaults to TCP and address to any.
 */
export function podHostPorts(pod: PodLike): HostPort[] {
  const out: HostPort[] = [];
  const spec = pod.spec ?? {};
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || ANY_IP, protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

/**
 * Host ports in use on a node, reference-counted so that removing one of two pods that
 * (through an optimistic race) hold the same port keeps it marked used.
 */
export class HostPortSet {
  private readonly byIP = new Map<string, Map<string, number>>();

  add(p: HostPort): void {
    let m = this.byIP.get(p.ip);
    if (!m) this.byIP.set(p.ip, (m = new Map()));
    const k = `${p.protocol}/${p.port}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const m = this.byIP.get(p.ip);
    if (!m) return;
    const k = `${p.protocol}/${p.port}`;
    const n = (m.get(k) ?? 0) - 1;
    if (n > 0) m.set(k, n);
    else m.delete(k);
    if (m.size === 0) this.byIP.delete(p.ip);
  }

  /**
   * Whether binding p would clash: the same protocol/port on the same address, or on any
   * address when either side uses 0.0.0.0 (HostPortInfo.CheckConflict).
   */
  conflicts(p: HostPort): boolean {
    const k = `${p.protocol}/${p.port}`;
    if (p.ip === ANY_IP) {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return (this.byIP.get(p.ip)?.has(k) ?? false) || (this.byIP.get(ANY_IP)?.has(k) ?? false);
  }

  get size(): number {
    let n = 0;
    for (const m of this.byIP.values()) n += m.size;
    return n;
  }
}

export interface PodInfo {
  readonly key: string;
  readonly pod: PodLike;
  /** computePodResourceRequest: what the Fit filter adds up. */
  readonly requests: Resource;
  /** CPU/memory with the 100m/200Mi defaults for containers that request none (scoring). */
  readonly nonZero: { readonly milliCPU: number; readonly memory: number };
  readonly hostPorts: readonly HostPort[];
}

export function newPodInfo(pod: PodLike): PodInfo {
  return {
    key: podKey(pod),
    pod,
    requests: computePodResourceRequest(pod),
    nonZero: computePodNonZeroRequest(pod),
    hostPorts: podHostPorts(pod),
  };
}

const NO_TAINTS: readonly TaintLike[] = Object.freeze([]);

export class NodeInfo {
  /** Undefined while the cache knows pods bound to a node it has not (or no longer) seen. */
  node: NodeLike | undefined;
  readonly pods = new Map<string, PodInfo>();
  allocatable: Resource = emptyResource();
  /** Sum of the pods' requests; `pods` is the pod count. */
  readonly requested: Resource = emptyResource();
  /** Sum of the pods' non-zero CPU/memory (scoring); `pods` is the pod count. */
  readonly nonZeroRequested: Resource = emptyResource();
  readonly usedPorts = new HostPortSet();
  /** Bumped on every change; lets callers cache per-node derivations. */
  generation = 0;

  constructor(readonly name: string, node?: NodeLike) {
    if (node) this.setNode(node);
  }

  setNode(node: NodeLike): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
    this.generation++;
  }

  clearNode(): void {
    this.node = undefined;
    this.allocatable = emptyResource();
    this.generation++;
  }

  get labels(): Readonly<Record<string, string>> {
    return this.node?.metadata?.labels ?? {};
  }

  get taints(): readonly TaintLike[] {
    return this.node?.spec?.taints ?? NO_TAINTS;
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.key)) this.removePod(pi.key);
    this.pods.set(pi.key, pi);
    this.apply(pi, 1);
  }

  /** Removes a pod by key; answers whether it was there. */
  removePod(key: string): boolean {
    const pi = this.pods.get(key);
    if (!pi) return false;
    this.pods.delete(key);
    this.apply(pi, -1);
    return true;
  }

  private apply(pi: PodInfo, sign: 1 | -1): void {
    const r = this.requested;
    r.milliCPU += sign * pi.requests.milliCPU;
    r.memory += sign * pi.requests.memory;
    r.ephemeralStorage += sign * pi.requests.ephemeralStorage;
    r.pods += sign;
    for (const [name, v] of pi.requests.scalar) {
      const next = (r.scalar.get(name) ?? 0) + sign * v;
      if (next === 0) r.scalar.delete(name);
      else r.scalar.set(name, next);
    }
    const nz = this.nonZeroRequested;
    nz.milliCPU += sign * pi.nonZero.milliCPU;
    nz.memory += sign * pi.nonZero.memory;
    nz.pods += sign;
    for (const p of pi.hostPorts) {
      if (sign > 0) this.usedPorts.add(p);
      else this.usedPorts.remove(p);
    }
    this.generation++;
  }
}
