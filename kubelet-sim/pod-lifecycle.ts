import type { ImagePlan, PodImagePlan } from './image-pull.js';
import type { SimState, StageConfig } from './stages.js';
import type { InitState } from './init-containers.js';

/**
 * The simulated kubelet's memory of one pod, and the pure transition each stage applies.
 * Small on purpose (numbers and a short string): 100,000 of these fit in a few tens of MB.
 * Every container of a pod moves in lockstep (one sandbox, one exit declaration), so the
 * record holds one "run" for all of them.
 */
export interface PodSim {
  state: SimState;
  /** status.startTime: when the kubelet admitted the pod. */
  admittedAt?: number;
  /** When the sandbox got its network; init containers run from here. */
  sandboxAt?: number;
  /** Failed sandbox attempts (the sandbox id changes per attempt). */
  sandboxAttempts: number;
  podIP?: string;
  restartCount: number;
  /** The current (or last, when exited) run of the containers. */
  run?: Run;
  /** The run before it: lastState.terminated. */
  last?: Run;
  /** Exits in the current back-off series before the latest one (stages.backoffMs). */
  backoffStep: number;
  /**
   * The image plan decided when the sandbox was ready (image-pull.ts): selects the image
   * stage; `imageMask` names the containers that pulled (or, for never-missing, are blocked).
   */
  image?: ImagePlan;
  imageMask?: number;
  /**
   * Why the containers could not be created (a ConfigMap/Secret their env needs is
   * missing): kubelet's CreateContainerConfigError message; retried until it resolves.
   */
  configError?: string;
  /** The init containers' progress (init-containers.ts), from the first one's start; absent without init containers. */
  init?: InitState;
}

export interface Run {
  startedAt: number;
  finishedAt?: number;
  exitCode?: number;
  /** Ended by the kubelet (pod deletion), not by a declared exit. */
  killed?: boolean;
  /** The runtime's terminated reason when not Completed/Error (OOMKilled). */
  reason?: string;
}

export function newPodSim(): PodSim {
  return { state: 'New', sandboxAttempts: 0, restartCount: 0, backoffStep: 0 };
}

export interface TransitionInput {
  now: number;
  restartPolicy?: string;
  /** For SandboxReady: the IP the network plugin gave (the node IP for hostNetwork pods). */
  podIP?: string;
  /** For SandboxReady: the pod's image plan against the node's images, decided now. */
  image?: PodImagePlan;
  /** For Exited: the declared exit code. */
  exitCode?: number;
  /** For Exited: the runtime's reason (OOMKilled), if any. */
  exitReason?: string;
  cfg: StageConfig;
}

/** What an exit leads to under a pod's restartPolicy (kubelet's ShouldContainerBeRestarted). */
export function exitOutcome(restartPolicy: string | undefined, exitCode: number): 'restart' | 'Succeeded' | 'Failed' {
  const policy = restartPolicy ?? 'Always';
  if (policy === 'Always') return 'restart';
  if (policy === 'OnFailure') return exitCode === 0 ? 'Succeeded' : 'restart';
  return exitCode === 0 ? 'Succeeded' : 'Failed';
}

/** The record after a stage moved the pod to `next`. Pure: returns a new record. */
export function transition(sim: PodSim, next: SimState, input: TransitionInput): PodSim {
  const { now } = input;
  const out: PodSim = { ...sim, state: next };
  switch (next) {
    case 'Admitted':
      out.admittedAt = sim.admittedAt ?? now;
      return out;
    case 'SandboxReady':
      // Again from SandboxReady: a blocked image looked at anew; the sandbox is the same.
      out.sandboxAt = sim.state === 'SandboxReady' ? (sim.sandboxAt ?? now) : now;
      out.podIP = input.podIP;
      out.image = input.image?.plan;
      out.imageMask = input.image?.mask;
      return out;
    case 'Pulled':
      return out;
    case 'Running':
      delete out.configError;
      if (sim.state === 'BackOff' && sim.run) {
        out.last = sim.run;
        out.restartCount = sim.restartCount + 1;
        out.backoffStep = sim.backoffStep + 1;
      }
      out.run = { startedAt: now };
      return out;
    case 'Exited': {
      const exitCode = input.exitCode ?? 0;
      const run: Run = { startedAt: sim.run?.startedAt ?? now, finishedAt: now, exitCode, ...(input.exitReason ? { reason: input.exitReason } : {}) };
      out.run = run;
      const outcome = exitOutcome(input.restartPolicy, exitCode);
      if (outcome !== 'restart') {
        out.state = outcome;
        return out;
      }
      // A container that ran for twice the maximum back-off starts a new series (kubelet GCs the entry).
      if (now - run.startedAt >= 2 * input.cfg.restartBackoff.maxMs) out.backoffStep = 0;
      out.state = 'BackOff';
      return out;
    }
    case 'Stopped':
      // Running containers get SIGTERM and exit 0; exited ones keep their exit.
      if (sim.run && sim.run.finishedAt === undefined) out.run = { ...sim.run, finishedAt: now, exitCode: 0, killed: true };
      return out;
    default:
      return out;
  }
}

/** status.phase for a record. */
export function podPhase(sim: PodSim): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  switch (sim.state) {
    case 'Running':
    case 'BackOff':
      return 'Running';
    case 'Succeeded':
      return 'Succeeded';
    case 'Failed':
      return 'Failed';
    case 'Stopped':
    case 'Deleted':
      return sim.run && sim.run.exitCode === 0 ? 'Succeeded' : 'Failed';
    default:
      return 'Pending';
  }
}

/** Whether the pod's sandbox (and its IP) is held: from SandboxReady until the pod ends. */
export function holdsSandbox(state: SimState): boolean {
  return state === 'SandboxReady' || state === 'Pulled' || state === 'Running' || state === 'BackOff' || state === 'Exited';
}

/** Terminal for the kubelet: nothing more happens unless the pod is deleted. */
export function isTerminal(state: SimState): boolean {
  return state === 'Succeeded' || state === 'Failed' || state === 'Stopped' || state === 'Deleted';
}
