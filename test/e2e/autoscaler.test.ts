import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.js';
import { kubectlRunner, type KubectlRunner } from './harness.js';

// The autoscaling story with the real kubectl against the built CLI:
// `kubeling up --nodes 1 --autoscale-nodes 1:5` (short CA timings by flag), a Deployment
// too big for one node → Pending → TriggeredScaleUp → new Nodes from the simulated cloud
// → all Running; then scaled down → nodes drained and deleted down to the group minimum,
// with a PodDisruptionBudget holding one node until it is removed. Needs dist/.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/kubeling.js');

const FLAGS = [
  '--nodes', '1',
  '--autoscale-nodes', '1:5',
  '--scan-interval', '1s',
  '--scale-down-unneeded-time', '4s',
  '--scale-down-delay-after-add', '4s',
  '--scale-down-delay-after-delete', '1s',
];

/** 6 replicas of 3 cpu: more than a third of an 8-cpu node, so two per node and three nodes. */
const BIG = `apiVersion: apps/v1
kind: Deployment
metadata: { name: big }
spec:
  replicas: 6
  selector: { matchLabels: { app: big } }
  template:
    metadata: { labels: { app: big } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: nginx
        resources: { requests: { cpu: "3", memory: 1Gi } }
`;

const GUARDED = `apiVersion: apps/v1
kind: Deployment
metadata: { name: guarded }
spec:
  replicas: 1
  selector: { matchLabels: { app: guarded } }
  template:
    metadata: { labels: { app: guarded } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: nginx
        resources: { requests: { cpu: 100m, memory: 64Mi } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: guarded }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: guarded } }
`;

const HUGE = `apiVersion: v1
kind: Pod
metadata: { name: huge }
spec:
  containers:
  - name: app
    image: nginx
    resources: { requests: { cpu: "64" } }
`;

