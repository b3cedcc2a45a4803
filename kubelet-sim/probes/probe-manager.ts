import type { Container, Probe } from '../../api/core/container.js';
import type { Pod } from '../../api/core/pod.js';
import type { ObjectReference } from '../../api/meta.js';
import type { Clock } from '../../lib/clock.js';
import { DueQueue } from '../due-queue.js';
import type { Logger } from '../../lib/logger.js';
import { containerRef } from '../lifecycle-events.js';
import type { RunRef } from '../container-processes.js';
import { checkAction, type CheckContext } from './handler-check.js';
import { newCounter, probeSettings, probeTitle, recordOutcome, shouldProbe, type ProbeCounter, type ProbeKind, type ProbeSettings } from './probe-state.js';

/**
 * kubelet's prober manager for the simulated pods: one worker per container and probe
 * (startup, readiness, liveness) for each run of a pod's containers, ticking every
 * periodSeconds on the injected clock from initialDelaySeconds after the run's start.
 * Results feed the pod status (container `ready`/`started`, Ready and ContainersReady:
 * ContainerHealth), failures are `Unhealthy` events, and a liveness or startup failure
 * kills the container (`Killing` "… failed liveness probe, will be restarted") through the
 * simulator's exit path, so restartPolicy and back-off apply as for any exit.
 *
 * Simplification of the simulator (all containers of a pod share one run): a killed
 * container ends the pod's run, so its siblings restart with it.
 */

export interface ContainerHealth {
  /** Whether the container passed its startup probe (true without one). */
  started(container: string): boolean;
  /** Whether it passed its readiness probe (after startup; true without one). */
  ready(container: string): boolean;
}

/** A pod's current run, as the container processes track it. */
export type ProbeRunRef = RunRef;

/** What probes and lifecycle hooks both need of a running container: its pod, its shell, its load, events. */
export interface ContainerAccess {
  clock: Clock;
  /** The pod as the kubelet sees it now (annotations change health), or undefined when gone. */
  livePod(key: string, uid: string): Pod | undefined;
  exec(ref: ProbeRunRef, pod: Pod, container: Container, startedAt: number, argv: string[], timeoutMs: number): Promise<{ code: number; output: string; timedOut?: boolean }>;
  latencyFactor(uid: string, container: string): number;
  event(ref: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string, node: string): void;
}

export interface ProbeManagerOptions extends ContainerAccess {
  logger: Logger;
  /** A probe result changed: the pod's status should be written again. */
  changed(key: string): void;
  /** A liveness/startup failure: end this run of the containers (exit 137). */
  kill(key: string, uid: string, startedAt: number, container: string, graceMs: number | undefined): void;
}

interface Worker {
  run: RunProbes;
  container: Container;
  kind: ProbeKind;
  probe: Probe;
  settings: ProbeSettings;
  counter: ProbeCounter;
  /** Bumped when the next tick is rescheduled: an older due tick is then ignored. */
  seq: number;
  busy: boolean;
}

interface RunProbes {
  ref: ProbeRunRef;
  startedAt: number;
  workers: Worker[];
  stopped: boolean;
}

const KINDS: ReadonlyArray<[ProbeKind, 'startupProbe' | 'readinessProbe' | 'livenessProbe']> = [
  ['startup', 'startupProbe'],
  ['readiness', 'readinessProbe'],
  ['liveness', 'livenessProbe'],
];

/**
 * A probe's settings, computed once per probe object: the pods of one template share
 * their probe objects in the kubelet's cache (object-cache.ts), so they share these too.
 */
const settingsCache = new WeakMap<Probe, ProbeSettings>();
function settingsOf(probe: Probe): ProbeSettings {
  let s = settingsCache.get(probe);
  if (!s) settingsCache.set(probe, (s = probeSettings(probe)));
  return s;
}

export function hasProbes(pod: Pod): boolean {
  return (pod.spec?.containers ?? []).some((c) => c.startupProbe || c.readinessProbe || c.livenessProbe);
}

export class ProbeManager {
  private readonly runs = new Map<string, RunProbes>();
  private stoppedAll = false;
  /** Every worker's next tick on one heap (one timer for all, as the simulator's stages). */
  private readonly due: DueQueue;

  constructor(private readonly o: ProbeManagerOptions) {
    this.due = new DueQueue(o.clock);
  }

  /** The simulator's run of a pod changed (started, ended, pod gone: pod undefined). */
  runChanged(ref: ProbeRunRef, pod: Pod | undefined): void {
    const current = ref.running && ref.run && ref.run.finishedAt === undefined ? ref.run.startedAt : undefined;
    const existing = this.runs.get(ref.uid);
    if (existing && (existing.startedAt !== current || !pod)) this.stopRun(existing);
    if (!pod || current === undefined || this.stoppedAll || this.runs.has(ref.uid) || !hasProbes(pod)) return;
    const run: RunProbes = { ref: { ...ref }, startedAt: current, workers: [], stopped: false };
    this.runs.set(ref.uid, run);
    for (const c of pod.spec?.containers ?? []) {
      for (const [kind, field] of KINDS) {
        const probe = c[field];
        if (!probe) continue;
        const w: Worker = { run, container: c, kind, probe, settings: settingsOf(probe), counter: newCounter(kind), seq: 0, busy: false };
        run.workers.push(w);
        this.schedule(run, w, w.settings.initialDelayMs);
      }
    }
  }

