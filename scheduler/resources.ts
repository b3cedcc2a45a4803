/**
 * Resource arithmetic as kube-scheduler does it: a pod's request is the sum of its
 * containers, raised to the largest init container (init containers run one at a time,
 * sidecars — restartable init containers — keep running and so add up), plus the pod's
 * overhead. CPU is counted in millicores rounded up, everything else in whole units
 * (bytes, devices) rounded up, as Quantity.MilliValue()/Value() do.
 */
import { parseQuantityOr } from '../api/quantity.js';
import type { ContainerLike, NodeLike, PodLike, ResourceList } from './types.js';

/** Used for scoring a container that requests no CPU (0.1 core), as kube-scheduler does. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** Used for scoring a container that requests no memory (200Mi), as kube-scheduler does. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Allocatable: the node's pod capacity. Requested: the number of pods on the node. */
  pods: number;
  /** Extended resources (example.com/gpu), hugepages-*, attachable-volumes-*. */
  scalar: Map<string, number>;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: new Map() };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: new Map(r.scalar) };
}

/** A native resource has no domain, or a kubernetes.io domain (IsNativeResource). */
function isNativeResourceName(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Extended resources: domain-prefixed names outside kubernetes.io, e.g. nvidia.com/gpu. */
export function isExtendedResourceName(name: string): boolean {
  return !isNativeResourceName(name) && !name.startsWith('requests.');
}

/** Resources the scheduler tracks beyond cpu/memory/ephemeral-storage/pods. */
export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    name.startsWith('hugepages-') ||
    name.startsWith('attachable-volumes-') ||
    name.includes('kubernetes.io/')
  );
}

/** Whole units rounded up, without float noise (0.1 * 3 stays 0.3 → 1, 3.0000000001 → 3). */
function ceilUnits(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-6 ? r : Math.ceil(v);
}

type Amounts = Map<string, number>;

// Clusters repeat the same few quantity strings ("100m", "128Mi") endlessly; parsing is a
// regex, so parsed values are memoised. Bounded: cleared when it grows past the limit.
const parsed = new Map<string, number>();
const PARSED_LIMIT = 10_000;

function quantity(q: string | number): number {
  if (typeof q === 'number') return Number.isFinite(q) ? q : 0;
  let v = parsed.get(q);
  if (v === undefined) {
    v = parseQuantityOr(q, 0);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(q, v);
  }
  return v;
}

function addList(into: Amounts, list: ResourceList | undefined): void {
  if (!list) return;
  for (const name in list) {
    const q = list[name];
    if (q === undefined) continue;
    into.set(name, (into.get(name) ?? 0) + quantity(q));
  }
}

function addAmounts(into: Amounts, from: Amounts): void {
  for (const [name, v] of from) into.set(name, (into.get(name) ?? 0) + v);
}

function maxAmounts(into: Amounts, from: Amounts): void {
  for (const [name, v] of from) into.set(name, Math.max(into.get(name) ?? 0, v));
}

function containerAmounts(c: ContainerLike, nonMissing: boolean): Amounts {
  const a: Amounts = new Map();
  const requests = c.resources?.requests;
  addList(a, requests);
  if (nonMissing) {
    // Defaults fill only a missing key: an explicit "0" stays zero, as in kube.
    if (requests?.cpu === undefined) a.set('cpu', DEFAULT_MILLI_CPU_REQUEST / 1000);
    if (requests?.memory === undefined) a.set('memory', DEFAULT_MEMORY_REQUEST);
  }
  return a;
}

/** Per-resource amounts in base units (cores, bytes) for a whole pod. */
function podAmounts(pod: PodLike, nonMissing: boolean): Amounts {
  const spec = pod.spec ?? {};
  const total: Amounts = new Map();
  for (const c of spec.containers ?? []) addAmounts(total, containerAmounts(c, nonMissing));
  const sidecars: Amounts = new Map();
  const initPeak: Amounts = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = containerAmounts(c, nonMissing);
    const during: Amounts = new Map(sidecars);
    if (c.restartPolicy === 'Always') {
      // A sidecar runs alongside the main containers and every later init container.
      addAmounts(total, own);
      addAmounts(sidecars, own);
      addAmounts(during, own);
    } else {
      addAmounts(during, own);
    }
    maxAmounts(initPeak, during);
  }
  maxAmounts(total, initPeak);
  addList(total, spec.overhead);
  return total;
}

function amountsToResource(a: Amounts): Resource {
  const r = emptyResource();
  for (const [name, v] of a) {
    switch (name) {
      case 'cpu':
        r.milliCPU = ceilUnits(v * 1000);
        break;
      case 'memory':
        r.memory = ceilUnits(v);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage = ceilUnits(v);
        break;
      case 'pods':
        r.pods = ceilUnits(v);
        break;
      default:
        if (isScalarResourceName(name)) r.scalar.set(name, ceilUnits(v));
    }
  }
  return r;
}

/**
 * What a pod asks of a node for filtering (computePodResourceRequest): containers summed,
 * the init-container peak, overhead. `pods` is always 0 here; the filter counts pods itself.
 */
export function computePodResourceRequest(pod: PodLike): Resource {
  const r = amountsToResource(podAmounts(pod, false));
  r.pods = 0;
  return r;
}

/**
 * CPU and memory as used for scoring: a container that requests no CPU counts as 100m
 * and one with no memory request as 200Mi, so empty pods still spread.
 */
export function computePodNonZeroRequest(pod: PodLike): { milliCPU: number; memory: number } {
  const r = amountsToResource(podAmounts(pod, true));
  return { milliCPU: r.milliCPU, memory: r.memory };
}

/** A node's allocatable resources; falls back to capacity where allocatable is unset. */
export function nodeAllocatable(node: NodeLike): Resource {
  const a: Amounts = new Map();
  addList(a, node.status?.capacity);
  const alloc: Amounts = new Map();
  addList(alloc, node.status?.allocatable);
  for (const [k, v] of alloc) a.set(k, v);
  return amountsToResource(a);
}
