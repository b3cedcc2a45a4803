import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsResource, type Endpoints } from '../../api/core/endpoints.js';
import { nodeResource } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { serviceResource, type Service } from '../../api/core/service.js';
import { endpointSliceResource, type EndpointSlice } from '../../api/discovery/endpointslice.js';
import { isNotFound } from '../../client/api-error.js';
import { startLiveApiserver, type LiveApiserver } from '../../test/helpers/live-apiserver.js';
import { waitUntil } from '../../test/helpers/wait.js';
import { endpointSliceController } from '../endpointslice/endpointslice-controller.js';
import { garbageCollectorController } from '../garbage-collector/garbage-collector.js';
import { startControllerManager, type ControllerManager } from '../manager.js';
import { formatTime } from '../replicaset/pod-status.js';
import { endpointsController } from './endpoints-controller.js';

/**
 * The endpoints and EndpointSlice controllers against a real apiserver (in-memory SQLite,
 * HTTP on loopback), run by the controller manager with the garbage collector (which
 * removes a deleted Service's slices through their owner reference). No kubelet: the test
 * gives pods their IP and readiness through the status subresource.
 */

let api: LiveApiserver;
let manager: ControllerManager;
const ns = { namespace: 'default' };

beforeAll(async () => {
  api = await startLiveApiserver();
  manager = await startControllerManager({
    client: api.client,
    leaderElect: false,
    registry: [endpointsController, endpointSliceController, garbageCollectorController],
  });
  await api.client.create(nodeResource, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
});

afterAll(async () => {
  await manager?.stop();
  await api?.close();
});

async function runningPod(name: string, ip: string): Promise<void> {
  const created = await api.client.create<Pod>(podResource, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'shop' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  await setStatus(created, ip, 'True');
}

async function setStatus(pod: Pod, ip: string, ready: 'True' | 'False'): Promise<void> {
  pod.status = {
    ...pod.status,
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready, lastTransitionTime: formatTime(Date.now()) }],
  };
  await api.client.updateStatus(podResource, pod);
}

const getEndpoints = () => api.client.get<Endpoints>(endpointsResource, 'shop', ns);
const listSlices = async () =>
  (await api.client.list<EndpointSlice>(endpointSliceResource, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=shop' })).items;
const readyIps = (s: EndpointSlice, ready: boolean) => (s.endpoints ?? []).filter((e) => e.conditions?.ready === ready).flatMap((e) => e.addresses ?? []).sort();

describe('endpoints and EndpointSlice controllers against a real apiserver', () => {
  it('fills Endpoints and an EndpointSlice, follows readiness, and cleans up after the Service', async () => {
    await runningPod('shop-1', '10.244.0.11');
    await runningPod('shop-2', '10.244.0.12');
    const svc = await api.client.create<Service>(serviceResource, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { selector: { app: 'shop' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] },
    });

    const ep = await waitUntil(async () => {
      const e = await getEndpoints();
      return e.subsets?.[0]?.addresses?.length === 2 && e;
    }, 'Endpoints with two ready addresses');
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets![0]!.addresses!.map((a) => [a.ip, a.nodeName, a.targetRef?.kind, a.targetRef?.name])).toEqual([
      ['10.244.0.11', 'node-1', 'Pod', 'shop-1'],
      ['10.244.0.12', 'node-1', 'Pod', 'shop-2'],
    ]);
    expect(ep.subsets![0]!.ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    expect(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/^\d{4}-\d\d-\d\dT/);

    const slice = await waitUntil(async () => {
      const s = await listSlices();
      return s.length === 1 && readyIps(s[0]!, true).length === 2 && s[0]!;
    }, 'one EndpointSlice with two ready endpoints');
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    expect(slice.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'shop', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(slice.endpoints!.map((e) => [e.nodeName, e.zone])).toEqual([
      ['node-1', 'zone-a'],
      ['node-1', 'zone-a'],
    ]);

    // shop-2 stops being ready.
    await setStatus(await api.client.get<Pod>(podResource, 'shop-2', ns), '10.244.0.12', 'False');
    const moved = await waitUntil(async () => {
      const e = await getEndpoints();
      return e.subsets?.[0]?.notReadyAddresses?.length === 1 && e;
    }, 'shop-2 in notReadyAddresses');
    expect(moved.subsets![0]!.addresses!.map((a) => a.ip)).toEqual(['10.244.0.11']);
    expect(moved.subsets![0]!.notReadyAddresses!.map((a) => a.ip)).toEqual(['10.244.0.12']);
    const updated = await waitUntil(async () => {
      const s = await listSlices();
      return s.length === 1 && readyIps(s[0]!, false).length === 1 && s[0]!;
    }, 'shop-2 ready:false in the slice');
    expect(updated.metadata.name).toBe(slice.metadata.name);
    expect(readyIps(updated, true)).toEqual(['10.244.0.11']);
    expect(readyIps(updated, false)).toEqual(['10.244.0.12']);

    // The Service goes: its Endpoints (controller) and slices (garbage collector) go too.
    await api.client.delete(serviceResource, 'shop', ns);
    await waitUntil(async () => getEndpoints().then(() => false, (err: unknown) => isNotFound(err)), 'the Endpoints to be deleted');
    await waitUntil(async () => (await listSlices()).length === 0, 'the EndpointSlices to be deleted');
  });
});
