import { afterEach, describe, expect, it } from 'vitest';
import { configMapResource } from '../api/core/configmap.js';
import { eventResource } from '../api/core/event.js';
import { podResource, type Pod } from '../api/core/pod.js';
import { serviceResource } from '../api/core/service.js';
import type { KubeObject } from '../api/types.js';
import { flush, step } from '../client/testing.js';
import { startTestSim, stopTestSims, type TestSim } from './testing.js';

/**
 * Containers whose own command runs in the simulated busybox as their main process
 * (container-processes.ts), in the running simulator on a FakeClock: containers start
 * 1.4 s after the pod is bound (testing.ts's pinned stages).
 */

const STARTED = 1400;
afterEach(stopTestSims);

type Spec = { name?: string; image?: string; command?: string[]; args?: string[]; env?: unknown[]; envFrom?: unknown[]; resources?: unknown };

async function create(h: TestSim, name: string, restartPolicy: string, containers: Spec[]): Promise<void> {
  await h.client.create(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: h.sim.nodeNames[0], restartPolicy, containers: containers.map((c) => ({ name: 'app', image: 'busybox', ...c })) },
  } as KubeObject);
  await flush(10);
}

const sh = (script: string): Spec => ({ command: ['/bin/sh', '-c', script] });
const pod = (h: TestSim, name: string) => h.client.get<Pod>(podResource, name, { namespace: 'default' });
const logs = async (h: TestSim, name: string, query = '') => {
  const res = await fetch(`http://127.0.0.1:${h.sim.port}/containerLogs/default/${name}/app${query}`);
  return res.text();
};

