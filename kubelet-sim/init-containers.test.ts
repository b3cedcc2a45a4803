import { afterEach, describe, expect, it } from 'vitest';
import { eventResource } from '../api/core/event.js';
import { podResource, type Pod } from '../api/core/pod.js';
import { summarizePod } from '../api/core/pod-printer.js';
import type { KubeObject } from '../api/types.js';
import { flush, step } from '../client/testing.js';
import { incompleteInits, initExited, newInitState, sidecarStarted, startInit } from './init-containers.js';
import { startTestSim, stopTestSims, type TestSim } from './testing.js';

/** Init and sidecar containers: the pure steps, then the running simulator on a FakeClock (containers start 1.4 s after creation). */

const STARTED = 1400;
afterEach(stopTestSims);

describe('init container steps', () => {
  it('runs in order; exit 0 moves on, a failure backs off or (Never) fails the pod', () => {
    let s = startInit(newInitState(2), 100);
    expect(s.runs[0]).toEqual([{ startedAt: 100 }]);
    let r = initExited(s, 200, 1, 'Always');
    expect(r.outcome).toBe('backoff');
    expect(r.state).toMatchObject({ index: 0, backoffStep: 1, backoff: true });
    s = startInit(r.state, 300);
    r = initExited(s, 400, 0, 'Always');
    expect(r.outcome).toBe('next');
    expect(r.state).toMatchObject({ index: 1, backoffStep: 0 });
    expect(r.state.runs[0]).toEqual([{ startedAt: 100, finishedAt: 200, exitCode: 1 }, { startedAt: 300, finishedAt: 400, exitCode: 0 }]);
    expect(initExited(startInit(r.state, 500), 600, 2, 'Never').outcome).toBe('failed');
  });
  it('a sidecar counts as started; Initialized waits only for the regular ones', () => {
    const inits = [{ name: 'side', image: 'x', restartPolicy: 'Always' }, { name: 'setup', image: 'x' }];
    const s = sidecarStarted(startInit(newInitState(2), 0));
    expect(s.index).toBe(1);
    expect(incompleteInits(inits, s)).toEqual(['setup']);
    expect(incompleteInits(inits, { ...s, index: 2 })).toEqual([]);
  });
});

async function create(h: TestSim, name: string, initContainers: unknown[], restartPolicy = 'Always', containers?: unknown[]): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: h.sim.nodeNames[0], restartPolicy, initContainers, containers: containers ?? [{ name: 'app', image: 'nginx:1.27' }] },
  } as KubeObject);
  await flush(10);
}
const pod = (h: TestSim, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });
const status = async (h: TestSim, name: string) => summarizePod(await pod(h, name)).status;
const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox:1.36', command: ['sh', '-c', script], ...extra });
const logs = async (h: TestSim, name: string, container: string, query = '') => (await fetch(`http://127.0.0.1:${h.sim.port}/containerLogs/default/${name}/${container}${query}`)).text();

