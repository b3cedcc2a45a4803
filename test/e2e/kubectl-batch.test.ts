import { describe, expect, it } from 'vitest';
import { startControllerManager } from '../../controllers/manager.js';
import { createRestClient, loadKubeconfig } from '../../client/rest-client.js';
import { createScaledClock } from '../../lib/scaled-clock.js';
import { createLogger } from '../../lib/logger.js';
import type { KubectlResult } from './harness.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * batch/v1 with the real kubectl, as the Kubernetes documentation's Job and CronJob pages
 * run it: the `pi` Job completes and its logs show π; a CronJob every minute creates Jobs
 * (its controller runs on a clock 30× faster than real time, in a second controller
 * manager, so a minute is 2 s); `create job --from=cronjob/…`; bad schedules are refused
 * with kube's messages.
 */
const cluster = useClusterWithComponents({ nodes: 2, controllerManager: { controllers: ['*', '-cronjob-controller'] } });

function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}
async function run(c: ClusterWithComponents, args: string[]): Promise<string> {
  return ok(await c.kubectl(args), args.join(' '));
}

describe('Jobs with kubectl 1.32', () => {
  it('the pi Job completes and `kubectl logs job/pi` prints 2000 digits of pi', async () => {
    const c = cluster();
    const created = await run(c, ['create', 'job', 'pi', '--image=perl:5.34', '--', 'perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)']);
    expect(created).toBe('job.batch/pi created\n');
    const row = await waitUntil(async () => {
      const out = await run(c, ['get', 'jobs']);
      if (/^pi\s+Complete\s+1\/1\s+\d+s\s+\d+s$/m.test(out)) return out;
      throw new Error(out);
    }, 'job pi Complete', 60_000);
    expect(row.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    const logs = await run(c, ['logs', 'job/pi']);
    expect(logs.trim()).toHaveLength(2001);
    expect(logs.startsWith('3.14159265358979323846264338327950288419716939937510')).toBe(true);
    const pods = await run(c, ['get', 'pods', '-l', 'job-name=pi']);
    expect(pods).toMatch(/^pi-[a-z0-9]{5}\s+0\/1\s+Completed\s+0\s+/m);
    const wait = await run(c, ['wait', '--for=condition=complete', 'job/pi', '--timeout=10s']);
    expect(wait).toBe('job.batch/pi condition met\n');
    const describe = await run(c, ['describe', 'job', 'pi']);
    expect(describe).toMatch(/Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    expect(describe).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+job-controller\s+Created pod: pi-[a-z0-9]{5}/);
    expect(describe).toMatch(/Normal\s+Completed\s+\S+\s+job-controller\s+Job completed/);
  });

  it('a failing Job retries with backoff and fails with BackoffLimitExceeded', async () => {
    const c = cluster();
    const manifest = JSON.stringify({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'fails' },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] } } },
    });
    await c.kubectl(['apply', '-f', '-'], { stdin: manifest });
    await waitUntil(async () => {
      const out = await run(c, ['get', 'job', 'fails']);
      if (/^fails\s+Failed\s+0\/1\s+/m.test(out)) return out;
      throw new Error(out);
    }, 'job fails Failed', 60_000);
    const events = await run(c, ['get', 'events', '--field-selector', 'involvedObject.name=fails']);
    expect(events).toMatch(/Warning\s+BackoffLimitExceeded\s+job\/fails\s+Job has reached the specified backoff limit/);
  });

  it('refuses a Job with restartPolicy Always and a bad cron schedule, in kube words', async () => {
    const c = cluster();
    const job = JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'bad' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });
    const res = await c.kubectl(['apply', '-f', '-'], { stdin: job });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
    const cron = await c.kubectl(['create', 'cronjob', 'bad', '--image=busybox', '--schedule=61 * * * *']);
    expect(cron.code).not.toBe(0);
    expect(cron.stderr).toContain('spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
    const tz = await c.kubectl(['create', 'cronjob', 'bad', '--image=busybox', '--schedule=TZ=UTC * * * * *']);
    expect(tz.stderr).toContain('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  });
});

describe('CronJobs with kubectl 1.32', () => {
  it('a CronJob every minute creates Jobs that complete, and keeps 3 of them', async () => {
    const c = cluster();
    // The CronJob controller alone, on a clock 30× faster than real time.
    const client = createRestClient({ ...loadKubeconfig(c.kubeconfigPath), timeoutMs: 30_000 });
    const cm = await startControllerManager({ client, controllers: ['cronjob-controller'], leaderElect: false, clock: createScaledClock(30), logger: createLogger({ level: 'silent' }) });
    try {
      expect(await run(c, ['create', 'cronjob', 'hello', '--image=busybox', '--schedule=*/1 * * * *', '--', 'echo', 'Hello from the Kubernetes cluster'])).toBe('cronjob.batch/hello created\n');
      const table = await run(c, ['get', 'cronjob', 'hello']);
      expect(table.split('\n')[0]).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/);
      expect(table.split('\n')[1]).toMatch(/^hello\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+\d\s+\S+\s+\d+s$/);
      const jobs = await waitUntil(async () => {
        const out = await run(c, ['get', 'jobs', '-o', 'name']);
        const names = out.split('\n').filter((l) => l.startsWith('job.batch/hello-'));
        if (names.length >= 2) return names;
        throw new Error(out);
      }, 'two Jobs of the CronJob', 60_000);
      const first = jobs[0]!.slice('job.batch/'.length);
      expect(first).toMatch(/^hello-\d{8}$/);
      await waitUntil(async () => {
        const out = await run(c, ['get', 'job', first]);
        if (/Complete/.test(out)) return out;
        throw new Error(out);
      }, `${first} Complete`, 60_000);
      expect((await run(c, ['logs', `job/${first}`])).trim()).toBe('Hello from the Kubernetes cluster');
      // History: no more than 3 successful Jobs are kept.
      await waitUntil(async () => {
        const out = await run(c, ['get', 'jobs', '--no-headers']);
        const complete = out.split('\n').filter((l) => l.startsWith('hello-') && /Complete/.test(l));
        const events = await run(c, ['get', 'events', '--field-selector', 'involvedObject.name=hello']);
        if (complete.length <= 3 && /SuccessfulDelete\s+cronjob\/hello\s+Deleted job hello-/.test(events)) return true;
        throw new Error(out + events);
      }, 'history limit applied', 90_000);
      const manual = await run(c, ['create', 'job', 'manual', '--from=cronjob/hello']);
      expect(manual).toBe('job.batch/manual created\n');
      const m = JSON.parse(await run(c, ['get', 'job', 'manual', '-o', 'json'])) as { metadata: { annotations: Record<string, string>; ownerReferences: Array<{ kind: string; name: string }> } };
      expect(m.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
      expect(m.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'hello' });
      await run(c, ['delete', 'cronjob', 'hello']);
    } finally {
      await cm.stop();
      client.close();
    }
  });
});
