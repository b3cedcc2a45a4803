/**
 * VolumeBinding, after kube-scheduler's plugins/volumebinding: a pod's PersistentVolumeClaims
 * decide where it may run.
 *
 * - PreFilter: a claim that does not exist, or an unbound claim whose class binds at once
 *   (Immediate, or no class found), rejects the pod outright — the PV controller must bind
 *   it first. Claims of a WaitForFirstConsumer class are left for the node choice.
 * - Filter: a bound claim's volume must accept the node (its nodeAffinity); an unbound
 *   delayed claim needs an available volume that fits and accepts the node, or a class
 *   whose provisioner can provision there (not `kubernetes.io/no-provisioner`, and the
 *   node within allowedTopologies).
 * - PreBind (async, before the pod's binding): pre-binds the chosen volume to the claim
 *   (spec.claimRef, as kube's scheduler binder does) or, to provision, writes the claim's
 *   `volume.kubernetes.io/selected-node` annotation; then waits until the PV controller has
 *   bound every claim. The pod is bound to its node only after that, so it never sits on a
 *   node with an unbound claim.
 *
 * The listers read the scheduler's informer caches; the plugin keeps no state between
 * pods but the waiters of PreBind.
 */
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import type { StorageClass } from '../../api/storage/storageclass.js';
import { volumeMatches, requestedBytes } from '../../api/storage/volume-match.js';
import { parseQuantityOr } from '../../api/quantity.js';
import type { Clock, TimerHandle } from '../../lib/clock.js';
import { newStatus, SKIP, SUCCESS, type CycleState, type FilterPlugin, type PreFilterOutcome, type PreFilterPlugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { NodeSelectorTermLike, PodLike } from '../types.js';
import { matchesAnyTerm } from './node-selector.js';

export const VOLUME_BINDING = 'VolumeBinding';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
/** kube-scheduler's bindTimeoutSeconds default. */
export const DEFAULT_BIND_TIMEOUT_MS = 600_000;

export interface VolumeListers {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): readonly PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
}

/** The writes PreBind makes (a RestClient in the scheduler, a fake in tests). */
export interface VolumeBinderWriter {
  /** Sets pv.spec.claimRef; must fail on a stale resourceVersion (another pod took it). */
  claimVolume(pv: PersistentVolume, claim: PersistentVolumeClaim): Promise<void>;
  /** Sets the claim's selected-node annotation. */
  selectNode(claim: PersistentVolumeClaim, nodeName: string): Promise<void>;
}

interface PodVolumes {
  /** Volumes of claims already bound (undefined entries: bound to a missing PV). */
  readonly bound: readonly (PersistentVolume | undefined)[];
  /** Unbound claims of WaitForFirstConsumer classes, with the volumes that could serve them. */
  readonly delayed: readonly { claim: PersistentVolumeClaim; candidates: PersistentVolume[]; sc?: StorageClass }[];
}

const STATE_KEY = 'PreFilter' + VOLUME_BINDING;

interface VolumeLike {
  readonly name?: string;
  readonly persistentVolumeClaim?: { readonly claimName?: string };
  readonly ephemeral?: unknown;
}

