import type { Container } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import type { OutputLine } from './command-plan.js';
import type { RunLogSpec } from './log-content.js';
import { plannedOutput } from './pod-exit-plan.js';
import { isTerminal, type PodSim, type Run } from './pod-lifecycle.js';

/**
 * Which run of a container `GET /containerLogs` shows, or the error a kubelet gives
 * (validateContainerLogStatus): a waiting container has no logs yet, `previous` needs a
 * terminated earlier run, a crash-looping container shows its last run.
 */

export type LogSelection = { ok: true; spec: RunLogSpec } | { ok: false; code: number; message: string };

export interface LogTarget {
  pod: Pod;
  sim: PodSim;
  node: string;
  /**
   * What a container's own running program printed in the run started at startedAt
   * (container-processes.ts); undefined when that container's run had no live program.
   */
  liveOutput?(container: Container, startedAt: number): OutputLine[] | undefined;
}

export function selectContainerLog(target: LogTarget, containerName: string, previous: boolean, defaultIntervalMs: number): LogSelection {
  const { pod, sim } = target;
  const podName = pod.metadata.name ?? '';
  const inits = pod.spec?.initContainers ?? [];
  const init = inits.find((c) => c.name === containerName);
  const container = init ?? (pod.spec?.containers ?? []).find((c) => c.name === containerName);
  if (!container) return { ok: false, code: 404, message: `container "${containerName}" not found in pod "${podName}"` };
  const base = (c: Container, startedAt: number) => ({
    namespace: pod.metadata.namespace ?? '',
    pod: podName,
    container: c,
    annotations: pod.metadata.annotations,
    image: c.image ?? '',
    node: target.node,
    defaultIntervalMs,
    startedAt,
    output: target.liveOutput?.(c, startedAt) ?? plannedOutput(c, pod.metadata.annotations, startedAt),
  });
  const fail = (message: string): LogSelection => ({ ok: false, code: 400, message });
  const firstStart = sim.last?.startedAt ?? sim.run?.startedAt;

  if (init && sim.init) {
    // Its own runs (init-containers.ts): the current one, or the one before with --previous.
    const runs = sim.init.runs[inits.indexOf(init)] ?? [];
    const run = previous ? runs.at(-2) : runs.at(-1);
    if (!run) {
      if (previous) return fail(`previous terminated container "${containerName}" in pod "${podName}" not found`);
      return fail(`container "${containerName}" in pod "${podName}" is waiting to start: PodInitializing`);
    }
    const end = run.finishedAt ?? (isTerminal(sim.state) ? (sim.run?.finishedAt ?? run.startedAt) : undefined);
    return { ok: true, spec: { ...base(init, run.startedAt), finishedAt: end, exitCode: run.exitCode ?? 0, endedBy: run.finishedAt !== undefined ? 'exit' : 'stop' } };
  }
  if (init) {
    if (previous) return fail(`previous terminated container "${containerName}" in pod "${podName}" not found`);
    if (firstStart === undefined) {
      return isTerminal(sim.state)
        ? fail(`container "${containerName}" in pod "${podName}" is terminated`)
        : fail(`container "${containerName}" in pod "${podName}" is waiting to start: PodInitializing`);
    }
    const startedAt = sim.sandboxAt ?? firstStart;
    if (init.restartPolicy === 'Always') {
      const end = isTerminal(sim.state) ? (sim.run?.finishedAt ?? firstStart) : undefined;
      return { ok: true, spec: { ...base(init, startedAt), finishedAt: end, exitCode: 0, endedBy: 'stop' } };
    }
    return { ok: true, spec: { ...base(init, startedAt), finishedAt: firstStart, exitCode: 0, endedBy: 'exit', defaultIntervalMs: 0 } };
  }

  const runSpec = (run: Run, endedBy: 'exit' | 'stop'): LogSelection => ({
    ok: true,
    spec: { ...base(container, run.startedAt), finishedAt: run.finishedAt, exitCode: run.exitCode, endedBy },
  });
  if (previous) {
    if (!sim.last || sim.last.finishedAt === undefined) {
      return fail(`previous terminated container "${containerName}" in pod "${podName}" not found`);
    }
    return runSpec(sim.last, 'exit');
  }
  if (sim.run) return runSpec(sim.run, sim.run.killed ? 'stop' : 'exit');
  if (isTerminal(sim.state)) return fail(`container "${containerName}" in pod "${podName}" is terminated`);
  const reason = inits.length > 0 ? 'PodInitializing' : 'ContainerCreating';
  return fail(`container "${containerName}" in pod "${podName}" is waiting to start: ${reason}`);
}
