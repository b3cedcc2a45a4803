import type { KubeObject, ResourceType } from '../../api/types.js';

/**
 * How long the namespace controller waits before looking again at content that is still
 * going away (kube's deletion estimates), as pure functions.
 */

/** Objects held by finalizers get this long (kube's finalizerEstimateSeconds). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

interface PodLike {
  spec?: { terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

/**
 * kube's estimateGracefulTerminationForPods: the longest terminationGracePeriodSeconds of
 * the namespace's pods that have not finished (Succeeded/Failed pods go at once).
 */
export function podTerminationEstimate(pods: readonly KubeObject[]): number {
  let estimate = 0;
  for (const obj of pods) {
    const pod = obj as PodLike;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const grace = pod.spec?.terminationGracePeriodSeconds;
    if (grace !== undefined && grace > estimate) estimate = grace;
  }
  return estimate;
}

/** The `<resource>.<group>` name kube prints in NamespaceContentRemaining (`pods.` for core). */
export function remainingName(rt: Pick<ResourceType, 'plural' | 'group'>): string {
  return `${rt.plural}.${rt.group}`;
}

/** What is left of one resource type after a deletion pass (kube's gvrDeletionMetadata). */
export interface ResourceOutcome {
  estimateSeconds: number;
  numRemaining: number;
  finalizers: Map<string, number>;
  /** Items remain with neither a grace period to wait for nor finalizers: unexpected. */
  error?: string;
}

/**
 * Judges the items still listed after deletecollection. estimateSeconds is the graceful
 * estimate taken before deleting (pods only; 0 for other kinds).
 */
export function resourceOutcome(rt: Pick<ResourceType, 'plural' | 'group' | 'version'>, namespace: string, estimateSeconds: number, remaining: readonly KubeObject[]): ResourceOutcome {
  if (remaining.length === 0) return { estimateSeconds: 0, numRemaining: 0, finalizers: new Map() };
  const finalizers = new Map<string, number>();
  for (const item of remaining) for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  if (estimateSeconds > 0) return { estimateSeconds, numRemaining: remaining.length, finalizers };
  if (finalizers.size > 0) return { estimateSeconds: FINALIZER_ESTIMATE_SECONDS, numRemaining: remaining.length, finalizers };
  const gvr = `${rt.group ? `${rt.group}/` : ''}${rt.version}, Resource=${rt.plural}`;
  return {
    estimateSeconds,
    numRemaining: remaining.length,
    finalizers,
    error: `unexpected items still remain in namespace: ${namespace} for gvr: ${gvr}`,
  };
}

/** kube's namespace controller checks again after estimate/2 + 1 seconds. */
export function recheckDelayMs(estimateSeconds: number): number {
  return (Math.floor(estimateSeconds / 2) + 1) * 1000;
}
