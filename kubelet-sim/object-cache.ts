import type { KubeObject } from '../api/types.js';
import { Interner } from '../client/intern.js';

/**
 * What the simulated kubelets keep of the Pods and Nodes they cache (the informers'
 * transform, as client-go's SetTransform): the fields they read, with every member that
 * pods or nodes have in common shared (client/intern.ts) — one copy of a Deployment's
 * containers for all its pods, one copy of an image name for all nodes.
 *
 * Dropped: metadata.managedFields (never read by a kubelet; about a third of a
 * server-side-applied object), and the fields only the scheduler and the garbage collector
 * read. Kept: everything the simulator, the shells (downward API, env, /etc files), the
 * probes and the usage model read — the rest of metadata, spec and status. The cached
 * object is frozen in parts (its shared members): read-only, as every informer cache.
 */
const DROPPED_NODE_METADATA = new Set(['managedFields']);
const DROPPED_METADATA = new Set(['managedFields', 'ownerReferences', 'generateName', 'generation', 'creationTimestamp', 'finalizers', 'selfLink']);

/** Pod spec fields only kube-scheduler reads (placement is done by the time a kubelet sees the pod). */
const DROPPED_POD_SPEC = new Set(['affinity', 'tolerations', 'nodeSelector', 'schedulerName', 'priorityClassName', 'priority', 'preemptionPolicy', 'topologySpreadConstraints', 'schedulingGates']);

export interface CacheTransforms {
  pod(obj: KubeObject): KubeObject;
  node(obj: KubeObject): KubeObject;
  /** For tests and benchmarks: the interner's table of shared objects. */
  readonly interner: Interner;
}

/** One interner for both caches (nodes and pods share image names, node names, label keys). */
export function createCacheTransforms(interner = new Interner()): CacheTransforms {
  return {
    interner,
    pod: (obj) => compact(interner, obj, DROPPED_METADATA, DROPPED_POD_SPEC, true),
    // A node's spec is unique (its podCIDR, providerID): copied, members shared. Its
    // metadata is kept but managedFields: node-sync reads creationTimestamp, and the
    // network code (sharing this cache) the Node's owner and annotations.
    node: (obj) => compact(interner, obj, DROPPED_NODE_METADATA, undefined, false),
  };
}

function compact(interner: Interner, obj: KubeObject, droppedMetadata: Set<string>, droppedSpec: Set<string> | undefined, shareSpec: boolean): KubeObject {
  // Odd input (not an object, no metadata) is cached as it came: the informer and the
  // handlers already cope with it, and a transform must not throw.
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || !isRecord(obj.metadata)) return obj;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'metadata') out[k] = compactMetadata(interner, v as Record<string, unknown>, droppedMetadata);
    else if (k === 'spec' && isRecord(v)) {
      const spec = droppedSpec ? without(v, droppedSpec) : v;
      // Pods of one template on one node have equal specs: share the whole of it.
      out[k] = shareSpec ? interner.value(spec) : interner.copy(spec);
    } else if (k === 'status') out[k] = compactStatus(interner, v);
    else if (k === '__proto__') continue;
    else out[k] = interner.value(v);
  }
  return out as KubeObject;
}

/** metadata without the dropped fields; its own unique strings (name, uid, resourceVersion) are not put in the string table, where they would only churn it. */
function compactMetadata(interner: Interner, meta: Record<string, unknown>, dropped: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(meta)) {
    if (dropped.has(k) || k === '__proto__') continue;
    out[interner.string(k)] = UNIQUE_METADATA.has(k) ? meta[k] : interner.value(meta[k]);
  }
  return out;
}

const UNIQUE_METADATA = new Set(['name', 'uid', 'resourceVersion']);

/**
 * Status lists whose items are unique to their object (a container's ID, an address):
 * fresh arrays of fresh items with shared members, instead of entries in the interner's
 * table that would never be shared.
 */
const UNIQUE_STATUS_LISTS = new Set(['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses', 'podIPs', 'addresses']);

function compactStatus(interner: Interner, status: unknown): unknown {
  if (!isRecord(status)) return interner.value(status);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(status)) {
    if (k === '__proto__') continue;
    const v = status[k];
    out[interner.string(k)] = UNIQUE_STATUS_LISTS.has(k) && Array.isArray(v) ? v.map((item) => interner.copy(item)) : interner.value(v);
  }
  return out;
}

function without(v: Record<string, unknown>, dropped: Set<string>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    if (!dropped.has(k)) continue;
    out ??= { ...v };
    delete out[k];
  }
  return out ?? v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * True when two cached versions differ only in metadata.resourceVersion: an update the
 * kubelet has nothing to do for (a change to a dropped field, a no-op write). Relies on
 * the cache's sharing: equal members are the same value, so identity is equality; an
 * unshared member (not JSON data) makes the versions count as different.
 */
export function sameButVersion(a: KubeObject, b: KubeObject): boolean {
  if (a === b) return true;
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(rb, k)) return false;
    const x = ra[k];
    const y = rb[k];
    if (x === y) continue;
    if (!isRecord(x) || !isRecord(y)) return false;
    // metadata and status are per-object copies: compare their members.
    if (!(k === 'metadata' || k === 'status' || k === 'spec') || !sameMembers(x, y, k === 'metadata' ? 'resourceVersion' : undefined)) return false;
  }
  return true;
}

function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>, ignore: string | undefined): boolean {
  const ka = Object.keys(a).filter((k) => k !== ignore);
  const kb = Object.keys(b).filter((k) => k !== ignore);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !(a[k] === b[k] || sameFreshList(a[k], b[k]))) return false;
  return true;
}

/** Two lists of fresh items (UNIQUE_STATUS_LISTS) with the same members. */
function sameFreshList(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i];
    const y: unknown = b[i];
    if (x !== y && !(isRecord(x) && isRecord(y) && sameMembers(x, y, undefined))) return false;
  }
  return true;
}
