import type { Container } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import type { ObjectReference } from '../api/meta.js';
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { OutputLine } from './command-plan.js';
import { planCommand } from './command-plan.js';
import { resolveContainerEnv, type ConfigSources } from './container-config.js';
import { containerRef } from './lifecycle-events.js';
import { liveArgv, needsConfigEnv, runsLive } from './live-command.js';
import { createPacer, type PacerOptions } from './process-pace.js';
import { RunOutput } from './run-output.js';
import { runProgram } from './shell/busybox.js';
import { textInput, type Io, type ShellHost } from './shell/types.js';
import type { ContainerTarget } from './streams/container-host.js';

/**
 * Containers' own commands as running programs: when a run of a pod's containers starts,
 * each container that runs live (live-command.ts) gets its argv executed in the simulated
 * busybox (the same shell `kubectl exec` gets, with the container's filesystem, environ
 * and network), as its main process:
 *
 * - stdin is empty (/dev/null: the container has no stdin), stdout and stderr go to the
 *   container's log (RunOutput; `kubectl logs`, `-f`, `--previous` read it);
 * - the environment is the container's: env, envFrom and valueFrom from ConfigMaps,
 *   Secrets and the pod's fields (container-config.ts), the Service variables; a missing
 *   ConfigMap/Secret leaves the program unstarted with kube's `Failed` event message;
 * - when every live container of the run has exited (and the others are planned to exit),
 *   the run ends with the first non-zero status (else 0) through the simulator's
 *   command-exit path, so restartPolicy, back-off and the terminated state follow as for
 *   any exit; when the run ends otherwise (pod deleted, OOM kill), the programs are stopped.
 *
 * CPU: programs wait on the injected clock (`sleep`, and each wget for its simulated
 * latency), so a `while sleep 0.01; do wget …; done` loop makes one request per 10 ms +
 * latency of real time; a loop without any wait is held to a step budget (process-pace.ts).
 */

export interface RunRef {
  key: string;
  uid: string;
  node: string;
  hostIP: string;
  podIP?: string;
  /** The current run, if the containers are running. */
  run?: { startedAt: number; finishedAt?: number };
  running: boolean;
}

export interface ContainerProcessesOptions {
  clock: Clock;
  logger: Logger;
  hostFor(t: ContainerTarget): { host: ShellHost; env: Map<string, string> };
  config?: ConfigSources;
  /** Every live program of the run ended by itself: end the run with this status. */
  exited(key: string, uid: string, startedAt: number, exitCode: number): void;
  /** A container printed complete lines (wake `kubectl logs -f`). */
  printed(key: string): void;
  warn(ref: ObjectReference, reason: string, message: string, node: string): void;
  pace?: Partial<PacerOptions>;
  /** How long an unfinished line waits before it is logged as a partial entry; default 1 s. */
  partialFlushMs?: number;
}

interface Proc {
  container: string;
  ctrl: AbortController;
  output: RunOutput;
  flushTimer?: TimerHandle;
  code?: number;
}

interface LiveRun {
  key: string;
  uid: string;
  startedAt: number;
  procs: Proc[];
  stopped: boolean;
  exitTimer?: TimerHandle;
  /** An init container's run: its one program's status goes here instead of ending the pod's run. */
  onExit?: (code: number) => void;
}

/**
 * Why the pod's containers cannot be created (kubelet's CreateContainerConfigError): the
 * first container whose env names a ConfigMap/Secret or key that is missing (not optional).
 */
export function configErrorOf(pod: Pod, config: ConfigSources): { container: string; message: string } | undefined {
  for (const c of pod.spec?.containers ?? []) {
    if (!needsConfigEnv(c)) continue;
    const r = resolveContainerEnv(pod, c, config);
    if (!r.ok) return { container: c.name, message: r.message };
  }
  return undefined;
}

/** Output kept per container: the current and the previous run (kubectl logs --previous). */
const RUNS_KEPT = 2;

export class ContainerProcesses {
  /** The live run of each pod (by uid): one at a time. */
  private readonly runs = new Map<string, LiveRun>();
  /** The init container running live in each pod (by uid), before the app containers' run. */
  private readonly initRuns = new Map<string, LiveRun>();
  /** pod uid → container → outputs by run start, oldest first. */
  private readonly outputs = new Map<string, Map<string, Array<{ startedAt: number; output: RunOutput }>>>();
  private stoppedAll = false;

  constructor(private readonly o: ContainerProcessesOptions) {}

  /** The simulator's run of a pod changed (started, ended, pod gone: pod undefined). */
  runChanged(ref: RunRef, pod: Pod | undefined): void {
    const current = ref.running && ref.run && ref.run.finishedAt === undefined ? ref.run.startedAt : undefined;
    const existing = this.runs.get(ref.uid);
    if (existing && existing.startedAt !== current) this.stopRun(existing);
    if (!pod) {
      const init = this.initRuns.get(ref.uid);
      if (init) this.stopRun(init);
      this.outputs.delete(ref.uid);
      return;
    }
    if (current === undefined || this.stoppedAll || this.runs.has(ref.uid)) return;
    const live = (pod.spec?.containers ?? []).filter((c) => runsLive(c, pod.metadata.annotations));
    if (live.length === 0) return;
    const run: LiveRun = { key: ref.key, uid: ref.uid, startedAt: current, procs: [], stopped: false };
    this.runs.set(ref.uid, run);
    for (const c of live) this.start(run, ref, pod, c);
  }

