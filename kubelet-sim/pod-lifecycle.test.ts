import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/core/pod.js';
import { exitOutcome, newPodSim, podPhase, transition, type PodSim } from './pod-lifecycle.js';
import { renderPodStatus, statusUpToDate, type KubeletPodStatus } from './pod-status.js';
import { defaultStageConfig, type SimState } from './stages.js';

const T0 = Date.UTC(2026, 0, 1);
const cfg = defaultStageConfig;

function makePod(over: { restartPolicy?: string; inits?: string[]; containers?: string[] } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '7' },
    spec: {
      nodeName: 'n0',
      restartPolicy: over.restartPolicy ?? 'Always',
      containers: (over.containers ?? ['app']).map((name) => ({ name, image: 'nginx:1.27' })),
      initContainers: over.inits?.map((name) => ({ name, image: 'busybox' })),
    },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    },
  } as Pod;
}

/** A kubectl-like one-liner of a rendered status: the golden output. */
function summary(s: KubeletPodStatus): string {
  const c = s.containerStatuses![0]!;
  const st = c.state!;
  const state = st.running
    ? 'running'
    : st.waiting
      ? `waiting:${st.waiting.reason}`
      : `terminated:${st.terminated!.reason}(${st.terminated!.exitCode})`;
  const conds = s.conditions!.map((x) => `${x.type}=${x.status}${x.reason ? `(${x.reason})` : ''}`).join(',');
  return `${s.phase} ${state} ready=${c.ready} restarts=${c.restartCount} last=${c.lastState?.terminated?.exitCode ?? '-'} ip=${s.podIP ?? '-'} ${conds}`;
}

type Step = [SimState, number, { ip?: string; exitCode?: number }?];

function play(pod: Pod, steps: Step[]): string[] {
  let sim: PodSim = newPodSim();
  const out: string[] = [];
  for (const [next, at, extra] of steps) {
    sim = transition(sim, next, { now: T0 + at, restartPolicy: pod.spec!.restartPolicy, podIP: extra?.ip, exitCode: extra?.exitCode, cfg });
    const status = renderPodStatus({ pod, sim, hostIP: '10.0.0.10', now: T0 + at, cfg });
    out.push(summary(status));
    pod = { ...pod, status: { ...pod.status, ...status } };
  }
  return out;
}

const sched = 'PodScheduled=True';
const pending = `Initialized=True,Ready=False(ContainersNotReady),ContainersReady=False(ContainersNotReady),${sched}`;
const ready = `Initialized=True,Ready=True,ContainersReady=True,${sched}`;

