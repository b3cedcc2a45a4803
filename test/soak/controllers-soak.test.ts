import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import { leaseResource } from '../../api/coordination/lease.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { podResource } from '../../api/core/pod.js';
import type { KubeObject } from '../../api/types.js';
import { startApiserver, type RunningApiserver } from '../../apiserver/main.js';
import { createInformer, type Informer } from '../../client/informer.js';
import { isNotFound } from '../../client/rest-client.js';
import { startComponents, type Components } from '../e2e/cluster-with-components.js';
import { convergenceProblems, duplicateReplicaSets, rsCreation, seededRandom, type RsCreation, type SoakObject } from './soak-checks.js';

/**
 * Controllers soak: 50 Deployments scaled up and down at random (with the odd image
 * change and pod deletion) for SOAK_SECONDS, while the controller manager is stopped and
 * a fresh one started twice. Afterwards, once the last change is made, the cluster must
 * converge before a deadline: exact replicas per Deployment, no orphans, and never two
 * ReplicaSets for one Deployment and pod-template-hash (counted through a watch).
 *
 *   npx vitest run test/soak                      # CI: 60 s of changes
 *   SOAK_SECONDS=300 npx vitest run test/soak     # a longer run
 *   SOAK_SEED=1234 …                              # replay one sequence of changes
 *
 * Everything runs in this process (apiserver on SQLite, controller manager, scheduler,
 * kubelet-sim with 3 nodes and fast stages), talking HTTPS on loopback.
 */

const SOAK_SECONDS = positive(process.env.SOAK_SECONDS, 60);
const CONVERGE_SECONDS = positive(process.env.SOAK_CONVERGE_SECONDS, 120);
const SEED = positive(process.env.SOAK_SEED, Date.now() % 1_000_000);
const DEPLOYMENTS = 50;
const MAX_REPLICAS = 5;
const NS = 'soak';
const IMAGES = ['registry.k8s.io/e2e-test-images/agnhost:2.52', 'registry.k8s.io/e2e-test-images/agnhost:2.53'];

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n > 0 ? n : fallback;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let root: string;
let api: RunningApiserver;
let cluster: Components;
let rsWatch: Informer;
const creations: RsCreation[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubeling-soak-'));
  api = await startApiserver({ dataDir: join(root, 'data'), port: 0, store: 'sqlite' });
  cluster = await startComponents({ url: api.url, caCert: api.caCert, token: api.adminToken }, { nodes: 3 });
  await cluster.client.create(namespaceResource, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  // Every ReplicaSet creation, seen as the watch's ADDED events (relists replay them, so
  // duplicateReplicaSets counts distinct uids).
  rsWatch = createInformer(cluster.client, replicaSetResource, { namespace: NS });
  rsWatch.addEventHandler({ onAdd: (rs) => creations.push(rsCreation(rs as SoakObject)) });
  rsWatch.start();
  await rsWatch.waitForSync();
}, 120_000);

afterAll(async () => {
  rsWatch?.stop();
  await cluster?.stop();
  await api?.close();
  if (root) await rm(root, { recursive: true, force: true });
}, 120_000);

function deployment(name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: IMAGES[0] }], terminationGracePeriodSeconds: 5 },
      },
    },
  } as KubeObject;
}

async function snapshot(): Promise<{ deployments: SoakObject[]; replicaSets: SoakObject[]; pods: SoakObject[] }> {
  const { client } = cluster;
  const [d, rs, p] = await Promise.all([
    client.listAll(deploymentResource, { namespace: NS }),
    client.listAll(replicaSetResource, { namespace: NS }),
    client.listAll(podResource, { namespace: NS }),
  ]);
  return { deployments: d.items as SoakObject[], replicaSets: rs.items as SoakObject[], pods: p.items as SoakObject[] };
}

