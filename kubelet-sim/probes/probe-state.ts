import type { Probe } from '../../api/core/container.js';

/**
 * The decisions of kubelet's probe worker (pkg/kubelet/prober/worker.go), pure: when a
 * probe runs, and how consecutive outcomes become a result under successThreshold and
 * failureThreshold. probe-manager.ts drives these on the injected clock.
 */

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'unknown' | 'success' | 'failure';
/** One probe's answer; `error`: it could not be run (kube: "probe errored"), which keeps the result. */
export type ProbeOutcome = 'success' | 'failure' | 'error';

/** A probe with kube's defaults (pod-defaults.ts fills them at admission; a stored object may predate that). */
export interface ProbeSettings {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
  /** The probe's own terminationGracePeriodSeconds, when set (liveness/startup). */
  terminationGraceMs?: number;
}

export function probeSettings(p: Probe): ProbeSettings {
  const positive = (v: number | undefined, d: number) => (v !== undefined && v > 0 ? v : d);
  const s: ProbeSettings = {
    initialDelayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
    periodMs: positive(p.periodSeconds, 10) * 1000,
    timeoutMs: positive(p.timeoutSeconds, 1) * 1000,
    successThreshold: positive(p.successThreshold, 1),
    failureThreshold: positive(p.failureThreshold, 3),
  };
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds > 0) s.terminationGraceMs = p.terminationGracePeriodSeconds * 1000;
  return s;
}

/** The result before any probe ran: a container is not ready, is alive, and has not started (kube's initialValue). */
export function initialResult(kind: ProbeKind): ProbeResult {
  return kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : 'unknown';
}

export interface ProbeCounter {
  result: ProbeResult;
  /** The last outcome, and how many times in a row it came. */
  last?: 'success' | 'failure';
  run: number;
}

export function newCounter(kind: ProbeKind): ProbeCounter {
  return { result: initialResult(kind), run: 0 };
}

/**
 * The counter after one outcome. The result flips only once the outcome repeated its
 * threshold's number of times; an errored probe changes nothing. After a liveness or
 * startup failure the caller kills the container and starts a new counter with its next run.
 */
export function recordOutcome(c: ProbeCounter, outcome: ProbeOutcome, s: ProbeSettings): { counter: ProbeCounter; changed: boolean } {
  if (outcome === 'error') return { counter: c, changed: false };
  const run = c.last === outcome ? c.run + 1 : 1;
  const threshold = outcome === 'success' ? s.successThreshold : s.failureThreshold;
  if (run < threshold || c.result === outcome) return { counter: { result: c.result, last: outcome, run }, changed: false };
  return { counter: { result: outcome, last: outcome, run }, changed: true };
}

/**
 * Whether the worker probes at this tick: not before initialDelaySeconds from the
 * container's start, and readiness/liveness not before the startup probe succeeded.
 */
export function shouldProbe(kind: ProbeKind, s: ProbeSettings, sinceStartMs: number, started: boolean): boolean {
  if (kind !== 'startup' && !started) return false;
  return sinceStartMs >= s.initialDelayMs;
}

/** Kube's wording: the probe type as it opens an event message ("Liveness probe failed: …"). */
export function probeTitle(kind: ProbeKind): string {
  return kind === 'liveness' ? 'Liveness' : kind === 'readiness' ? 'Readiness' : 'Startup';
}
