import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentResource } from '../../api/apps/deployment.js';
import { leaseResource, type Lease } from '../../api/coordination/lease.js';
import { nodeResource, type Node } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { createRestClient, loadKubeconfig, type HttpRestClient } from '../../client/rest-client.js';
import { parseCidr } from '../../controllers/node-ipam/cidr-set.js';
import { etcdAvailable, startEtcdCluster, type EtcdCluster } from '../helpers/etcd.js';
import { waitUntil } from '../helpers/wait.js';
import { REPO, startCli, type CliProcess } from './cli-process.js';

/**
 * The docker-compose topology as processes on loopback, every component a child process
 * of the built CLI: a 3-member etcd cluster, two apiservers on it (the second one started
 * on a copy of the first one's pki/, so one CA and one admin token serve both), two
 * controller managers (leader election: one acts), a scheduler and a kubelet-sim with 3
 * nodes. Components are spread over both apiservers, so every flow also crosses from one
 * apiserver to the other through etcd. Needs dist/ (`npm test` builds first).
 */
const hasEtcd = etcdAvailable();

const CM_LEASE = { namespace: 'kube-system', name: 'kube-controller-manager' };
const NS = 'default';

/** Polls every 250 ms (real processes, real time); `what` first, as the probes are long. */
const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> => waitUntil(fn, what, timeoutMs, 250);

/** The identity with which a controller manager process took the lease, if it did. */
function acquiredAs(cm: CliProcess): string | undefined {
  const rec = cm.logs().find((r) => r.msg === 'successfully acquired lease' && r.lease === `${CM_LEASE.namespace}/${CM_LEASE.name}`);
  return rec?.identity as string | undefined;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const { base, prefix } = parseCidr(cidr);
  const addr = parseCidr(`${ip}/32`).base;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((addr & mask) >>> 0) === base;
}

