import type { Container, ContainerStatus } from '../api/core/container.js';
import type { Pod, PodCondition, PodStatus } from '../api/core/pod.js';
import { containerIdOf, imageIdOf, normalizeImage } from './ids.js';
import { hasBit, neverPullMessage } from './image-pull.js';
import { podPhase, type PodSim } from './pod-lifecycle.js';
import { backoffMs, type StageConfig } from './stages.js';
import { sameJson } from './node-status.js';
import { formatTime } from './time.js';
import type { ContainerHealth } from './probes/probe-manager.js';
import { incompleteInits as incompleteInitNames } from './init-containers.js';

/**
 * The pod status a kubelet would write for a simulated record: phase, the five
 * conditions kubelet owns, host/pod IPs, start time and container statuses. A pure
 * function of (pod, record, host IP, now); conditions keep their lastTransitionTime while
 * their status does not change, as kubelet's generateAPIPodStatus does.
 */

/** The status fields the kubelet owns (and sends in its patch). */
export type KubeletPodStatus = Pick<
  PodStatus,
  'phase' | 'conditions' | 'hostIP' | 'hostIPs' | 'podIP' | 'podIPs' | 'startTime' | 'containerStatuses' | 'initContainerStatuses' | 'ephemeralContainerStatuses'
>;

export interface RenderInput {
  pod: Pod;
  sim: PodSim;
  hostIP: string;
  now: number;
  cfg: StageConfig;
  /** Probe results of the current run (probes/probe-manager.ts); absent: every running container is started and ready. */
  health?: ContainerHealth;
}

/** `name_namespace(uid)`, how kubelet names a pod in messages (format.Pod). */
export function podDescription(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid ?? ''})`;
}

/** A Go time.Duration String() for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}

export function renderPodStatus(input: RenderInput): KubeletPodStatus {
  const { pod, sim, now } = input;
  const spec = pod.spec ?? { containers: [] };
  const containers = spec.containers ?? [];
  const inits = spec.initContainers ?? [];
  const phase = podPhase(sim);
  const ts = (ms: number | undefined) => (ms === undefined ? undefined : formatTime(ms));
  const started = sim.run !== undefined; // the main containers ran at least once
  const sandboxUp = sim.state === 'SandboxReady' || sim.state === 'Pulled' || sim.state === 'Running' || sim.state === 'BackOff';
  const running = sim.state === 'Running';

  const status: KubeletPodStatus = { phase };
  if (sim.state === 'New') return status;
  status.hostIP = input.hostIP;
  status.hostIPs = [{ ip: input.hostIP }];
  if (sim.podIP) {
    status.podIP = sim.podIP;
    status.podIPs = [{ ip: sim.podIP }];
  }
  status.startTime = ts(sim.admittedAt);

  const uid = pod.metadata.uid ?? '';
  // Bit i of the image mask is containers[i] after the init containers (image-pull.ts order).
  status.containerStatuses = containers.map((c, i) => mainContainerStatus(c, input, uid, inits.length > 0, inits.length + i));
  if (inits.length > 0) status.initContainerStatuses = inits.map((c, i) => initContainerStatus(c, input, uid, i));
  const ephemeral = spec.ephemeralContainers ?? [];
  if (ephemeral.length > 0) status.ephemeralContainerStatuses = ephemeral.map((c) => ephemeralContainerStatus(c, input, uid));

  const unready = status.containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  const incompleteInits = started ? [] : incompleteInitNames(inits, sim.init);
  const containersReady = (type: string): Cond =>
    running && unready.length === 0
      ? { type, status: 'True' }
      : phase === 'Succeeded'
        ? { type, status: 'False', reason: 'PodCompleted' }
        : { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const readyCond = (type: string): Cond => {
    const c = containersReady(type);
    if (c.status !== 'True') return c;
    const gates = readinessGateProblems(pod);
    return gates.length === 0 ? c : { type, status: 'False', reason: 'ReadinessGatesNotReady', message: gates.join(', ') };
  };
  const wanted: Cond[] = [
    { type: 'PodReadyToStartContainers', status: sandboxUp ? 'True' : 'False' },
    incompleteInits.length === 0
      ? phase === 'Succeeded' && inits.length > 0
        ? { type: 'Initialized', status: 'True', reason: 'PodCompleted' }
        : { type: 'Initialized', status: 'True' }
      : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incompleteInits.join(' ')}]` },
    readyCond('Ready'),
    containersReady('ContainersReady'),
  ];
  status.conditions = mergeConditions(pod.status?.conditions ?? [], wanted, formatTime(now));
  return status;
}

