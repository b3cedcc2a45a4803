import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventResource, type Event } from '../../api/core/event.js';
import { nodeResource, type Node } from '../../api/core/node.js';
import { formatMicroTime, leaseResource, type Lease } from '../../api/coordination/lease.js';
import type { HttpRestClient } from '../../client/rest-client.js';
import { startControllerManager, type ControllerManager } from '../../controllers/manager.js';
import { startLiveApiserver, type LiveApiserver } from '../helpers/live-apiserver.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The controller manager against a real apiserver (SQLite in memory, plain HTTP on
 * loopback): leader election through the real Lease, node IPAM, node lifecycle.
 */

let api: LiveApiserver;
let client: HttpRestClient;
let manager: ControllerManager;

beforeAll(async () => {
  api = await startLiveApiserver();
  client = api.client;
  manager = await startControllerManager({ client, identity: 'it-controller-manager' });
});

afterAll(async () => {
  await manager?.stop();
  await api?.close();
});

/** Polls every 50 ms (integration only: the server runs on real time). */
const waitFor = <T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> => waitUntil(fn, what, timeoutMs, 50);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A node as its kubelet would post it: Ready=True with a heartbeat at `heartbeatMs`. */
async function createNode(name: string, heartbeatMs: number): Promise<void> {
  const created = await client.create<Node>(nodeResource, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  await client.patch(
    nodeResource,
    name,
    {
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: iso(heartbeatMs), lastTransitionTime: iso(heartbeatMs) }],
      },
    },
    { type: 'merge', subresource: 'status' },
  );
  expect(created.metadata.name).toBe(name);
}

async function createLease(name: string, renewMs: number): Promise<void> {
  await client.create<Lease>(leaseResource, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-node-lease' },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(renewMs) },
  });
}

describe('controller manager against a real apiserver', () => {
  it('takes the kube-controller-manager lease', async () => {
    const lease = await waitFor(async () => {
      const l = await client.get<Lease>(leaseResource, 'kube-controller-manager', { namespace: 'kube-system' });
      return l.spec?.holderIdentity === 'it-controller-manager' && l;
    }, 'leader lease');
    expect(lease.spec!.leaseDurationSeconds).toBe(15);
    expect(manager.isLeader()).toBe(true);
  });

  it('gives three nodes distinct /24 pod CIDRs', async () => {
    const now = Date.now();
    for (const n of ['n1', 'n2', 'n3']) {
      await createNode(n, now);
      await createLease(n, now);
    }
    const cidrs = await waitFor(async () => {
      const nodes = (await client.list<Node>(nodeResource)).items.filter((n) => ['n1', 'n2', 'n3'].includes(n.metadata.name!));
      const got = nodes.map((n) => n.spec?.podCIDR);
      return got.length === 3 && got.every(Boolean) && (got as string[]);
    }, 'pod CIDRs');
    expect(new Set(cidrs).size).toBe(3);
    for (const c of cidrs) expect(c).toMatch(/^100\.96\.\d{1,3}\.0\/24$/);
  });

  it('turns a node whose lease is old Ready=Unknown with the unreachable taints', async () => {
    const old = Date.now() - 300_000;
    await createNode('stale', old);
    await createLease('stale', old);
    const node = await waitFor(async () => {
      const n = await client.get<Node>(nodeResource, 'stale');
      const keys = (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
      return keys.includes('node.kubernetes.io/unreachable:NoExecute') && keys.includes('node.kubernetes.io/unreachable:NoSchedule') && n;
    }, 'unreachable taints');
    expect(node.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    // The healthy nodes are left alone.
    const n1 = await client.get<Node>(nodeResource, 'n1');
    expect(n1.spec?.taints ?? []).toEqual([]);
    // The apiserver accepted the controller's event.
    const events = await waitFor(async () => {
      const list = await client.list<Event>(eventResource, { namespace: 'default', fieldSelector: 'involvedObject.name=stale,reason=NodeNotReady' });
      return list.items.length > 0 && list.items;
    }, 'NodeNotReady event');
    expect(events[0]).toMatchObject({ type: 'Normal', message: 'Node stale status is now: NodeNotReady', source: { component: 'node-controller' } });
  });
});
