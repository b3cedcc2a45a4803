import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentResource } from '../../api/apps/deployment.js';
import { configMapResource } from '../../api/core/configmap.js';
import { nodeResource, type Node } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { createRestClient, isNotFound, loadKubeconfig, type HttpRestClient } from '../../client/rest-client.js';
import { etcdAvailable } from '../helpers/etcd.js';
import { createProcessTopology, type ProcessTopology } from './process-topology.js';
import { deploymentManifest, sleep } from './scenario.js';
import { COMPONENT_NAMES } from './topology.js';

/**
 * Restart safety of the process topology: every instance of every component stopped and
 * started again loses nothing and the cluster keeps working; down then up on the same
 * directory (data kept) comes back with every object; down with the data wiped, then up,
 * starts an empty cluster.
 */
const hasEtcd = etcdAvailable();
const NS = 'default';
const log = (line: string) => console.log(`[ha-restart] ${line}`);

describe.skipIf(!hasEtcd)('HA process topology: restart safety', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'kubeling-ha-restart-')), 'ha');
  let topo: ProcessTopology | undefined;
  let client: HttpRestClient | undefined;

  const connect = () => {
    client?.close();
    client = createRestClient(loadKubeconfig(topo!.kubeconfigPath));
    return client;
  };

  afterAll(async () => {
    client?.close();
    await topo?.down({ removeVolumes: true });
    rmSync(dirname(dir), { recursive: true, force: true });
  }, 120_000);

  it('restarts every component, then the whole topology with its data, then starts clean after a wipe', async () => {
    topo = await createProcessTopology({ dir, nodes: 2, log });
    let c = connect();
    await waitFor('2 Ready nodes', async () => (await readyNodes(c)) === 2, 60_000);
    await c.create(configMapResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep-me', namespace: NS }, data: { k: 'v' } } as KubeObject);
    await c.create(deploymentResource, deploymentManifest(NS, 'before', 2));
    await waitFor('2 Running pods of before', async () => (await running(c, 'before')) === 2, 60_000);

    // Every instance of every component, one component at a time (etcd and the apiservers
    // one instance at a time, so a quorum and an apiserver always remain).
    for (const comp of COMPONENT_NAMES) {
      const n = topo.replicas(comp);
      const rolling = comp === 'etcd' || comp === 'apiserver';
      const indexes = Array.from({ length: n }, (_, i) => i);
      if (rolling) {
        for (const i of indexes) {
          await topo.stop(comp, i);
          await topo.start(comp, i);
        }
      } else {
        await Promise.all(indexes.map((i) => topo!.stop(comp, i)));
        await Promise.all(indexes.map((i) => topo!.start(comp, i)));
      }
      for (const i of indexes) expect({ comp, i, running: topo.pid(comp, i) !== undefined }).toEqual({ comp, i, running: true });
    }
    expect((await c.get(configMapResource, 'keep-me', { namespace: NS })).data).toEqual({ k: 'v' });
    await c.create(deploymentResource, deploymentManifest(NS, 'after-restarts', 1));
    await waitFor('the Deployment created after the restarts to run', async () => (await running(c, 'after-restarts')) === 1, 60_000);
    expect(await running(c, 'before')).toBe(2);

    // Everything down, data kept, and up again on the same directory and addresses.
    await topo.down();
    for (const comp of COMPONENT_NAMES) expect(topo.pid(comp, 0)).toBeUndefined();
    await topo.up();
    c = connect();
    expect((await c.get(configMapResource, 'keep-me', { namespace: NS })).data).toEqual({ k: 'v' });
    await waitFor('the Deployments to run again after the restart', async () => (await running(c, 'before')) === 2 && (await running(c, 'after-restarts')) === 1, 90_000);

    // Down with the data wiped: the next up is a new, empty cluster.
    await topo.down({ removeVolumes: true });
    topo = await createProcessTopology({ dir, nodes: 2, log });
    c = connect();
    const gone = await c.get(configMapResource, 'keep-me', { namespace: NS }).then(() => false, (err: unknown) => isNotFound(err));
    expect(gone).toBe(true);
    expect((await c.list(deploymentResource, { namespace: NS })).items).toEqual([]);
    await waitFor('2 Ready nodes in the new cluster', async () => (await readyNodes(c)) === 2, 60_000);
  }, 420_000);
});

function dirname(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}

async function readyNodes(c: HttpRestClient): Promise<number> {
  const nodes = (await c.list<Node>(nodeResource)).items;
  return nodes.filter((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
}

async function running(c: HttpRestClient, app: string): Promise<number> {
  const pods = (await c.list<Pod>(podResource, { namespace: NS, labelSelector: `app=${app}` })).items;
  return pods.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).length;
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await sleep(500);
  }
}
