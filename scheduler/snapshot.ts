/**
 * The scheduler's in-memory picture of the cluster (kube-scheduler's cache and snapshot in
 * one): nodes and the pods bound or assumed to them, fed incrementally by the scheduler
 * loop from its node and pod informers. Every change is O(1) on the node it touches
 * (node removal is O(nodes) to keep the list order), so 5,000 nodes and 100,000 pods
 * cost only memory.
 *
 * JavaScript runs one scheduling cycle at a time, so schedulePod reads this object
 * directly instead of a copy; the loop must not feed informer events in the middle of a
 * schedulePod call (it cannot: both run on the one thread).
 *
 * Assume/forget is the optimistic binding kube does: after schedulePod picks a node the
 * loop assumes the pod there (its resources count at once, so the next pod sees them),
 * then binds through the API. A failed bind forgets the pod; the informer's add/update of
 * the bound pod confirms it (the assumed entry is replaced and no longer assumed).
 *
 * Which pods count: those with spec.nodeName, unless they have finished (phase Succeeded
 * or Failed) — kube-scheduler's informer leaves terminated pods out for the same reason.
 * Unbound pods are the scheduling queue's business, not the cache's.
 */
import { NodeInfo, newPodInfo, type PodInfo } from './node-info.js';
import { nodeName, podKey, type NodeLike, type PodLike } from './types.js';

interface PodEntry {
  nodeName: string;
  assumed: boolean;
}

/** What schedulePod needs from the cluster picture. */
export interface SnapshotView {
  /** Nodes known as Node objects, in a stable order (round-robin starts index into it). */
  list(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
}

export class Snapshot implements SnapshotView {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly nodeList: NodeInfo[] = [];
  private readonly pods = new Map<string, PodEntry>();

  /** Adds or updates a node (labels, taints, allocatable, unschedulable). */
  addNode(node: NodeLike): void {
    const name = nodeName(node);
    let info = this.infos.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.infos.set(name, info);
    }
    const known = info.node !== undefined;
    info.setNode(node);
    if (!known) this.nodeList.push(info);
  }

  updateNode(node: NodeLike): void {
    this.addNode(node);
  }

  /**
   * Removes a node. Pods still bound to it keep counting against its (now nameless) entry
   * until they are removed themselves, as kube keeps them until the pod GC deletes them.
   */
  removeNode(node: NodeLike | string): void {
    const name = typeof node === 'string' ? node : nodeName(node);
    const info = this.infos.get(name);
    if (!info || !info.node) return;
    info.clearNode();
    const i = this.nodeList.indexOf(info);
    if (i >= 0) this.nodeList.splice(i, 1);
    if (info.pods.size === 0) this.infos.delete(name);
  }

  /**
   * Adds or updates a pod as seen from the API. A bound, running pod is (re)counted on its
   * node; an unbound or finished one is dropped. Confirms a pod assumed earlier.
   */
  addPod(pod: PodLike): void {
    const key = podKey(pod);
    const target = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!target || phase === 'Succeeded' || phase === 'Failed') {
      this.removePod(key);
      return;
    }
    const prev = this.pods.get(key);
    if (prev && prev.nodeName !== target) this.detach(key, prev.nodeName);
    this.attach(newPodInfo(pod), target);
    this.pods.set(key, { nodeName: target, assumed: false });
  }

  updatePod(pod: PodLike): void {
    this.addPod(pod);
  }

  /** Removes a pod (deleted from the API). Removing an unknown pod is a no-op. */
  removePod(pod: PodLike | string): void {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    const prev = this.pods.get(key);
    if (!prev) return;
    this.pods.delete(key);
    this.detach(key, prev.nodeName);
  }

  /**
   * Counts pod on nodeName before the binding is written. Answers the assumed copy of the
   * pod (spec.nodeName set), which is what the loop should bind. Assuming a pod the cache
   * already holds as bound is refused (throws): that is a scheduler-loop bug.
   */
  assumePod(pod: PodLike, nodeNameToUse: string): PodLike {
    const key = podKey(pod);
    const prev = this.pods.get(key);
    if (prev && !prev.assumed) throw new Error(`pod ${key} is already bound to ${prev.nodeName}`);
    if (prev) this.detach(key, prev.nodeName);
    const assumed: PodLike = { ...pod, spec: { ...(pod.spec ?? {}), nodeName: nodeNameToUse } };
    this.attach(newPodInfo(assumed), nodeNameToUse);
    this.pods.set(key, { nodeName: nodeNameToUse, assumed: true });
    return assumed;
  }

  /** Undoes assumePod after a failed bind. A pod that is not assumed is left alone. */
  forgetPod(pod: PodLike | string): void {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    const prev = this.pods.get(key);
    if (!prev || !prev.assumed) return;
    this.removePod(key);
  }

  isAssumed(pod: PodLike | string): boolean {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    return this.pods.get(key)?.assumed ?? false;
  }

  /** The node a pod counts against, if the cache holds it. */
  nodeOfPod(pod: PodLike | string): string | undefined {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    return this.pods.get(key)?.nodeName;
  }

  list(): readonly NodeInfo[] {
    return this.nodeList;
  }

  get(name: string): NodeInfo | undefined {
    const info = this.infos.get(name);
    return info?.node ? info : undefined;
  }

  get numNodes(): number {
    return this.nodeList.length;
  }

  get numPods(): number {
    return this.pods.size;
  }

  private attach(pi: PodInfo, target: string): void {
    let info = this.infos.get(target);
    if (!info) {
      info = new NodeInfo(target);
      this.infos.set(target, info);
    }
    info.addPod(pi);
  }

  private detach(key: string, from: string): void {
    const info = this.infos.get(from);
    if (!info) return;
    info.removePod(key);
    if (!info.node && info.pods.size === 0) this.infos.delete(from);
  }
}
