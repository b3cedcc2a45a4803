import { afterEach, describe, expect, it } from 'vitest';
import { podResource, type Pod } from '../api/core/pod.js';
import type { KubeObject } from '../api/types.js';
import { flush, step } from '../client/testing.js';
import { startTestSim, stopTestSims, type TestSim } from './testing.js';

/**
 * Containers whose command exits (command-plan.ts) in the running simulator, on a
 * FakeClock with no jitter (random() = 0): sandbox 400 ms, image pull 800 ms, start
 * 200 ms, so a pod's containers start 1.4 s after it is bound.
 */

const STARTED = 1400;
afterEach(stopTestSims);

type H = TestSim;
const harness = (): Promise<H> => startTestSim(1);

/** What `kubectl run NAME --image=busybox --restart=POLICY -- ARGS…` creates, bound to the node. */
async function run(h: H, name: string, restartPolicy: string, args: string[], annotations?: Record<string, string>): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations },
    spec: { nodeName: h.sim.nodeNames[0], restartPolicy, containers: [{ name: 'app', image: 'busybox', args }] },
  } as KubeObject);
  await flush(10);
}

const pod = (h: H, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });
const status = async (h: H, name: string) => (await pod(h, name)).status?.containerStatuses?.[0];
const logs = async (h: H, name: string, previous = false) => {
  const res = await fetch(`http://127.0.0.1:${h.sim.port}/containerLogs/default/${name}/app${previous ? '?previous=true' : ''}`);
  return { code: res.status, body: await res.text() };
};

describe('containers running a one-shot command', () => {
  it('echo hello with restartPolicy Never: Succeeded, Completed, exit 0, logs "hello"', async () => {
    const h = await harness();
    await run(h, 'hello', 'Never', ['echo', 'hello']);
    await step(h.clock, 3000, 100);
    const p = await pod(h, 'hello');
    expect(p.status?.phase).toBe('Succeeded');
    expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await logs(h, 'hello')).toEqual({ code: 200, body: 'hello\n' });
  });

  it('sh -c "echo start; sleep 2; exit 3" runs for 2 s, then fails with exit code 3', async () => {
    const h = await harness();
    await run(h, 'script', 'Never', ['sh', '-c', 'echo start; sleep 2; exit 3']);
    await step(h.clock, STARTED + 1000, 100);
    expect((await pod(h, 'script')).status?.phase).toBe('Running');
    expect(await logs(h, 'script')).toEqual({ code: 200, body: 'start\n' });
    await step(h.clock, 1500, 100);
    const p = await pod(h, 'script');
    expect(p.status?.phase).toBe('Failed');
    expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(await logs(h, 'script')).toEqual({ code: 200, body: 'start\n' });
  });

  it('sleep 3600 is still running after 10 s', async () => {
    const h = await harness();
    await run(h, 'sleeper', 'Never', ['sleep', '3600']);
    await step(h.clock, 12_000, 500);
    expect((await pod(h, 'sleeper')).status?.phase).toBe('Running');
    expect(await status(h, 'sleeper')).toMatchObject({ ready: true, restartCount: 0 });
  });

  it('the exit annotations still win over a planned command', async () => {
    const h = await harness();
    await run(h, 'annotated', 'Never', ['echo', 'hello'], { 'kubeling.io/exit-after': '5s', 'kubeling.io/exit-code': '2' });
    await step(h.clock, STARTED + 4000, 100);
    expect((await pod(h, 'annotated')).status?.phase).toBe('Running');
    await step(h.clock, 1500, 100);
    expect((await pod(h, 'annotated')).status?.phase).toBe('Failed');
    expect((await status(h, 'annotated'))?.state?.terminated?.exitCode).toBe(2);
  });

  it('restartPolicy OnFailure restarts a failing command; --previous shows the last run', async () => {
    const h = await harness();
    await run(h, 'flaky', 'OnFailure', ['sh', '-c', 'echo trying; false']);
    await step(h.clock, STARTED + 1000, 100);
    const s = await status(h, 'flaky');
    expect(s?.restartCount).toBe(1);
    expect(s?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    // The restarted run failed at once too: kubelet's back-off holds the next start.
    expect(s?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect((await pod(h, 'flaky')).status?.phase).toBe('Running');
    expect(await logs(h, 'flaky', true)).toEqual({ code: 200, body: 'trying\n' });
    await step(h.clock, 10_000, 500);
    expect((await status(h, 'flaky'))?.restartCount).toBe(2);
  });

  it('busybox without a command (kubectl create deployment --image=busybox) exits at once and crash-loops', async () => {
    const h = await harness();
    await run(h, 'shell', 'Always', []);
    await step(h.clock, STARTED + 1000, 100);
    const s = await status(h, 'shell');
    expect(s?.restartCount).toBe(1);
    expect(s?.lastState?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(s?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(await logs(h, 'shell', true)).toEqual({ code: 200, body: '' });
  });

  it('a forever command (a loop) keeps today\'s behaviour', async () => {
    const h = await harness();
    await run(h, 'loop', 'Never', ['sh', '-c', 'echo up; while true; do sleep 1; done']);
    await step(h.clock, 30_000, 1000);
    expect((await pod(h, 'loop')).status?.phase).toBe('Running');
    expect(await logs(h, 'loop')).toEqual({ code: 200, body: 'up\n' });
  });
});