describe('pod stage transitions (golden)', () => {
  it('restartPolicy Always: start, crash loop with back-off, then deletion', () => {
    expect(
      play(makePod(), [
        ['Admitted', 0],
        ['SandboxReady', 500, { ip: '100.96.1.2' }],
        ['Pulled', 1500],
        ['Running', 2000],
        ['Exited', 32_000, { exitCode: 1 }],
        ['Running', 32_000],
        ['Exited', 62_000, { exitCode: 1 }],
        ['Running', 72_000],
        ['Stopped', 80_000],
      ]),
    ).toEqual([
      `Pending waiting:ContainerCreating ready=false restarts=0 last=- ip=- PodReadyToStartContainers=False,${pending}`,
      `Pending waiting:ContainerCreating ready=false restarts=0 last=- ip=100.96.1.2 PodReadyToStartContainers=True,${pending}`,
      `Pending waiting:ContainerCreating ready=false restarts=0 last=- ip=100.96.1.2 PodReadyToStartContainers=True,${pending}`,
      `Running running ready=true restarts=0 last=- ip=100.96.1.2 PodReadyToStartContainers=True,${ready}`,
      `Running terminated:Error(1) ready=false restarts=0 last=- ip=100.96.1.2 PodReadyToStartContainers=True,${pending}`,
      `Running running ready=true restarts=1 last=1 ip=100.96.1.2 PodReadyToStartContainers=True,${ready}`,
      `Running waiting:CrashLoopBackOff ready=false restarts=1 last=1 ip=100.96.1.2 PodReadyToStartContainers=True,${pending}`,
      `Running running ready=true restarts=2 last=1 ip=100.96.1.2 PodReadyToStartContainers=True,${ready}`,
      `Succeeded terminated:Completed(0) ready=false restarts=2 last=1 ip=100.96.1.2 PodReadyToStartContainers=False,Initialized=True,Ready=False(PodCompleted),ContainersReady=False(PodCompleted),${sched}`,
    ]);
  });

  it('restartPolicy Never: a failing container fails the pod', () => {
    expect(
      play(makePod({ restartPolicy: 'Never' }), [
        ['Admitted', 0],
        ['SandboxReady', 0, { ip: '100.96.1.3' }],
        ['Pulled', 0],
        ['Running', 0],
        ['Exited', 5000, { exitCode: 3 }],
      ]).at(-1),
    ).toBe(
      `Failed terminated:Error(3) ready=false restarts=0 last=- ip=100.96.1.3 PodReadyToStartContainers=False,Initialized=True,Ready=False(ContainersNotReady),ContainersReady=False(ContainersNotReady),${sched}`,
    );
  });

  it('restartPolicy OnFailure: exit 0 completes the pod', () => {
    expect(
      play(makePod({ restartPolicy: 'OnFailure' }), [
        ['Admitted', 0],
        ['SandboxReady', 0, { ip: '100.96.1.4' }],
        ['Pulled', 0],
        ['Running', 0],
        ['Exited', 5000, { exitCode: 0 }],
      ]).at(-1),
    ).toBe(
      `Succeeded terminated:Completed(0) ready=false restarts=0 last=- ip=100.96.1.4 PodReadyToStartContainers=False,Initialized=True,Ready=False(PodCompleted),ContainersReady=False(PodCompleted),${sched}`,
    );
  });

  it('a pod deleted before its containers started reports them lost', () => {
    expect(play(makePod(), [['Admitted', 0], ['Stopped', 100]]).at(-1)).toBe(
      `Failed terminated:ContainerStatusUnknown(137) ready=false restarts=0 last=- ip=- PodReadyToStartContainers=False,${pending}`,
    );
  });

  it('init containers hold the main containers in PodInitializing, then complete', () => {
    const pod = makePod({ inits: ['setup'] });
    let sim = transition(newPodSim(), 'Admitted', { now: T0, cfg });
    let s = renderPodStatus({ pod, sim, hostIP: '10.0.0.10', now: T0, cfg });
    expect(s.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(s.initContainerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(s.conditions!.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [setup]',
    });
    sim = transition(transition(sim, 'SandboxReady', { now: T0 + 1000, podIP: '100.96.1.9', cfg }), 'Running', { now: T0 + 3000, cfg });
    s = renderPodStatus({ pod, sim, hostIP: '10.0.0.10', now: T0 + 3000, cfg });
    expect(s.initContainerStatuses![0]).toMatchObject({
      ready: true,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2026-01-01T00:00:01Z', finishedAt: '2026-01-01T00:00:03Z' } },
    });
    expect(s.conditions!.find((c) => c.type === 'Initialized')!.status).toBe('True');
  });
});

describe('renderPodStatus details', () => {
  const running = (): PodSim =>
    transition(transition(transition(newPodSim(), 'Admitted', { now: T0, cfg }), 'SandboxReady', { now: T0, podIP: '100.96.1.2', cfg }), 'Running', {
      now: T0 + 2000,
      cfg,
    });

  it('fills the fields kubectl shows for a running pod', () => {
    const s = renderPodStatus({ pod: makePod(), sim: running(), hostIP: '10.0.0.10', now: T0 + 2000, cfg });
    expect(s).toMatchObject({
      phase: 'Running',
      hostIP: '10.0.0.10',
      hostIPs: [{ ip: '10.0.0.10' }],
      podIP: '100.96.1.2',
      podIPs: [{ ip: '100.96.1.2' }],
      startTime: '2026-01-01T00:00:00Z',
    });
    const c = s.containerStatuses![0]!;
    expect(c).toMatchObject({
      name: 'app',
      image: 'docker.io/library/nginx:1.27',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: '2026-01-01T00:00:02Z' } },
    });
    expect(c.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(c.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  });

  it('keeps lastTransitionTime of a condition whose status did not change', () => {
    const pod = makePod();
    pod.status!.conditions!.push({ type: 'Ready', status: 'True', lastTransitionTime: '2025-12-31T00:00:00Z' });
    const s = renderPodStatus({ pod, sim: running(), hostIP: '10.0.0.10', now: T0 + 2000, cfg });
    expect(s.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('2025-12-31T00:00:00Z');
    expect(s.conditions!.find((c) => c.type === 'ContainersReady')!.lastTransitionTime).toBe('2026-01-01T00:00:02Z');
  });

  it('words the CrashLoopBackOff message as kubelet does', () => {
    let sim = running();
    sim = transition(sim, 'Exited', { now: T0 + 5000, exitCode: 1, cfg });
    sim = transition(sim, 'Running', { now: T0 + 5000, cfg });
    sim = transition(sim, 'Exited', { now: T0 + 6000, exitCode: 1, cfg });
    const s = renderPodStatus({ pod: makePod(), sim, hostIP: '10.0.0.10', now: T0 + 6000, cfg });
    expect(s.containerStatuses![0]!.state!.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: 'back-off 10s restarting failed container=app pod=web_default(uid-1)',
    });
  });

  it('statusUpToDate ignores key order and nulls', () => {
    const s = renderPodStatus({ pod: makePod(), sim: running(), hostIP: '10.0.0.10', now: T0 + 2000, cfg });
    const live = JSON.parse(JSON.stringify(s, (_k, v: unknown) => (v === null ? undefined : v)));
    expect(statusUpToDate({ ...live, qosClass: 'BestEffort' }, s)).toBe(true);
    expect(statusUpToDate({ ...live, podIP: '100.96.1.3' }, s)).toBe(false);
  });
});

describe('exitOutcome and podPhase', () => {
  it.each([
    ['Always', 0, 'restart'],
    ['Always', 1, 'restart'],
    ['OnFailure', 0, 'Succeeded'],
    ['OnFailure', 2, 'restart'],
    ['Never', 0, 'Succeeded'],
    ['Never', 137, 'Failed'],
    [undefined, 0, 'restart'],
  ] as const)('%s exit %d → %s', (policy, code, want) => {
    expect(exitOutcome(policy, code)).toBe(want);
  });
  it('a back-off series restarts after a long run', () => {
    let sim: PodSim = { ...newPodSim(), state: 'Running', run: { startedAt: T0 }, backoffStep: 4 };
    sim = transition(sim, 'Exited', { now: T0 + 11 * 60_000, exitCode: 1, cfg });
    expect(sim.backoffStep).toBe(0);
    expect(podPhase(sim)).toBe('Running');
  });
});