  /** Probe results of the pod's current run, or undefined when no probe runs for it. */
  health(uid: string, startedAt: number | undefined): ContainerHealth | undefined {
    const run = this.runs.get(uid);
    if (!run || run.startedAt !== startedAt) return undefined;
    const find = (name: string, kind: ProbeKind) => run.workers.find((w) => w.container.name === name && w.kind === kind);
    const started = (name: string) => {
      const s = find(name, 'startup');
      return !s || s.counter.result === 'success';
    };
    return {
      started,
      ready: (name) => {
        if (!started(name)) return false;
        const r = find(name, 'readiness');
        return !r || r.counter.result === 'success';
      },
    };
  }

  stop(): void {
    this.stoppedAll = true;
    for (const r of [...this.runs.values()]) this.stopRun(r);
    this.due.stop();
  }

  private stopRun(r: RunProbes): void {
    if (this.runs.get(r.ref.uid) === r) this.runs.delete(r.ref.uid);
    r.stopped = true;
  }

  private schedule(run: RunProbes, w: Worker, ms: number): void {
    if (run.stopped) return;
    this.due.callAfter(ms, this.dueTick, w, ++w.seq);
  }

  /** A worker's tick came due; one function for all (no closure per tick): `seq` tells a superseded one. */
  private readonly dueTick = (w: Worker, seq: number): void => {
    if (w.seq === seq && !w.run.stopped) void this.tick(w.run, w);
  };

  private started(run: RunProbes, container: string): boolean {
    const s = run.workers.find((x) => x.container.name === container && x.kind === 'startup');
    return !s || s.counter.result === 'success';
  }

  private async tick(run: RunProbes, w: Worker): Promise<void> {
    if (run.stopped || w.busy) return;
    const pod = this.o.livePod(run.ref.key, run.ref.uid);
    if (!pod) {
      // Its node's kubelet is down (or the pod is going: runChanged stops the run): look again later.
      this.schedule(run, w, w.settings.periodMs);
      return;
    }
    const now = this.o.clock.now();
    if (!shouldProbe(w.kind, w.settings, now - run.startedAt, this.started(run, w.container.name))) {
      this.schedule(run, w, w.settings.periodMs);
      return;
    }
    w.busy = true;
    const ctx: CheckContext = {
      pod,
      container: w.container,
      podIP: run.ref.podIP,
      kind: w.kind,
      timeoutMs: w.settings.timeoutMs,
      latencyFactor: (c) => this.o.latencyFactor(run.ref.uid, c),
      exec: (argv, timeoutMs) => this.o.exec(run.ref, pod, w.container, run.startedAt, argv, timeoutMs),
    };
    let result;
    try {
      result = await checkAction(w.probe, ctx);
    } catch (err) {
      this.o.logger.warn({ err, pod: run.ref.key, container: w.container.name, probe: w.kind }, 'probe errored');
      result = { outcome: 'error' as const, output: String(err) };
    } finally {
      w.busy = false;
    }
    if (run.stopped) return;
    const ref = containerRef(pod, w.container.name);
    const title = probeTitle(w.kind);
    if (result.outcome === 'failure') this.o.event(ref, 'Warning', 'Unhealthy', `${title} probe failed: ${result.output}`, run.ref.node);
    else if (result.outcome === 'error') this.o.event(ref, 'Warning', 'Unhealthy', `${title} probe errored: ${result.output}`, run.ref.node);
    const { counter, changed } = recordOutcome(w.counter, result.outcome, w.settings);
    w.counter = counter;
    this.o.logger.debug({ pod: run.ref.key, container: w.container.name, probe: w.kind, outcome: result.outcome, result: counter.result }, 'probe');
    if (changed && (w.kind === 'liveness' || w.kind === 'startup') && counter.result === 'failure') {
      this.o.event(ref, 'Normal', 'Killing', `Container ${w.container.name} failed ${w.kind} probe, will be restarted`, run.ref.node);
      this.stopRun(run);
      this.o.kill(run.ref.key, run.ref.uid, run.startedAt, w.container.name, w.settings.terminationGraceMs);
      return;
    }
    if (changed && w.kind === 'startup' && counter.result === 'success') {
      // kube stops the startup probe once it passed, and probes readiness at once.
      this.o.changed(run.ref.key);
      for (const r of run.workers) {
        if (r.container.name !== w.container.name || r.kind === 'startup' || r.busy) continue;
        this.schedule(run, r, r.kind === 'readiness' ? 0 : r.settings.periodMs);
      }
      return;
    }
    if (changed) this.o.changed(run.ref.key);
    this.schedule(run, w, w.settings.periodMs);
  }
}