  /**
   * Runs an init container's command as its main process (kubelet runs them one at a
   * time, before the app containers); `exited` gets its status. False when the container
   * does not run live (then its planned exit applies).
   */
  runInit(ref: RunRef, pod: Pod, c: Container, startedAt: number, exited: (code: number) => void): boolean {
    if (this.stoppedAll || !runsLive(c, pod.metadata.annotations)) return false;
    const previous = this.initRuns.get(ref.uid);
    if (previous) this.stopRun(previous);
    const run: LiveRun = { key: ref.key, uid: ref.uid, startedAt, procs: [], stopped: false, onExit: exited };
    this.initRuns.set(ref.uid, run);
    this.start(run, ref, pod, c);
    return true;
  }

  /** What a live container's run printed, or undefined when that run had no live program. */
  output(uid: string, container: string, startedAt: number): OutputLine[] | undefined {
    return this.outputs.get(uid)?.get(container)?.find((e) => e.startedAt === startedAt)?.output.lines();
  }

  /** Whether the container's run is a live one (its log is its program's output). */
  isLive(pod: Pod, container: Container): boolean {
    return runsLive(container, pod.metadata.annotations);
  }

  stop(): void {
    this.stoppedAll = true;
    for (const r of [...this.runs.values(), ...this.initRuns.values()]) this.stopRun(r);
  }

  private start(run: LiveRun, ref: RunRef, pod: Pod, c: Container): void {
    const output = new RunOutput({ startedAt: run.startedAt });
    let byContainer = this.outputs.get(ref.uid);
    if (!byContainer) this.outputs.set(ref.uid, (byContainer = new Map()));
    const list = byContainer.get(c.name) ?? [];
    list.push({ startedAt: run.startedAt, output });
    if (list.length > RUNS_KEPT) list.splice(0, list.length - RUNS_KEPT);
    byContainer.set(c.name, list);
    const proc: Proc = { container: c.name, ctrl: new AbortController(), output };
    run.procs.push(proc);

    if (needsConfigEnv(c) && this.o.config) {
      const resolved = resolveContainerEnv(pod, c, this.o.config);
      if (!resolved.ok) {
        // kubelet: the container is not created (CreateContainerConfigError); the event is `Failed` "Error: …".
        this.o.warn(containerRef(pod, c.name), 'Failed', `Error: ${resolved.message}`, ref.node);
        this.o.logger.info({ pod: ref.key, container: c.name, reason: resolved.message }, 'container config missing: its program does not start');
        proc.code = undefined;
        return;
      }
    }
    const target: ContainerTarget = { pod, container: c, node: ref.node, hostIP: ref.hostIP, podIP: ref.podIP, startedAt: run.startedAt };
    const { host, env } = this.o.hostFor(target);
    const pacer = createPacer({ clock: this.o.clock, ...this.o.pace });
    const argv = liveArgv(c, env);
    const write = (text: string) => {
      if (run.stopped) return;
      if (output.write(text, this.o.clock.now())) this.o.printed(run.key);
      if (output.hasPending() && !proc.flushTimer) {
        proc.flushTimer = this.o.clock.setTimeout(() => {
          proc.flushTimer = undefined;
          if (output.flush()) this.o.printed(run.key);
        }, this.o.partialFlushMs ?? 1000);
      }
    };
    const io: Io = { stdin: textInput(''), stdout: { write }, stderr: { write } };
    this.o.logger.debug({ pod: ref.key, container: c.name, argv }, 'container program started');
    runProgram(argv, { ...host, pace: pacer }, env, io, proc.ctrl.signal)
      .catch((err: unknown) => {
        this.o.logger.error({ err, pod: ref.key, container: c.name }, 'container program failed');
        return 1;
      })
      .then((code) => this.ended(run, proc, code, pod));
  }

  private ended(run: LiveRun, proc: Proc, code: number, pod: Pod): void {
    if (proc.flushTimer) this.o.clock.clearTimeout(proc.flushTimer);
    proc.flushTimer = undefined;
    proc.code = code;
    if (run.stopped) return;
    if (proc.output.flush()) this.o.printed(run.key);
    this.o.logger.debug({ pod: run.key, container: proc.container, exitCode: code }, 'container program exited');
    if (run.onExit) {
      if (this.initRuns.get(run.uid) === run) this.initRuns.delete(run.uid);
      run.stopped = true;
      run.onExit(code);
      return;
    }
    if (run.procs.some((p) => p.code === undefined && !p.ctrl.signal.aborted)) return;
    // The pod's containers share one run here: it ends when all of them have, the others
    // at their planned time; a container that runs forever keeps the pod running.
    let exitCode = 0;
    let lastMs = 0;
    for (const c of pod.spec?.containers ?? []) {
      const p = run.procs.find((x) => x.container === c.name);
      let status: number;
      if (p) status = p.code ?? 1;
      else {
        const plan = planCommand(c);
        if (plan.kind === 'forever') return;
        status = plan.exitCode;
        lastMs = Math.max(lastMs, plan.afterMs);
      }
      if (exitCode === 0) exitCode = status;
    }
    const wait = Math.max(0, run.startedAt + lastMs - this.o.clock.now());
    const report = () => {
      run.exitTimer = undefined;
      if (!run.stopped) this.o.exited(run.key, run.uid, run.startedAt, exitCode);
    };
    if (wait === 0) report();
    else run.exitTimer = this.o.clock.setTimeout(report, wait);
  }

  private stopRun(r: LiveRun): void {
    if (this.runs.get(r.uid) === r) this.runs.delete(r.uid);
    if (this.initRuns.get(r.uid) === r) this.initRuns.delete(r.uid);
    if (r.stopped) return;
    r.stopped = true;
    if (r.exitTimer) this.o.clock.clearTimeout(r.exitTimer);
    for (const p of r.procs) {
      if (p.flushTimer) this.o.clock.clearTimeout(p.flushTimer);
      p.output.flush();
      p.ctrl.abort();
    }
  }
}
