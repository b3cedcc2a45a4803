import type { Pod } from '../api/core/pod.js';
import type { PodDisruptionBudget } from '../api/policy/pdb.js';
import { labelSelectorFromObject, matchesLabels } from '../api/selector.js';
import { SAFE_TO_EVICT_ANNOTATION } from './options.js';

/**
 * Whether a pod stops its node from being scaled down, after CA's drainability rules
 * (simulator/drainability/rules, utils/drain) and the reasons it names them by
 * (drain.BlockingPodReason):
 *
 * - skip: the pod goes with the node and needs no new home — mirror pods, DaemonSet
 *   pods, pods that have finished;
 * - move: it must be rescheduled elsewhere before the node goes;
 * - block: the node stays — `safe-to-evict: "false"` (NotSafeToEvictAnnotation), no
 *   controller (NotReplicated), kube-system without a PodDisruptionBudget
 *   (UnmovableKubeSystemPod), emptyDir/hostPath volumes (LocalStorageRequested).
 *
 * `safe-to-evict: "true"` overrides every block, as in CA. PodDisruptionBudgets are
 * counted per node by the planner (scale-down.ts: NotEnoughPdb).
 */

export type BlockingPodReason = 'NotReplicated' | 'LocalStorageRequested' | 'NotSafeToEvictAnnotation' | 'UnmovableKubeSystemPod';

export type DrainDecision = { action: 'skip' } | { action: 'move' } | { action: 'block'; reason: BlockingPodReason; message: string };

export interface DrainRules {
  skipNodesWithLocalStorage: boolean;
  skipNodesWithSystemPods: boolean;
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const SAFE_TO_EVICT_LOCAL_VOLUMES = 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes';

export function controllerOf(pod: Pod): { kind: string; name: string } | undefined {
  const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? { kind: ref.kind, name: ref.name } : undefined;
}

export function pdbsForPod(pod: Pod, pdbs: readonly PodDisruptionBudget[]): PodDisruptionBudget[] {
  return pdbs.filter((b) => {
    if (b.metadata.namespace !== pod.metadata.namespace) return false;
    try {
      return matchesLabels(labelSelectorFromObject(b.spec?.selector ?? null), pod.metadata.labels);
    } catch {
      return false;
    }
  });
}

export function drainDecision(pod: Pod, pdbs: readonly PodDisruptionBudget[], rules: DrainRules): DrainDecision {
  const ann = pod.metadata.annotations ?? {};
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  if (ann[MIRROR_ANNOTATION] !== undefined) return { action: 'skip' };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { action: 'skip' };
  const owner = controllerOf(pod);
  if (owner?.kind === 'DaemonSet') return { action: 'skip' };
  if (ann[SAFE_TO_EVICT_ANNOTATION] === 'true') return { action: 'move' };
  if (ann[SAFE_TO_EVICT_ANNOTATION] === 'false') {
    return { action: 'block', reason: 'NotSafeToEvictAnnotation', message: `pod annotated as not safe to evict present: ${key}` };
  }
  if (!owner) return { action: 'block', reason: 'NotReplicated', message: `${key} is not replicated` };
  if (rules.skipNodesWithSystemPods && pod.metadata.namespace === 'kube-system' && pdbsForPod(pod, pdbs).length === 0) {
    return { action: 'block', reason: 'UnmovableKubeSystemPod', message: `non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: ${key}` };
  }
  if (rules.skipNodesWithLocalStorage && ann[SAFE_TO_EVICT_LOCAL_VOLUMES] === undefined) {
    const local = (pod.spec?.volumes ?? []).find((v) => v.hostPath || (v.emptyDir && v.emptyDir.medium !== 'Memory'));
    if (local) return { action: 'block', reason: 'LocalStorageRequested', message: `pod with local storage present: ${key}` };
  }
  return { action: 'move' };
}
