import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeResource, type Node } from '../api/core/node.js';
import { podResource, type Pod } from '../api/core/pod.js';
import { leaseResource } from '../api/coordination/lease.js';
import type { KubeObject } from '../api/types.js';
import type { Registries } from '../apiserver/registry/registries.js';
import { servePodLog } from '../apiserver/rest/pod-log-handler.js';
import type { HttpRestClient } from '../client/rest-client.js';
import { startLiveApiserver, type LiveApiserver } from '../test/helpers/live-apiserver.js';
import { waitUntil } from '../test/helpers/wait.js';
import { startKubeletSim, type KubeletSim } from './index.js';
import { IpAllocator, parseCidr } from './ip-allocator.js';

/**
 * kubelet-sim against a real apiserver (SQLite in memory, plain HTTP on loopback): three
 * nodes register and heartbeat, a pod bound through pods/binding runs with an IP from
 * its node's podCIDR, its logs come through the apiserver's pods/log proxy, and a
 * graceful delete ends with the kubelet removing the pod.
 */

let api: LiveApiserver;
let base: string;
let client: HttpRestClient;
let sim: KubeletSim;

const cidrs: Record<string, string> = {
  'it-node-0': '100.96.0.0/24',
  'it-node-1': '100.96.1.0/24',
  'it-node-2': '100.96.2.0/24',
};

beforeAll(async () => {
  api = await startLiveApiserver({
    beforeListen(app) {
      // pods/log is wired into the subresource handler by the lead; until then, a test route.
      const registries = (app as unknown as { registries: Registries }).registries;
      app.get('/kubelet-sim-test/log/:ns/:name', (req: FastifyRequest, reply: FastifyReply) => {
        const { ns, name } = req.params as { ns: string; name: string };
        return servePodLog({ registries }, req, reply, ns, name);
      });
    },
  });
  base = api.url;
  client = api.client;
  sim = await startKubeletSim({
    client,
    nodes: 3,
    namePrefix: 'it-node-',
    stages: {
      stages: [
        { name: 'pod-sandbox', delay: { ms: 20, jitterMs: 20 } },
        { name: 'image-pull', delay: { ms: 20, jitterMs: 20 } },
        { name: 'container-start', delay: { ms: 20, jitterMs: 20 } },
        { name: 'pod-stop', delay: { ms: 300, jitterMs: 0 } },
        { name: 'pod-delete', delay: { ms: 0, jitterMs: 0 } },
      ],
      logIntervalMs: 200,
    },
  });
});

afterAll(async () => {
  await sim?.stop();
  await api?.close();
});

/** Polls every 50 ms (integration only: everything runs on real time). */
const waitFor = <T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> => waitUntil(fn, what, timeoutMs, 50);

describe('kubelet-sim against a real apiserver', () => {
  it('registers three Ready nodes with leases', async () => {
    const nodes = await waitFor(async () => {
      const list = await client.list<Node>(nodeResource);
      const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === 3 && ready;
    }, 'three Ready nodes');
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['it-node-0', 'it-node-1', 'it-node-2']);
    for (const n of nodes) {
      expect(n.metadata.annotations?.['kubeling.io/kubelet-endpoint']).toBe(`127.0.0.1:${sim.port}`);
      expect(n.status?.nodeInfo?.kubeletVersion).toBe('v1.32.0-kubeling');
    }
    const lease = await waitFor(() => client.get(leaseResource, 'it-node-1', { namespace: 'kube-node-lease' }), 'a lease');
    expect(lease.spec).toMatchObject({ holderIdentity: 'it-node-1', leaseDurationSeconds: 40 });
    // What the IPAM controller would do.
    for (const [name, cidr] of Object.entries(cidrs)) {
      await client.patch(nodeResource, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { type: 'merge' });
    }
  });

  it('runs a bound pod with an IP from its node podCIDR, serves its logs, and deletes it after the grace period', async () => {
    await client.create<Pod>(podResource, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'nginx:1.27' }] },
    } as KubeObject as Pod);
    await client.bind('default', 'web', 'it-node-1');

    const running = await waitFor(async () => {
      const p = await client.get<Pod>(podResource, 'web', { namespace: 'default' });
      return p.status?.phase === 'Running' && p;
    }, 'pod Running');
    const range = new IpAllocator(parseCidr(cidrs['it-node-1'])!);
    expect(range.contains(running.status!.podIP!)).toBe(true);
    expect(running.status?.hostIP).toBe('10.0.0.11');
    expect(running.status?.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(running.status?.containerStatuses?.[0]?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(running.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    const logs = await fetch(`${base}/kubelet-sim-test/log/default/web`);
    expect(logs.status).toBe(200);
    expect(logs.headers.get('content-type')).toContain('text/plain');
    expect(await logs.text()).toContain('kubeling-sim: starting container "app" (image nginx:1.27) in pod default/web on node it-node-1');
    const bad = await fetch(`${base}/kubelet-sim-test/log/default/web?container=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe('container nope is not valid for pod web');

    const deleted = (await client.delete(podResource, 'web', { namespace: 'default' })) as Pod;
    expect(deleted.metadata.deletionTimestamp).toBeDefined();
    expect(await client.get(podResource, 'web', { namespace: 'default' })).toBeDefined();
    await waitFor(
      () =>
        client.get(podResource, 'web', { namespace: 'default' }).then(
          () => false,
          (err: { code?: number }) => err.code === 404,
        ),
      'pod gone',
    );
  });
});
