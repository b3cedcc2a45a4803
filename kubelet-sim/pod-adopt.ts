import type { Pod } from '../api/core/pod.js';
import type { PodSim, Run } from './pod-lifecycle.js';
import { newPodSim } from './pod-lifecycle.js';
import { parseTime } from './time.js';

/**
 * Rebuilds the simulated state of a pod a kubelet already ran, from the status it wrote,
 * so a restarted kubelet-sim carries on (same IP, start time, restart count) instead of
 * starting every pod again. Undefined for pods no kubelet has touched (no startTime).
 */
export function adoptPodSim(pod: Pod): PodSim | undefined {
  const st = pod.status;
  const admittedAt = parseTime(st?.startTime);
  if (!st || admittedAt === undefined) return undefined;
  const sim: PodSim = { ...newPodSim(), admittedAt, podIP: st.podIP || undefined };
  const cs = st.containerStatuses?.[0];
  sim.restartCount = cs?.restartCount ?? 0;
  const last = cs?.lastState?.terminated;
  if (last) sim.last = runOf(last.startedAt, last.finishedAt, last.exitCode);
  const term = cs?.state?.terminated;
  const running = cs?.state?.running;
  if (st.phase === 'Succeeded' || st.phase === 'Failed') {
    sim.state = st.phase;
    if (term) sim.run = runOf(term.startedAt, term.finishedAt, term.exitCode);
    return sim;
  }
  if (st.phase === 'Running') {
    sim.state = 'Running';
    sim.run = { startedAt: parseTime(running?.startedAt) ?? parseTime(term?.startedAt) ?? admittedAt };
    sim.sandboxAt = admittedAt;
    return sim;
  }
  sim.state = st.podIP ? 'SandboxReady' : 'Admitted';
  if (st.podIP) sim.sandboxAt = admittedAt;
  return sim;
}

function runOf(startedAt: string | null | undefined, finishedAt: string | null | undefined, exitCode: number): Run {
  const start = parseTime(startedAt) ?? 0;
  return { startedAt: start, finishedAt: parseTime(finishedAt) ?? start, exitCode };
}
