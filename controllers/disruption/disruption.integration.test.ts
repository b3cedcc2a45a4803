import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podResource, type Pod } from '../../api/core/pod.js';
import { pdbResource, type PodDisruptionBudget } from '../../api/policy/pdb.js';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import { ApiError } from '../../client/api-error.js';
import { createRestClient, type HttpRestClient } from '../../client/rest-client.js';
import { startControllerManager, type ControllerManager } from '../manager.js';
import { formatTime } from '../replicaset/pod-status.js';
import { disruptionController } from './disruption-controller.js';

/**
 * The disruption controller against a real apiserver (SQLite in memory, plain HTTP on
 * loopback) run by the controller manager, with the apiserver's eviction subresource
 * spending the budget it computes. No kubelet: the test marks pods Ready itself.
 */

let store: Store;
let app: FastifyInstance;
let client: HttpRestClient;
let manager: ControllerManager;
const ns = { namespace: 'default' };

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({ store });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  client = createRestClient({ server: base });
  manager = await startControllerManager({ client, leaderElect: false, registry: [disruptionController] });
});

afterAll(async () => {
  await manager?.stop();
  client?.close();
  await app?.close();
  await store?.close();
});

/** Polls until fn returns a truthy value (real time: the server runs on it). */
async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function readyPod(name: string): Promise<void> {
  const created = await client.create<Pod>(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'guarded' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  });
  created.status = { ...created.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(Date.now()) }] };
  await client.updateStatus(podResource, created);
}

const getPdb = () => client.get<PodDisruptionBudget>(pdbResource, 'guard', ns);

describe('disruption controller against a real apiserver', () => {
  it('minAvailable 2 over 3 Ready pods: one eviction goes through, the next is refused with 429', async () => {
    for (const name of ['g-0', 'g-1', 'g-2']) await readyPod(name);
    await client.create<PodDisruptionBudget>(pdbResource, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'guard', namespace: 'default' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'guarded' } } },
    });

    const ready = await waitFor(async () => {
      const p = await getPdb();
      return p.status?.observedGeneration === p.metadata.generation && p.status?.disruptionsAllowed === 1 && p;
    }, 'the budget to allow one disruption');
    expect(ready.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(ready.status!.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' })]);

    await client.evict('default', 'g-0');
    const refused = await client.evict('default', 'g-1').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toMatchObject({ code: 429, reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    // g-1 is untouched.
    expect((await client.get<Pod>(podResource, 'g-1', ns)).metadata.deletionTimestamp).toBeUndefined();

    // The controller settles on the new truth: 2 healthy of 2 needed, and the evicted pod
    // (deleted, so no longer awaited) leaves disruptedPods.
    const settled = await waitFor(async () => {
      const p = await getPdb();
      return p.status?.currentHealthy === 2 && !p.status.disruptedPods && p;
    }, 'the budget to count the eviction');
    expect(settled.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, disruptionsAllowed: 0 });
    expect(settled.status!.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'InsufficientPods' })]);
  });
});