describe("a container's own command runs in the simulated shell", () => {
  it('a loop prints to the log as it runs, and its exit status ends the container (restartPolicy Never)', async () => {
    const h = await startTestSim(1);
    await create(h, 'counter', 'Never', [sh('i=0; while [ $i -lt 3 ]; do echo line $i; i=$((i+1)); sleep 1; done; exit 3')]);
    await step(h.clock, STARTED + 1500, 100);
    expect((await pod(h, 'counter')).status?.phase).toBe('Running');
    expect(await logs(h, 'counter')).toBe('line 0\nline 1\n');
    await step(h.clock, 3000, 100);
    const p = await pod(h, 'counter');
    expect(p.status?.phase).toBe('Failed');
    expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(await logs(h, 'counter')).toBe('line 0\nline 1\nline 2\n');
  });

  it('restartPolicy Always: the program runs again in a new run; --previous shows the last run', async () => {
    const h = await startTestSim(1);
    await create(h, 'again', 'Always', [sh('for w in one two; do echo $w; done; sleep 2; exit 1')]);
    await step(h.clock, STARTED + 2500, 100);
    const s = (await pod(h, 'again')).status?.containerStatuses?.[0];
    expect(s?.restartCount).toBe(1);
    expect(s?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(await logs(h, 'again', '?previous=true')).toBe('one\ntwo\n');
    expect(await logs(h, 'again')).toBe('one\ntwo\n');
  });

  it('the environment has env, envFrom and valueFrom from ConfigMaps, fieldRefs, Service variables; $(VAR) in args is expanded', async () => {
    const h = await startTestSim(1);
    await h.client.create(configMapResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'special', namespace: 'default' }, data: { 'special.how': 'very', LEVEL: 'high' } } as KubeObject);
    await h.client.create(serviceResource, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'php-apache', namespace: 'default' }, spec: { clusterIP: '10.96.0.50', ports: [{ port: 80, protocol: 'TCP' }] } } as KubeObject);
    await flush(20);
    await create(h, 'envy', 'Never', [
      {
        command: ['/bin/sh', '-c', 'echo "$SPECIAL_LEVEL_KEY $LEVEL $MY_POD $PHP_APACHE_SERVICE_HOST $GREETING"; echo "$(GREETING) arg"; while true; do sleep 60; done'],
        env: [
          { name: 'SPECIAL_LEVEL_KEY', valueFrom: { configMapKeyRef: { name: 'special', key: 'special.how' } } },
          { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'GREETING', value: 'hi' },
        ],
        envFrom: [{ configMapRef: { name: 'special' } }],
      },
    ]);
    await step(h.clock, STARTED + 200, 100);
    expect(await logs(h, 'envy')).toBe('very high envy 10.96.0.50 hi\nhi arg\n');
  });

  it('a missing ConfigMap: CreateContainerConfigError and kubelet\'s Failed event until it exists, then the program starts', async () => {
    const h = await startTestSim(1);
    await create(h, 'lost', 'Never', [{ command: ['sh', '-c', 'echo $X; while true; do sleep 1; done'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x' } } }] }]);
    await step(h.clock, STARTED + 500, 100);
    const p = await pod(h, 'lost');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'CreateContainerConfigError', message: 'configmap "nope" not found' } });
    await step(h.clock, 2000, 100);
    const events = (await h.client.list(eventResource, { namespace: 'default' })).items as Array<{ reason?: string; type?: string; message?: string; involvedObject?: { name?: string } }>;
    expect(events.find((e) => e.involvedObject?.name === 'lost' && e.reason === 'Failed')).toMatchObject({ type: 'Warning', message: 'Error: configmap "nope" not found' });
    await h.client.create(configMapResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope', namespace: 'default' }, data: { x: 'found' } } as KubeObject);
    // Retried at the sandbox retry interval (5–10 s by default; the pinned test stages keep the default).
    await step(h.clock, 12_000, 200);
    expect((await pod(h, 'lost')).status?.phase).toBe('Running');
    expect(await logs(h, 'lost')).toBe('found\n');
  });

  it('the HPA walkthrough loop as a pod of its own: wget through the data path makes CPU in the target, OK!s in the log', async () => {
    const h = await startTestSim(1);
    await create(h, 'php', 'Always', [{ image: 'registry.k8s.io/hpa-example', resources: { requests: { cpu: '200m' }, limits: { cpu: '500m' } } }]);
    await step(h.clock, STARTED + 100, 100);
    const ip = (await pod(h, 'php')).status?.podIP;
    expect(ip).toMatch(/^100\.96\.0\./);
    await create(h, 'load', 'Always', [{ args: ['/bin/sh', '-c', `while sleep 0.01; do wget -q -O- http://${ip}; done`] }]);
    await step(h.clock, STARTED + 20_000, 50);
    const log = await logs(h, 'load');
    expect(log).toMatch(/^(OK!){100,}$/);
    const summary = (await (await fetch(`http://127.0.0.1:${h.sim.port}/node/${h.sim.nodeNames[0]}/stats/summary`)).json()) as { pods: Array<{ podRef: { name: string }; cpu?: { usageNanoCores?: number } }> };
    const php = summary.pods.find((p) => p.podRef.name === 'php');
    // The requests cost CPU in php-apache (idle it uses a few millicores). The rate here
    // is set by the test's clock steps; the calibration is usage/calibration.test.ts's.
    expect(php?.cpu?.usageNanoCores).toBeGreaterThan(100e6);
    await h.client.delete(podResource, 'load', { namespace: 'default', gracePeriodSeconds: 0 });
    await step(h.clock, 2000, 100);
  });

  it('a loop that never waits is held to its step budget instead of taking a core', async () => {
    const h = await startTestSim(1);
    await create(h, 'spin', 'Never', [sh('i=0; while true; do i=$((i+1)); if [ $((i % 100)) -eq 0 ]; then echo $i; fi; done')]);
    await step(h.clock, STARTED + 100, 100);
    // No simulated time passes now: the loop gets one second's budget (20 × 64 steps), then waits.
    await flush(2000);
    const before = (await logs(h, 'spin')).split('\n').filter(Boolean).length;
    await flush(2000);
    expect((await logs(h, 'spin')).split('\n').filter(Boolean).length).toBe(before);
    expect(before).toBeLessThan(10);
    // Each simulated second lets the next slice run.
    await step(h.clock, 5000, 100);
    expect((await logs(h, 'spin')).split('\n').filter(Boolean).length).toBeGreaterThan(before);
  });

  it('deleting the pod stops the program: no exit is reported, nothing more is logged', async () => {
    const h = await startTestSim(1);
    await create(h, 'ticker', 'Always', [sh('while true; do echo tick; sleep 1; done')]);
    await step(h.clock, STARTED + 2500, 100);
    expect(await logs(h, 'ticker')).toBe('tick\ntick\ntick\n');
    await h.client.delete(podResource, 'ticker', { namespace: 'default' });
    await step(h.clock, 5000, 100);
    await expect(pod(h, 'ticker')).rejects.toThrow();
  });
});