/** The claim names a pod uses: persistentVolumeClaim volumes and generic ephemeral ones. */
export function podClaimNames(pod: PodLike): string[] {
  const vols = (pod.spec as { volumes?: readonly VolumeLike[] } | undefined)?.volumes ?? [];
  const out: string[] = [];
  for (const v of vols) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata?.name ?? ''}-${v.name ?? ''}`);
  }
  return out;
}

/** kube's isPVCFullyBound: the claim names its volume and the binder finished. */
export function claimFullyBound(claim: PersistentVolumeClaim): boolean {
  return Boolean(claim.spec?.volumeName) && claim.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] !== undefined && claim.status?.phase === 'Bound';
}

/** IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. */
function isDelayBinding(claim: PersistentVolumeClaim, listers: VolumeListers): boolean {
  const name = claim.spec?.storageClassName;
  if (!name) return false;
  return listers.storageClass(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

function volumeTerms(pv: PersistentVolume): readonly NodeSelectorTermLike[] | undefined {
  const required = pv.spec?.nodeAffinity?.required as { nodeSelectorTerms?: NodeSelectorTermLike[] } | undefined;
  return required?.nodeSelectorTerms;
}

/** Whether a volume's nodeAffinity admits the node (no affinity admits every node). */
export function volumeFitsNode(pv: PersistentVolume, labels: Readonly<Record<string, string>>, nodeName: string): boolean {
  const terms = volumeTerms(pv);
  return !terms || matchesAnyTerm(terms, labels, nodeName);
}

interface TopologyTerm {
  matchLabelExpressions?: { key: string; values: string[] }[];
}

/** MatchTopologySelectorTerms: no terms admit every node. */
export function classFitsNode(sc: StorageClass, labels: Readonly<Record<string, string>>): boolean {
  const terms = (sc.allowedTopologies ?? []) as TopologyTerm[];
  if (terms.length === 0) return true;
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => labels[e.key] !== undefined && e.values.includes(labels[e.key]!)));
}

function bytes(pv: PersistentVolume): number {
  return parseQuantityOr(pv.spec?.capacity?.['storage'] as string | undefined, 0);
}

/**
 * For one node: the volume each delayed claim would take (undefined: provision), or the
 * reasons it cannot go there. Volumes are taken smallest first and never twice.
 */
export function findPodVolumes(pv: PodVolumes, node: NodeInfo): { reasons: string[]; chosen: (PersistentVolume | undefined)[] } {
  const reasons: string[] = [];
  const labels = node.labels;
  if (pv.bound.some((v) => v === undefined)) reasons.push(ERR_REASON_PV_NOT_EXIST);
  if (pv.bound.some((v) => v !== undefined && !volumeFitsNode(v, labels, node.name))) reasons.push(ERR_REASON_NODE_CONFLICT);
  const taken = new Set<string>();
  const chosen: (PersistentVolume | undefined)[] = [];
  let bindConflict = false;
  for (const d of pv.delayed) {
    const match = d.candidates.find((v) => !taken.has(v.metadata.name ?? '') && volumeFitsNode(v, labels, node.name));
    if (match) {
      taken.add(match.metadata.name ?? '');
      chosen.push(match);
      continue;
    }
    chosen.push(undefined);
    if (!d.sc || d.sc.provisioner === NO_PROVISIONER || !classFitsNode(d.sc, labels)) bindConflict = true;
  }
  if (bindConflict) reasons.push(ERR_REASON_BIND_CONFLICT);
  return { reasons, chosen };
}

export interface VolumeBindingPlugin extends PreFilterPlugin, FilterPlugin {
  /** Binds or provisions the pod's delayed claims for `nodeName`, then waits until all are bound. */
  preBind(pod: PodLike, nodeName: string, nodeLabels: Readonly<Record<string, string>>): Promise<Status>;
  /** The scheduler calls this on every claim or volume change (wakes PreBind waiters). */
  claimsChanged(): void;
  /** Fails every waiting PreBind (scheduler shutdown). */
  close(): void;
}

export interface VolumeBindingOptions {
  listers: VolumeListers;
  writer: VolumeBinderWriter;
  clock: Clock;
  bindTimeoutMs?: number;
}

export function createVolumeBindingPlugin(opts: VolumeBindingOptions): VolumeBindingPlugin {
  const { listers, writer, clock } = opts;
  const timeoutMs = opts.bindTimeoutMs ?? DEFAULT_BIND_TIMEOUT_MS;
  const waiters = new Set<() => void>();
  let closed = false;

  const podVolumes = (pod: PodLike): PodVolumes | Status => {
    const ns = pod.metadata?.namespace ?? 'default';
    const bound: (PersistentVolume | undefined)[] = [];
    const delayed: PodVolumes['delayed'][number][] = [];
    let immediate = false;
    for (const name of podClaimNames(pod)) {
      const claim = listers.claim(ns, name);
      if (!claim) return newStatus('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" not found`);
      if (claim.metadata.deletionTimestamp) return newStatus('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" is being deleted`);
      if (claimFullyBound(claim)) {
        bound.push(listers.volume(claim.spec!.volumeName!));
        continue;
      }
      if (!claim.spec?.volumeName && isDelayBinding(claim, listers)) {
        const sc = listers.storageClass(claim.spec!.storageClassName!);
        const candidates = listers
          .volumes()
          .filter((v) => !v.spec?.claimRef && (v.status?.phase ?? 'Available') === 'Available' && volumeMatches(v, claim) && bytes(v) >= requestedBytes(claim))
          .sort((a, b) => bytes(a) - bytes(b));
        delayed.push({ claim, candidates, sc });
        continue;
      }
      immediate = true;
    }
    if (immediate) return newStatus('UnschedulableAndUnresolvable', ERR_REASON_UNBOUND_IMMEDIATE);
    return { bound, delayed };
  };

  const waitAllBound = (pod: PodLike, names: readonly string[]): Promise<Status> => {
    const ns = pod.metadata?.namespace ?? 'default';
    const done = (): boolean => names.every((n) => {
      const c = listers.claim(ns, n);
      return c !== undefined && claimFullyBound(c);
    });
    if (done()) return Promise.resolve(SUCCESS);
    return new Promise<Status>((resolve) => {
      let timer: TimerHandle | undefined;
      const finish = (s: Status): void => {
        waiters.delete(check);
        if (timer) clock.clearTimeout(timer);
        resolve(s);
      };
      const check = (): void => {
        if (closed) finish(newStatus('Error', 'binding volumes: scheduler stopping'));
        else if (done()) finish(SUCCESS);
      };
      timer = clock.setTimeout(() => finish(newStatus('Error', 'binding volumes: context deadline exceeded')), timeoutMs);
      waiters.add(check);
    });
  };

  return {
    name: VOLUME_BINDING,
    preFilter(pod: PodLike, state: CycleState): PreFilterOutcome {
      if (podClaimNames(pod).length === 0) return { status: SKIP };
      const v = podVolumes(pod);
      if ('code' in v) return { status: v };
      state.write(STATE_KEY, v);
      return { status: SUCCESS };
    },
    filter(_pod: PodLike, nodeInfo: NodeInfo, state: CycleState): Status {
      const v = state.read<PodVolumes>(STATE_KEY);
      if (!v) return SUCCESS;
      const { reasons } = findPodVolumes(v, nodeInfo);
      return reasons.length === 0 ? SUCCESS : newStatus('UnschedulableAndUnresolvable', ...reasons);
    },
    async preBind(pod, nodeName, nodeLabels) {
      const names = podClaimNames(pod);
      if (names.length === 0) return SUCCESS;
      const v = podVolumes(pod);
      if ('code' in v) return v;
      const { reasons, chosen } = findPodVolumes(v, { name: nodeName, labels: nodeLabels } as NodeInfo);
      if (reasons.length > 0) return newStatus('Unschedulable', ...reasons);
      try {
        for (let i = 0; i < v.delayed.length; i++) {
          const claim = v.delayed[i]!.claim;
          const pv = chosen[i];
          if (pv) await writer.claimVolume(pv, claim);
          else if (claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] !== nodeName) await writer.selectNode(claim, nodeName);
        }
      } catch (err) {
        return newStatus('Error', `binding volumes: ${(err as Error)?.message ?? String(err)}`);
      }
      return waitAllBound(pod, names);
    },
    claimsChanged() {
      for (const w of [...waiters]) w();
    },
    close() {
      closed = true;
      for (const w of [...waiters]) w();
    },
  };
}