describe('cluster autoscaler with kubectl (kubeling up --autoscale-nodes 1:5)', () => {
  let root: string;
  let child: ChildProcess | undefined;
  let stderr = '';
  let k: KubectlRunner;
  let firstNode = '';

  const kubectl = async (args: string[], stdin?: string) => {
    const r = await k.kubectl(args, stdin !== undefined ? { stdin } : {});
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const readyNodes = async () =>
    (await kubectl(['get', 'nodes', '--no-headers']))
      .split('\n')
      .filter((l) => /\sReady\s/.test(l))
      .map((l) => l.split(/\s+/)[0]!);
  const nodeNames = async () => (await kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean);
  const events = (reason: string) => kubectl(['get', 'events', '-A', '--field-selector', `reason=${reason}`, '-o', 'jsonpath={range .items[*]}{.involvedObject.kind}/{.involvedObject.name}: {.message}{"\\n"}{end}']);

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist/cluster-autoscaler/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    root = await mkdtemp(join(tmpdir(), 'kubeling-ca-e2e-'));
    const c = spawn(process.execPath, [BIN, 'up', '--port', '0', '--data-dir', join(root, 'data'), '--log-level', 'warn', ...FLAGS], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(root, 'home'), NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    c.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let stdout = '';
    const kubeconfig = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no KUBECONFIG line in 30 s: ${stdout} ${stderr}`)), 30_000);
      c.once('exit', (code) => rej(new Error(`kubeling up exited (${code}): ${stderr}`)));
      c.stdout!.setEncoding('utf8').on('data', (s: string) => {
        stdout += s;
        const m = /^export KUBECONFIG=(.+)$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          res(m[1]!);
        }
      });
    });
    k = kubectlRunner(join(root, 'kubectl'), kubeconfig);
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('starts with the group at its initial size: one cloud node, initialised by the cloud controller manager', async () => {
    const ready = await waitUntil(async () => {
      const r = await readyNodes();
      return r.length === 1 ? r : undefined;
    }, 'one Ready node');
    firstNode = ready[0]!;
    expect(firstNode).toMatch(/^default-pool-[a-z0-9]{5}$/);
    const node = JSON.parse(await waitUntil(async () => {
      const j = await kubectl(['get', 'node', firstNode, '-o', 'json']);
      return JSON.parse(j).spec?.providerID ? j : undefined;
    }, 'providerID on the node'));
    expect(node.spec.providerID).toBe(`kubeling://default-pool/${firstNode}`);
    expect(node.metadata.labels).toMatchObject({ 'topology.kubernetes.io/zone': 'kubeling-zone-a', 'topology.kubernetes.io/region': 'kubeling-region-1', 'node.kubernetes.io/instance-type': 'kubeling.standard' });
    expect((node.spec.taints ?? []).map((t: { key: string }) => t.key)).not.toContain('node.cloudprovider.kubernetes.io/uninitialized');
  }, 60_000);

  it('scales up: pods Pending → TriggeredScaleUp → new Nodes Ready → all Running', async () => {
    await kubectl(['apply', '-f', '-'], BIG);
    const triggered = await waitUntil(async () => {
      const out = await events('TriggeredScaleUp');
      return out.includes('pod triggered scale-up') ? out : undefined;
    }, 'TriggeredScaleUp events', 30_000);
    expect(triggered).toMatch(/^Pod\/big-[a-z0-9-]+: pod triggered scale-up: \[\{default-pool 1->3 \(max: 5\)\}\]$/m);
    await waitUntil(async () => (await readyNodes()).length === 3, 'three Ready nodes', 60_000);
    await waitUntil(async () => {
      const phases = (await kubectl(['get', 'pods', '-l', 'app=big', '-o', 'jsonpath={.items[*].status.phase}'])).split(' ');
      return phases.length === 6 && phases.every((p) => p === 'Running');
    }, 'six Running pods', 60_000);
    const scaled = await events('ScaledUpGroup');
    expect(scaled).toContain('ConfigMap/cluster-autoscaler-status: Scale-up: setting group default-pool size to 3 instead of 1 (max: 5)');
    const status = await kubectl(['get', 'configmap', '-n', 'kube-system', 'cluster-autoscaler-status', '-o', 'jsonpath={.data.status}']);
    expect(status).toMatch(/^autoscalerStatus: Running$/m);
    expect(status).toMatch(/- name: default-pool\n/);
    expect(status).toMatch(/cloudProviderTarget: 3/);
  }, 150_000);

  it('a pod no group can hold gets NotTriggerScaleUp and no node is added for it', async () => {
    await kubectl(['apply', '-f', '-'], HUGE);
    const msg = await waitUntil(async () => {
      const out = await events('NotTriggerScaleUp');
      return out.includes('Pod/huge') ? out : undefined;
    }, 'NotTriggerScaleUp on the huge pod', 30_000);
    expect(msg).toContain("Pod/huge: pod didn't trigger scale-up: 1 Insufficient cpu");
    expect(await nodeNames()).toHaveLength(3);
    await kubectl(['delete', 'pod', 'huge', '--wait=false']);
  }, 60_000);

  it('scales down to the minimum, a PodDisruptionBudget holding its node until it goes', async () => {
    // The guarded pod lands on a node the scale-up added: cordon the others while it schedules.
    const names = await nodeNames();
    const added = names.find((n) => n !== firstNode)!;
    const others = names.filter((n) => n !== added);
    await kubectl(['cordon', ...others]);
    await kubectl(['apply', '-f', '-'], GUARDED);
    await waitUntil(async () => (await kubectl(['get', 'pods', '-l', 'app=guarded', '-o', 'jsonpath={.items[*].status.phase}'])) === 'Running', 'guarded pod Running', 30_000);
    expect(await kubectl(['get', 'pods', '-l', 'app=guarded', '-o', 'jsonpath={.items[0].spec.nodeName}'])).toBe(added);
    await kubectl(['uncordon', ...others]);
    await waitUntil(async () => (await kubectl(['get', 'pdb', 'guarded', '-o', 'jsonpath={.status.disruptionsAllowed}'])) === '0', 'PDB at zero disruptions');

    // The first node is kept out of scale-down by CA's annotation, so it stays the home the
    // guarded pod can move to: then only the budget holds the guarded node.
    await kubectl(['annotate', 'node', firstNode, 'cluster-autoscaler.kubernetes.io/scale-down-disabled=true']);
    await kubectl(['scale', 'deployment', 'big', '--replicas=0']);
    // The third node goes; the guarded one stays (budget), the first one too (annotation).
    await waitUntil(async () => (await nodeNames()).length === 2, 'two nodes left', 90_000);
    expect((await nodeNames()).sort()).toEqual([added, firstNode].sort());
    // Held: well past the unneeded time, the node is still there and its pod was never evicted.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(await nodeNames()).toContain(added);
    expect(await events('ScaleDown')).not.toContain('Pod/guarded');

    await kubectl(['delete', 'pdb', 'guarded']);
    await waitUntil(async () => {
      const left = await nodeNames();
      return left.length === 1 && left[0] === firstNode;
    }, 'only the first node left', 90_000);
    const scaleDown = await events('ScaleDown');
    expect(scaleDown).toContain(`Node/${added}: marked the node as toBeDeleted/unschedulable`);
    expect(await events('ScaleDownEmpty')).toMatch(/^ConfigMap\/cluster-autoscaler-status: Scale-down: removing empty node "default-pool-[a-z0-9]{5}"$/m);
    expect(scaleDown).toMatch(new RegExp(`^ConfigMap/cluster-autoscaler-status: Scale-down: removing node ${added}, utilization: .*pods to reschedule: default/guarded-`, 'm'));
    expect(scaleDown).toMatch(/^Pod\/guarded-[a-z0-9-]+: deleting pod for node scale down$/m);
    await waitUntil(async () => (await kubectl(['get', 'pods', '-l', 'app=guarded', '-o', 'jsonpath={.items[*].status.phase}'])) === 'Running', 'guarded pod Running again', 30_000);
    expect(await kubectl(['get', 'pods', '-l', 'app=guarded', '-o', 'jsonpath={.items[0].spec.nodeName}'])).toBe(firstNode);
    expect(stderr).not.toMatch(/"level":50/);
  }, 240_000);
});
