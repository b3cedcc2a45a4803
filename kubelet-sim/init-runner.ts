import type { Container } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import type { ObjectReference } from '../api/meta.js';
import { planCommand } from './command-plan.js';
import { initExited, isSidecar, newInitState, sidecarBackoffStep, sidecarExited, sidecarRestarted, sidecarStarted, startInit } from './init-containers.js';
import { containerRef } from './lifecycle-events.js';
import { holdsSandbox } from './pod-lifecycle.js';
import { podDescription } from './pod-status.js';
import type { PodRecord } from './simulator.js';
import { backoffMs, type StageConfig } from './stages.js';

/**
 * Drives a pod's init containers for the simulator (the decisions are init-containers.ts):
 * starts them in order once the images are there, waits for each one's exit (its command
 * live in the shell, or its planned exit), backs off and retries failed ones, restarts
 * sidecars that exit, and hands the pod back to the stages when all are through.
 */
export interface InitRunnerHost {
  now(): number;
  after(ms: number, fn: () => void): void;
  event(ref: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string, node: string): void;
  /** The pod's simulated state changed: write its status, wake its watchers. */
  changed(rec: PodRecord): void;
  /** Schedules the stage that applies now (the app containers' start, once the inits are through). */
  schedule(rec: PodRecord, pod: Pod): void;
  livePod(rec: PodRecord): Pod | undefined;
  stopped(): boolean;
  readonly stages: StageConfig;
  runInit?(rec: PodRecord, pod: Pod, container: Container, startedAt: number, exited: (code: number) => void): boolean;
}

export class InitRunner {
  constructor(private readonly h: InitRunnerHost) {}

  /**
   * Starts the init containers from the current one: sidecars start and the next follows
   * at once; a regular one runs until its command exits (live in the shell, or at its
   * planned time; one that never exits holds the pod in Init). All through: the app
   * containers' start stage is scheduled.
   */
  advance(rec: PodRecord, pod: Pod): void {
    const inits = pod.spec?.initContainers ?? [];
    const now = this.h.now();
    let s = rec.sim.init ?? newInitState(inits.length);
    while (s.index < inits.length) {
      const c = inits[s.index]!;
      s = startInit(s, now);
      const ref = containerRef(pod, c.name, true);
      this.h.event(ref, 'Normal', 'Created', `Created container: ${c.name}`, rec.node.id.name);
      this.h.event(ref, 'Normal', 'Started', `Started container ${c.name}`, rec.node.id.name);
      if (isSidecar(c)) {
        this.watchSidecar(rec, c, s.index, now);
        s = sidecarStarted(s);
        continue;
      }
      rec.sim = { ...rec.sim, init: s };
      this.h.changed(rec);
      const index = s.index;
      const done = (code: number) => this.initEnded(rec, index, now, code);
      if (this.h.runInit?.(rec, pod, c, now, done)) return;
      const plan = planCommand(c);
      if (plan.kind === 'exits') this.h.after(plan.afterMs, () => done(plan.exitCode));
      return;
    }
    rec.sim = { ...rec.sim, init: s };
    this.h.changed(rec);
    this.h.schedule(rec, pod);
  }

  /**
   * A sidecar whose command exits (its planned exit) ends its run then and is started
   * again after the crash-loop back-off, while the pod lives, whatever its restartPolicy.
   */
  private watchSidecar(rec: PodRecord, c: Container, index: number, startedAt: number): void {
    const plan = planCommand(c);
    if (plan.kind !== 'exits') return;
    this.h.after(plan.afterMs, () => {
      const pod = this.h.livePod(rec);
      const s = rec.sim.init;
      const run = s?.runs[index]?.at(-1);
      if (!pod || this.h.stopped() || !s || !run || run.startedAt !== startedAt || run.finishedAt !== undefined) return;
      if (pod.metadata.deletionTimestamp || !holdsSandbox(rec.sim.state)) return;
      const ended = sidecarExited(s, index, this.h.now(), plan.exitCode);
      rec.sim = { ...rec.sim, init: ended };
      this.h.changed(rec);
      const step = sidecarBackoffStep(ended, index);
      if (step > 0) this.h.event(containerRef(pod, c.name, true), 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDescription(pod)}`, rec.node.id.name);
      this.h.after(backoffMs(this.h.stages, step), () => {
        const live = this.h.livePod(rec);
        const now = rec.sim.init;
        if (!live || this.h.stopped() || !now || now.runs[index]?.at(-1) !== ended.runs[index]?.at(-1)) return;
        if (live.metadata.deletionTimestamp || !holdsSandbox(rec.sim.state)) return;
        const at = this.h.now();
        rec.sim = { ...rec.sim, init: sidecarRestarted(now, index, at) };
        const ref = containerRef(live, c.name, true);
        this.h.event(ref, 'Normal', 'Created', `Created container: ${c.name}`, rec.node.id.name);
        this.h.event(ref, 'Normal', 'Started', `Started container ${c.name}`, rec.node.id.name);
        this.h.changed(rec);
        this.watchSidecar(rec, c, index, at);
      });
    });
  }

  /** An init container's run ended: the next one, a back-off and a retry, or (restartPolicy Never) a failed pod. */
  private initEnded(rec: PodRecord, index: number, startedAt: number, code: number): void {
    const pod = this.h.livePod(rec);
    const s = rec.sim.init;
    const run = s?.runs[index]?.at(-1);
    if (!pod || this.h.stopped() || !s || s.index !== index || rec.sim.state !== 'Pulled' || !run || run.startedAt !== startedAt || run.finishedAt !== undefined) return;
    if (pod.metadata.deletionTimestamp) return;
    const now = this.h.now();
    const { state, outcome } = initExited(s, now, code, pod.spec?.restartPolicy);
    rec.sim = { ...rec.sim, init: state };
    if (outcome === 'failed') rec.sim = { ...rec.sim, state: 'Failed' };
    this.h.changed(rec);
    if (outcome === 'next') {
      this.advance(rec, pod);
      return;
    }
    if (outcome === 'backoff') {
      const c = pod.spec?.initContainers?.[index];
      const delay = backoffMs(this.h.stages, state.backoffStep - 1);
      if (c && state.backoffStep > 1) this.h.event(containerRef(pod, c.name, true), 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDescription(pod)}`, rec.node.id.name);
      const gen = rec.gen;
      this.h.after(delay, () => {
        const live = this.h.livePod(rec);
        if (!live || rec.gen !== gen || rec.sim.init !== state || rec.sim.state !== 'Pulled' || live.metadata.deletionTimestamp) return;
        this.advance(rec, live);
      });
    }
  }
}