type Cond = Pick<PodCondition, 'type' | 'status' | 'reason' | 'message'>;

/**
 * Why the pod's readiness gates (spec.readinessGates: conditions others set in the pod's
 * status) hold the Ready condition back, in kubelet's words; empty when all are True.
 */
export function readinessGateProblems(pod: Pod): string[] {
  const out: string[] = [];
  for (const g of pod.spec?.readinessGates ?? []) {
    const c = pod.status?.conditions?.find((x) => x.type === g.conditionType);
    if (!c) out.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') out.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  return out;
}

const OWNED = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];

/**
 * Kubelet's conditions in its order, then the others the pod has (PodScheduled,
 * DisruptionTarget, readiness gates…) untouched. Transition time kept when unchanged.
 */
function mergeConditions(existing: PodCondition[], wanted: Cond[], now: string): PodCondition[] {
  const out: PodCondition[] = wanted.map((w) => {
    const old = existing.find((c) => c.type === w.type);
    const cond: PodCondition = { type: w.type, status: w.status, lastProbeTime: null as unknown as undefined, lastTransitionTime: old && old.status === w.status ? old.lastTransitionTime : now };
    if (w.reason) cond.reason = w.reason;
    if (w.message) cond.message = w.message;
    return cond;
  });
  const scheduled = existing.find((c) => c.type === 'PodScheduled');
  if (scheduled) out.push(scheduled);
  for (const c of existing) if (!OWNED.includes(c.type) && c.type !== 'PodScheduled') out.push(c);
  return out;
}

function terminatedOf(run: NonNullable<PodSim['run']>, containerID: string) {
  const exitCode = run.exitCode ?? 0;
  return {
    exitCode,
    reason: run.reason ?? (exitCode === 0 ? 'Completed' : 'Error'),
    startedAt: formatTime(run.startedAt),
    finishedAt: formatTime(run.finishedAt ?? run.startedAt),
    containerID,
  };
}

/** The waiting state of a container blocked by imagePullPolicy Never (slot: its bit in the image mask), if it is. */
function neverPulled(c: Container, sim: PodSim, slot: number): { reason: string; message: string } | undefined {
  if (sim.image !== 'never-missing' || sim.state !== 'SandboxReady' || !hasBit(sim.imageMask, slot)) return undefined;
  return { reason: 'ErrImageNeverPull', message: neverPullMessage(c.image ?? '') };
}

/** The waiting state of containers whose config (env from a ConfigMap/Secret) cannot be resolved, if so. */
function configBlocked(sim: PodSim): { reason: string; message: string } | undefined {
  return sim.configError === undefined ? undefined : { reason: 'CreateContainerConfigError', message: sim.configError };
}

/**
 * An ephemeral container (kubectl debug) runs while the pod runs, from the pod's current
 * run on (its own start time is not tracked: it shows the run's); it is never ready and
 * never restarted, as kubelet reports them.
 */