describe('init containers in the simulator', () => {
  it('run one after the other (Init:0/2, Init:1/2, PodInitializing → Running), each with its own log', async () => {
    const h = await startTestSim(1);
    await create(h, 'two', [sh('first', 'echo first says hi; sleep 2'), sh('second', 'echo second; sleep 3')]);
    await step(h.clock, STARTED + 1000, 100);
    let p = await pod(h, 'two');
    expect(summarizePod(p).status).toBe('Init:0/2');
    expect(p.status?.initContainerStatuses?.[0]?.state?.running).toBeDefined();
    expect(p.status?.initContainerStatuses?.[1]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(p.status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', message: 'containers with incomplete status: [first second]' });
    await step(h.clock, 1500, 100);
    expect(await status(h, 'two')).toBe('Init:1/2');
    expect((await pod(h, 'two')).status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    await step(h.clock, 3500, 100);
    p = await pod(h, 'two');
    expect(p.status?.phase).toBe('Running');
    expect(summarizePod(p).status).toBe('Running');
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(await logs(h, 'two', 'first')).toBe('first says hi\n');
    expect(await logs(h, 'two', 'second')).toBe('second\n');
    const started = ((await h.client.list(eventResource, { namespace: 'default' })).items as Array<{ reason?: string; message?: string; involvedObject?: { name?: string; fieldPath?: string } }>)
      .filter((e) => e.involvedObject?.name === 'two' && e.reason === 'Started')
      .map((e) => e.involvedObject?.fieldPath);
    expect(started).toEqual(['spec.initContainers{first}', 'spec.initContainers{second}', 'spec.containers{app}']);
  });

  it('a failing init container is restarted with back-off (Init:CrashLoopBackOff); the app never starts', async () => {
    const h = await startTestSim(1);
    await create(h, 'crashy', [sh('bad', 'echo nope; exit 1')]);
    await step(h.clock, STARTED + 2000, 100);
    const p = await pod(h, 'crashy');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.initContainerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } });
    expect(summarizePod(p).status).toBe('Init:CrashLoopBackOff');
    expect(await logs(h, 'crashy', 'bad', '?previous=true')).toBe('nope\n');
    await step(h.clock, 10_500, 250);
    expect((await pod(h, 'crashy')).status?.initContainerStatuses?.[0]?.restartCount).toBe(2);
  });

  it('restartPolicy Never: a failed init container fails the pod (Init:Error)', async () => {
    const h = await startTestSim(1);
    await create(h, 'broken', [sh('bad', 'exit 3')], 'Never');
    await step(h.clock, STARTED + 1000, 100);
    const p = await pod(h, 'broken');
    expect(p.status?.phase).toBe('Failed');
    expect(summarizePod(p).status).toBe('Init:Error');
    expect(p.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  });

  it('a sidecar that exits is restarted, whatever the pod restartPolicy, with back-off', async () => {
    const h = await startTestSim(1);
    await create(h, 'flaky-sidecar', [sh('shipper', 'sleep 2; exit 1', { restartPolicy: 'Always' })], 'Never');
    await step(h.clock, STARTED + 500, 100);
    expect((await pod(h, 'flaky-sidecar')).status?.initContainerStatuses?.[0]).toMatchObject({ restartCount: 0, state: { running: {} } });
    // Exits at 2 s, restarted at once; exits again at 4 s, then waits 10 s.
    await step(h.clock, 4000, 100);
    const p = await pod(h, 'flaky-sidecar');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.initContainerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } });
    expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    await step(h.clock, 10_500, 250);
    expect((await pod(h, 'flaky-sidecar')).status?.initContainerStatuses?.[0]).toMatchObject({ restartCount: 2, state: { running: {} } });
  });

  it('a sidecar starts before the next init container, keeps running beside the app, and stops after it', async () => {
    const h = await startTestSim(1);
    await create(h, 'with-sidecar', [sh('logger', 'while true; do sleep 1; done', { restartPolicy: 'Always' }), sh('setup', 'sleep 2')], 'Never', [sh('app', 'sleep 3')]);
    await step(h.clock, STARTED + 1000, 100);
    let p = await pod(h, 'with-sidecar');
    expect(p.status?.initContainerStatuses?.[0]).toMatchObject({ started: true, ready: true, state: { running: {} } });
    expect(p.status?.initContainerStatuses?.[1]?.state?.running).toBeDefined();
    await step(h.clock, 1500, 100);
    p = await pod(h, 'with-sidecar');
    expect(p.status?.phase).toBe('Running');
    expect(summarizePod(p).ready).toBe('2/2');
    expect(p.status?.initContainerStatuses?.[0]?.state?.running).toBeDefined();
    await step(h.clock, 3500, 100);
    p = await pod(h, 'with-sidecar');
    expect(p.status?.phase).toBe('Succeeded');
    expect(p.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });
});
