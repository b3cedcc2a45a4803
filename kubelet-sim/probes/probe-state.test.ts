import { describe, expect, it } from 'vitest';
import { newCounter, probeSettings, recordOutcome, shouldProbe, type ProbeCounter, type ProbeKind, type ProbeOutcome } from './probe-state.js';

const run = (kind: ProbeKind, outcomes: ProbeOutcome[], thresholds: { successThreshold?: number; failureThreshold?: number } = {}) => {
  const s = probeSettings({ exec: { command: ['true'] }, ...thresholds });
  let c: ProbeCounter = newCounter(kind);
  const results: string[] = [];
  for (const o of outcomes) {
    c = recordOutcome(c, o, s).counter;
    results.push(c.result);
  }
  return results;
};

describe('probe settings', () => {
  it("kube's defaults: no delay, every 10 s, 1 s timeout, thresholds 1 and 3", () => {
    expect(probeSettings({ httpGet: { port: 80 } })).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  });
  it('given values, and the probe-level termination grace', () => {
    expect(probeSettings({ tcpSocket: { port: 80 }, initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 1, terminationGracePeriodSeconds: 7 })).toEqual({
      initialDelayMs: 5000,
      periodMs: 2000,
      timeoutMs: 3000,
      successThreshold: 2,
      failureThreshold: 1,
      terminationGraceMs: 7000,
    });
  });
  it('zero period/timeout/thresholds of an unvalidated object fall back to the defaults', () => {
    expect(probeSettings({ exec: {}, periodSeconds: 0, timeoutSeconds: 0, successThreshold: 0, failureThreshold: 0 })).toMatchObject({ periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  });
});

describe('probe results (kubelet worker thresholds)', () => {
  const table: Array<{ name: string; kind: ProbeKind; outcomes: ProbeOutcome[]; thresholds?: { successThreshold?: number; failureThreshold?: number }; want: string[] }> = [
    { name: 'readiness starts not ready, one success makes it ready', kind: 'readiness', outcomes: ['success'], want: ['success'] },
    { name: 'readiness needs failureThreshold failures in a row to become unready', kind: 'readiness', outcomes: ['success', 'failure', 'failure', 'failure'], want: ['success', 'success', 'success', 'failure'] },
    { name: 'a success in between starts the count again', kind: 'readiness', outcomes: ['success', 'failure', 'failure', 'success', 'failure', 'failure'], want: ['success', 'success', 'success', 'success', 'success', 'success'] },
    { name: 'successThreshold 2: two successes in a row', kind: 'readiness', outcomes: ['success', 'success', 'failure', 'success', 'success'], thresholds: { successThreshold: 2, failureThreshold: 1 }, want: ['failure', 'success', 'failure', 'failure', 'success'] },
    { name: 'liveness is alive until failureThreshold failures', kind: 'liveness', outcomes: ['failure', 'failure', 'failure'], want: ['success', 'success', 'failure'] },
    { name: 'startup is unknown until it passes', kind: 'startup', outcomes: ['failure', 'success'], want: ['unknown', 'success'] },
    { name: 'startup fails after failureThreshold', kind: 'startup', outcomes: ['failure', 'failure'], thresholds: { failureThreshold: 2 }, want: ['unknown', 'failure'] },
    { name: 'an errored probe keeps the result and the count', kind: 'liveness', outcomes: ['failure', 'error', 'failure', 'error', 'failure'], want: ['success', 'success', 'success', 'success', 'failure'] },
  ];
  for (const t of table) it(t.name, () => expect(run(t.kind, t.outcomes, t.thresholds)).toEqual(t.want));

  it('reports a change only when the result flips', () => {
    const s = probeSettings({ exec: {} });
    const first = recordOutcome(newCounter('readiness'), 'success', s);
    expect(first.changed).toBe(true);
    expect(recordOutcome(first.counter, 'success', s).changed).toBe(false);
  });
});

describe('when a worker probes', () => {
  const s = probeSettings({ exec: {}, initialDelaySeconds: 5 });
  it('not before initialDelaySeconds from the start', () => {
    expect(shouldProbe('liveness', s, 4999, true)).toBe(false);
    expect(shouldProbe('liveness', s, 5000, true)).toBe(true);
  });
  it('readiness and liveness wait for the startup probe; startup itself does not', () => {
    expect(shouldProbe('readiness', s, 60_000, false)).toBe(false);
    expect(shouldProbe('liveness', s, 60_000, false)).toBe(false);
    expect(shouldProbe('startup', s, 60_000, false)).toBe(true);
  });
});