describe.skipIf(!hasEtcd)('distributed topology: 3 etcd, 2 apiservers, 2 controller managers, scheduler, kubelet-sim', () => {
  let root: string;
  let etcd: EtcdCluster | undefined;
  const procs: CliProcess[] = [];
  let api1: CliProcess, api2: CliProcess, cmA: CliProcess, cmB: CliProcess, scheduler: CliProcess, kubelets: CliProcess;
  let kubeconfig1: string, kubeconfig2: string;
  /** Test clients: one through each apiserver. */
  let c1: HttpRestClient, c2: HttpRestClient;

  const start = (name: string, args: string[]): CliProcess => {
    const p = startCli(name, args);
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    root = mkdtempSync(join(tmpdir(), 'kubeling-distributed-'));
    etcd = await startEtcdCluster(3);
    const etcdServers = etcd.endpoints.join(',');
    const apiserver = (name: string, dataDir: string) =>
      start(name, ['apiserver', '--etcd-servers', etcdServers, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);

    api1 = apiserver('apiserver-1', join(root, 'api-1'));
    kubeconfig1 = (await api1.waitForStdout(/^export KUBECONFIG=(.+)$/m))[1]!;
    // The second apiserver must trust the same CA and accept the same admin token: it
    // starts on a copy of the first one's pki/ (ensureTlsMaterial keeps what it finds).
    cpSync(join(root, 'api-1', 'pki'), join(root, 'api-2', 'pki'), { recursive: true });
    api2 = apiserver('apiserver-2', join(root, 'api-2'));
    kubeconfig2 = (await api2.waitForStdout(/^export KUBECONFIG=(.+)$/m))[1]!;
    c1 = createRestClient(loadKubeconfig(kubeconfig1));
    c2 = createRestClient(loadKubeconfig(kubeconfig2));

    const client = (name: string, command: string, kubeconfig: string, ...flags: string[]) =>
      start(name, [command, '--kubeconfig', kubeconfig, '--log-level', 'info', ...flags]);
    cmA = client('controller-manager-a', 'controller-manager', kubeconfig1);
    cmB = client('controller-manager-b', 'controller-manager', kubeconfig2);
    scheduler = client('scheduler', 'scheduler', kubeconfig2);
    kubelets = client('kubelet-sim', 'kubelet-sim', kubeconfig1, '--nodes', '3', '--node-name-prefix', 'dist-node-');
    await Promise.all([cmA, cmB, scheduler, kubelets].map((p) => p.waitForStdout(/is running against https:\/\/127\.0\.0\.1:\d+/)));
  }, 60_000);

  afterAll(async () => {
    c1?.close();
    c2?.close();
    // Whatever a failed test left running: kill its whole process group.
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await etcd?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 30_000);

  it('both apiservers share one CA and admin token and see the same data', async () => {
    const [k1, k2] = [loadKubeconfig(kubeconfig1), loadKubeconfig(kubeconfig2)];
    expect(k2.server).not.toBe(k1.server);
    expect(k2.caCert).toBe(k1.caCert);
    expect(k2.token).toBe(k1.token);
    const created = await c1.create(
      { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-apiserver-1', namespace: NS }, data: { a: '1' } } as KubeObject,
    );
    const read = await c2.get({ group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' }, 'via-apiserver-1', { namespace: NS });
    expect(read.metadata.uid).toBe(created.metadata.uid);
  });

  it('nodes register through one apiserver and become Ready with distinct podCIDRs', async () => {
    const nodes = await waitFor(
      '3 Ready nodes with podCIDRs',
      async () => {
        const list = await c2.list<Node>(nodeResource);
        const ready = list.items.filter(
          (n) => n.spec?.podCIDR && (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return ready.length === 3 && ready;
      },
      30_000,
    );
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['dist-node-0', 'dist-node-1', 'dist-node-2']);
    expect(new Set(nodes.map((n) => n.spec!.podCIDR)).size).toBe(3);
    for (const n of nodes) expect(ipInCidr(n.spec!.podCIDR!.split('/')[0]!, '100.96.0.0/16')).toBe(true);
  }, 40_000);

  it('exactly one controller manager leads, and the Lease names it', async () => {
    const holder = await waitFor(
      'a controller-manager lease holder',
      async () => (await c1.get<Lease>(leaseResource, CM_LEASE.name, { namespace: CM_LEASE.namespace })).spec?.holderIdentity,
      20_000,
    );
    // The leader logs after its write: the log line may trail the Lease a little.
    await waitFor('the leader to log its acquisition', async () => [cmA, cmB].some((cm) => acquiredAs(cm) === holder), 5_000);
    const leaders = [cmA, cmB].filter((cm) => acquiredAs(cm) !== undefined);
    expect(leaders).toHaveLength(1);
    expect(acquiredAs(leaders[0]!)).toBe(holder);
    const follower = leaders[0] === cmA ? cmB : cmA;
    expect(follower.logs().some((r) => r.msg === 'starting controllers')).toBe(false);
  }, 30_000);

  it('a Deployment created through one apiserver gets Running pods with IPs from their nodes’ podCIDRs', async () => {
    await c2.create(deploymentResource, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    } as KubeObject);
    const pods = await runningPods(c1, 3);
    const cidrs = new Map((await c1.list<Node>(nodeResource)).items.map((n) => [n.metadata.name!, n.spec!.podCIDR!]));
    for (const p of pods) {
      expect(cidrs.has(p.spec!.nodeName!)).toBe(true);
      expect(ipInCidr(p.status!.podIP!, cidrs.get(p.spec!.nodeName!)!)).toBe(true);
    }
    expect(new Set(pods.map((p) => p.status!.podIP)).size).toBe(3);
  }, 40_000);

  it('when the leading controller manager is killed, the other takes the Lease and still reconciles', async () => {
    const leader = acquiredAs(cmA) ? cmA : cmB;
    const survivor = leader === cmA ? cmB : cmA;
    const oldHolder = acquiredAs(leader)!;
    const exit = await leader.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    // Nobody released the lease: the survivor waits out leaseDurationSeconds (15 s).
    const newHolder = await waitFor(
      'a new controller-manager lease holder',
      async () => {
        const h = (await c2.get<Lease>(leaseResource, CM_LEASE.name, { namespace: CM_LEASE.namespace })).spec?.holderIdentity;
        if (!survivor.running()) throw new Error(`${survivor.name} exited: ${survivor.stderr().slice(-3000)}`);
        return h && h !== oldHolder && h;
      },
      30_000,
    );
    await waitFor('the survivor to log its acquisition', async () => acquiredAs(survivor) === newHolder, 5_000);

    const before = await runningPods(c1, 3);
    const victim = before[0]!.metadata.name!;
    await c2.delete(podResource, victim, { namespace: NS });
    const after = await waitFor(
      'a replacement pod',
      async () => {
        const pods = await runningPods(c1, 3, 0);
        return pods.length === 3 && pods.every((p) => p.metadata.name !== victim) && pods;
      },
      20_000,
    );
    expect(after.map((p) => p.metadata.name)).not.toContain(victim);
  }, 60_000);

  it('every component stops cleanly on SIGTERM', async () => {
    const rest = [kubelets, scheduler, cmA, cmB, api2, api1].filter((p) => p.running());
    expect(rest).toHaveLength(5);
    for (const p of rest) {
      expect({ name: p.name, ...(await p.stop('SIGTERM', 15_000)) }).toEqual({ name: p.name, code: 0, signal: null });
    }
  }, 60_000);
});

/**
 * Waits for exactly `n` Running, IP-holding, not-terminating pods of the `web` Deployment;
 * `timeoutMs` 0 checks once (for use inside another wait).
 */
async function runningPods(client: HttpRestClient, n: number, timeoutMs = 30_000): Promise<Pod[]> {
  const check = async () => {
    const pods = (await client.list<Pod>(podResource, { namespace: NS, labelSelector: 'app=web' })).items;
    const running = pods.filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata.deletionTimestamp);
    return running.length === n && pods.length === n && running;
  };
  if (timeoutMs === 0) return (await check()) || [];
  return waitFor(`${n} Running pods with IPs`, check, timeoutMs);
}