describe('controllers soak', () => {
  it(
    `${DEPLOYMENTS} deployments scaled at random for ${SOAK_SECONDS} s across two controller-manager restarts converge exactly`,
    async () => {
      const { client } = cluster;
      const random = seededRandom(SEED);
      const pick = (n: number): number => Math.floor(random() * n);
      const names = Array.from({ length: DEPLOYMENTS }, (_, i) => `soak-${String(i).padStart(2, '0')}`);
      const images = new Map(names.map((n) => [n, 0]));
      console.log(`controllers soak: seed ${SEED}, ${SOAK_SECONDS} s of changes (SOAK_SEED=${SEED} replays it)`);

      for (const name of names) await client.create(deploymentResource, deployment(name, pick(MAX_REPLICAS + 1)));

      // Two stops of the controller manager, each for a while, with changes continuing.
      const durationMs = SOAK_SECONDS * 1000;
      const downMs = Math.min(10_000, durationMs * 0.15);
      const start = Date.now();
      let cmDown = false;
      const counts = { scale: 0, image: 0, deletePod: 0, whileDown: 0 };
      const identities: string[] = [cluster.controllerManager()!.identity];
      const restarts = (async () => {
        for (const at of [0.25, 0.6]) {
          await sleep(Math.max(0, start + durationMs * at - Date.now()));
          await cluster.stopControllerManager();
          cmDown = true;
          await sleep(downMs);
          cmDown = false;
          identities.push((await cluster.startControllerManager()).identity);
        }
      })();

      while (Date.now() - start < durationMs) {
        const name = names[pick(names.length)]!;
        const roll = random();
        if (roll < 0.8) {
          await client.patch(deploymentResource, name, { spec: { replicas: pick(MAX_REPLICAS + 1) } }, { type: 'merge', namespace: NS });
          counts.scale++;
        } else if (roll < 0.9) {
          const next = 1 - images.get(name)!;
          images.set(name, next);
          await client.patch(
            deploymentResource,
            name,
            { spec: { template: { spec: { containers: [{ name: 'app', image: IMAGES[next] }] } } } },
            { type: 'strategic', namespace: NS },
          );
          counts.image++;
        } else {
          const pods = await client.list(podResource, { namespace: NS, labelSelector: `app=${name}` });
          const victim = pods.items[pick(pods.items.length)];
          if (victim) {
            await client.delete(podResource, victim.metadata.name!, { namespace: NS }).catch((err: unknown) => {
              if (!isNotFound(err)) throw err;
            });
            counts.deletePod++;
          }
        }
        if (cmDown) counts.whileDown++;
        await sleep(50 + pick(150));
      }
      await restarts;
      console.log(`controllers soak: ${JSON.stringify(counts)}; converging…`);

      // The scenario really happened: changes were made while no controller ran, and a
      // fresh controller manager (a new identity) holds the lease at the end.
      expect(counts.whileDown).toBeGreaterThan(0);
      expect(new Set(identities).size).toBe(3);
      const lease = await client.get<KubeObject & { spec: { holderIdentity?: string } }>(leaseResource, 'kube-controller-manager', { namespace: 'kube-system' });
      expect(lease.spec.holderIdentity).toBe(identities[2]);

      const convergeStart = Date.now();
      let problems: string[] = ['not checked yet'];
      let last = await snapshot();
      while (Date.now() - convergeStart < CONVERGE_SECONDS * 1000) {
        last = await snapshot();
        problems = convergenceProblems(last.deployments, last.replicaSets, last.pods);
        if (problems.length === 0) break;
        await sleep(1000);
      }
      console.log(
        `controllers soak: ${problems.length === 0 ? 'converged' : 'NOT converged'} after ${((Date.now() - convergeStart) / 1000).toFixed(1)} s; ` +
          `${last.pods.length} pods, ${last.replicaSets.length} ReplicaSets, ${new Set(creations.map((c) => c.uid)).size} ReplicaSet creations watched`,
      );
      expect(problems.slice(0, 40)).toEqual([]);

      const wanted = last.deployments.reduce((n, d) => n + ((d.spec as { replicas?: number }).replicas ?? 0), 0);
      expect(last.pods).toHaveLength(wanted);
      // Every ReplicaSet that exists was seen created by the watch, and none twice.
      const seen = new Set(creations.map((c) => c.uid));
      expect(last.replicaSets.filter((rs) => !seen.has(rs.metadata.uid!)).map((rs) => rs.metadata.name)).toEqual([]);
      expect(duplicateReplicaSets([...creations, ...last.replicaSets.map(rsCreation)])).toEqual([]);
      expect(seen.size).toBeGreaterThanOrEqual(DEPLOYMENTS);
    },
    (SOAK_SECONDS + CONVERGE_SECONDS + 120) * 1000,
  );
});