function ephemeralContainerStatus(c: Container, input: RenderInput, uid: string): ContainerStatus {
  const { sim } = input;
  const image = c.image ?? '';
  const base = { name: c.name, image, imageID: '', ready: false, restartCount: 0 };
  if (sim.state === 'Running' && sim.run) {
    return { ...base, image: normalizeImage(image), imageID: imageIdOf(image), containerID: containerIdOf(uid, c.name, 0), state: { running: { startedAt: formatTime(sim.run.startedAt) } }, lastState: {} };
  }
  if (sim.run || sim.state === 'Stopped' || sim.state === 'Deleted' || sim.state === 'Succeeded' || sim.state === 'Failed') {
    return { ...base, state: { terminated: { exitCode: 137, reason: 'Error' } }, lastState: {} };
  }
  return { ...base, state: { waiting: { reason: 'PodInitializing' } }, lastState: {} };
}

function mainContainerStatus(c: Container, input: RenderInput, uid: string, hasInits: boolean, slot: number): ContainerStatus {
  const { sim, pod, cfg } = input;
  const image = c.image ?? '';
  const base = { name: c.name, image, imageID: '', ready: false, restartCount: sim.restartCount, started: false };
  const lastState =
    sim.last && sim.last.finishedAt !== undefined ? { terminated: terminatedOf(sim.last, containerIdOf(uid, c.name, sim.restartCount - 1)) } : {};
  const runId = containerIdOf(uid, c.name, sim.restartCount);
  const ran = { image: normalizeImage(image), imageID: imageIdOf(image), containerID: runId };

  if (!sim.run) {
    // An init container failed the pod (restartPolicy Never): the app containers never started.
    if (sim.state === 'Failed' && sim.init) return { ...base, state: { waiting: { reason: 'PodInitializing' } }, lastState: {} };
    if (sim.state === 'Stopped' || sim.state === 'Deleted' || sim.state === 'Failed' || sim.state === 'Succeeded') {
      // Killed before it ever started: kubelet reports the container as lost.
      return {
        ...base,
        state: {
          terminated: {
            exitCode: 137,
            reason: 'ContainerStatusUnknown',
            message: 'The container could not be located when the pod was terminated',
          },
        },
        lastState: {},
      };
    }
    const waiting = neverPulled(c, sim, slot) ?? configBlocked(sim) ?? { reason: hasInits ? 'PodInitializing' : 'ContainerCreating' };
    return { ...base, state: { waiting }, lastState };
  }
  if (sim.state === 'Running') {
    const health = input.health;
    const ready = health ? health.ready(c.name) : true;
    const startedUp = health ? health.started(c.name) : true;
    return { ...base, ...ran, state: { running: { startedAt: formatTime(sim.run.startedAt) } }, lastState, ready, started: startedUp };
  }
  const blocked = sim.state === 'BackOff' ? configBlocked(sim) : undefined;
  if (blocked) return { ...base, ...ran, state: { waiting: blocked }, lastState: { terminated: terminatedOf(sim.run, runId) } };
  if (sim.state === 'BackOff' && sim.backoffStep > 0) {
    const delay = goDuration(backoffMs(cfg, sim.backoffStep));
    return {
      ...base,
      ...ran,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${delay} restarting failed container=${c.name} pod=${podDescription(pod)}`,
        },
      },
      lastState: { terminated: terminatedOf(sim.run, runId) },
    };
  }
  // Exited (about to restart at once, or for good): the run's terminated state.
  return { ...base, ...ran, state: { terminated: terminatedOf(sim.run, runId) }, lastState };
}

/** An init container's status from its own runs (init-containers.ts). */
function trackedInitStatus(c: Container, input: RenderInput, uid: string, index: number): ContainerStatus {
  const { sim, pod, cfg } = input;
  const init = sim.init!;
  const runs = init.runs[index] ?? [];
  const image = c.image ?? '';
  const restartCount = Math.max(0, runs.length - 1);
  const base = { name: c.name, image, imageID: '', ready: false, restartCount, started: false, lastState: {} };
  const last = runs.at(-1);
  if (!last) return { ...base, state: { waiting: { reason: 'PodInitializing' } } };
  const id = (n: number) => containerIdOf(uid, `init:${c.name}`, n);
  const ids = { image: normalizeImage(image), imageID: imageIdOf(image), containerID: id(restartCount) };
  const prev = runs.length > 1 ? runs[runs.length - 2]! : undefined;
  const lastState = prev ? { terminated: terminatedOf(prev, id(restartCount - 1)) } : {};
  const podEnded = sim.state === 'Stopped' || sim.state === 'Deleted' || sim.state === 'Succeeded' || sim.state === 'Failed';
  if (c.restartPolicy === 'Always') {
    if (!podEnded && last.finishedAt !== undefined) {
      // Exited by itself: restarted after the back-off (CrashLoopBackOff once it waits).
      const step = restartCount;
      const terminated = terminatedOf(last, ids.containerID);
      if (step === 0) return { ...base, ...ids, lastState, state: { terminated } };
      const delay = goDuration(backoffMs(cfg, step));
      return {
        ...base,
        ...ids,
        lastState: { terminated },
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${c.name} pod=${podDescription(pod)}` } },
      };
    }
    if (!podEnded) return { ...base, ...ids, lastState, state: { running: { startedAt: formatTime(last.startedAt) } }, ready: true, started: true };
    const end = sim.run?.finishedAt ?? input.now;
    return { ...base, ...ids, lastState, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: formatTime(last.startedAt), finishedAt: formatTime(end), containerID: ids.containerID } } };
  }
  if (last.finishedAt === undefined) {
    if (podEnded) return { ...base, ...ids, lastState, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: formatTime(last.startedAt), finishedAt: formatTime(input.now), containerID: ids.containerID } } };
    return { ...base, ...ids, lastState, state: { running: { startedAt: formatTime(last.startedAt) } }, started: true };
  }
  const terminated = terminatedOf(last, ids.containerID);
  if (init.backoff && index === init.index && init.backoffStep > 1) {
    const delay = goDuration(backoffMs(cfg, init.backoffStep - 1));
    return {
      ...base,
      ...ids,
      lastState: { terminated },
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${c.name} pod=${podDescription(pod)}` } },
    };
  }
  return { ...base, ...ids, lastState, ready: terminated.exitCode === 0, state: { terminated } };
}

function initContainerStatus(c: Container, input: RenderInput, uid: string, slot: number): ContainerStatus {
  const { sim } = input;
  if (sim.init) return trackedInitStatus(c, input, uid, slot);
  const image = c.image ?? '';
  const base = { name: c.name, image, imageID: '', ready: false, restartCount: 0, started: false, lastState: {} };
  const firstStart = sim.last?.startedAt ?? sim.run?.startedAt;
  if (firstStart === undefined) return { ...base, state: { waiting: neverPulled(c, sim, slot) ?? { reason: 'PodInitializing' } } };
  const ids = { image: normalizeImage(image), imageID: imageIdOf(image), containerID: containerIdOf(uid, `init:${c.name}`, 0) };
  const begin = formatTime(sim.sandboxAt ?? firstStart);
  if (c.restartPolicy === 'Always') {
    // A sidecar keeps running while the pod does.
    const alive = sim.state === 'Running' || sim.state === 'BackOff';
    return alive
      ? { ...base, ...ids, state: { running: { startedAt: begin } }, ready: true, started: true }
      : { ...base, ...ids, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: begin, finishedAt: formatTime(sim.run?.finishedAt ?? firstStart), containerID: ids.containerID } } };
  }
  return {
    ...base,
    ...ids,
    ready: true,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: begin, finishedAt: formatTime(firstStart), containerID: ids.containerID } },
  };
}

/** Whether the live status already says what we would write (then no write is needed). */
export function statusUpToDate(live: PodStatus | undefined, wanted: KubeletPodStatus): boolean {
  if (!live) return false;
  for (const key of Object.keys(wanted) as Array<keyof KubeletPodStatus>) {
    if (!sameJson(live[key], wanted[key])) return false;
  }
  return true;
}
