import type { Container } from '../api/core/container.js';
import type { Run } from './pod-lifecycle.js';

/**
 * Init containers as kubelet runs them (pkg/kubelet/kuberuntime computeInitContainerActions),
 * pure: one at a time in spec order, each to a successful exit before the next starts; a
 * sidecar (restartPolicy: Always) starts and the next one follows at once, while it keeps
 * running beside the app containers. A failed init container is restarted with the
 * crash-loop back-off, unless the pod's restartPolicy is Never: then the pod fails.
 * The app containers start when every regular init container completed.
 */

export interface InitState {
  /** The init container running or next to start; the number of init containers once all are through. */
  index: number;
  /** Each init container's runs, oldest first (restartCount = runs − 1). */
  runs: Run[][];
  /** Failed runs of the current init container in its back-off series. */
  backoffStep: number;
  /** Waiting out the back-off before the current init container runs again. */
  backoff?: boolean;
}

export function newInitState(count: number): InitState {
  return { index: 0, runs: Array.from({ length: count }, () => []), backoffStep: 0 };
}

export const isSidecar = (c: Pick<Container, 'restartPolicy'>): boolean => c.restartPolicy === 'Always';

export function initsComplete(s: InitState | undefined, count: number): boolean {
  return count === 0 || (s !== undefined && s.index >= count);
}

/** The current init container's run starts now. */
export function startInit(s: InitState, now: number): InitState {
  const runs = s.runs.map((r, i) => (i === s.index ? [...r, { startedAt: now }] : r));
  return { ...s, runs, backoff: false };
}

/** A sidecar is up: the next init container may start. */
export function sidecarStarted(s: InitState): InitState {
  return { ...s, index: s.index + 1, backoffStep: 0 };
}

export type InitOutcome = 'next' | 'backoff' | 'failed';

/** The current init container's run ended with `exitCode`. */
export function initExited(s: InitState, now: number, exitCode: number, restartPolicy: string | undefined): { state: InitState; outcome: InitOutcome } {
  const runs = s.runs.map((r, i) => (i === s.index ? r.map((run, j) => (j === r.length - 1 ? { ...run, finishedAt: now, exitCode } : run)) : r));
  if (exitCode === 0) return { state: { ...s, runs, index: s.index + 1, backoffStep: 0, backoff: false }, outcome: 'next' };
  if ((restartPolicy ?? 'Always') === 'Never') return { state: { ...s, runs, backoff: false }, outcome: 'failed' };
  return { state: { ...s, runs, backoffStep: s.backoffStep + 1, backoff: true }, outcome: 'backoff' };
}

/** The regular init containers that have not completed (the Initialized condition's message). */
export function incompleteInits(inits: readonly Container[], s: InitState | undefined): string[] {
  return inits.filter((c, i) => !isSidecar(c) && (s === undefined || i >= s.index)).map((c) => c.name);
}

/** A sidecar's run ended by itself (kube restarts sidecars whatever the pod's restartPolicy). */
export function sidecarExited(s: InitState, index: number, now: number, exitCode: number): InitState {
  const runs = s.runs.map((r, i) => (i === index ? r.map((run, j) => (j === r.length - 1 ? { ...run, finishedAt: now, exitCode } : run)) : r));
  return { ...s, runs };
}

/** A sidecar runs again after its back-off. */
export function sidecarRestarted(s: InitState, index: number, now: number): InitState {
  return { ...s, runs: s.runs.map((r, i) => (i === index ? [...r, { startedAt: now }] : r)) };
}

/** Restarts of a sidecar so far decide its back-off step (the first restart is immediate). */
export function sidecarBackoffStep(s: InitState, index: number): number {
  return Math.max(0, (s.runs[index]?.length ?? 1) - 1);
}
