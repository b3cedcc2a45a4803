import { afterEach, describe, expect, it } from 'vitest';
import { nodeResource } from '../../api/core/node.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { serviceResource, type Service } from '../../api/core/service.js';
import { endpointSliceResource, type EndpointSlice } from '../../api/discovery/endpointslice.js';
import { node, pod, svc } from '../endpoints/test-builders.js';
import { createHarness, type Harness } from '../testing/harness.js';
import { endpointSliceController, startEndpointSliceController } from './endpointslice-controller.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const slicesOf = async (service = 'web'): Promise<EndpointSlice[]> =>
  (await h.client.list<EndpointSlice>(endpointSliceResource, { namespace: 'default', labelSelector: `kubernetes.io/service-name=${service}` })).items;
const sliceWrites = () => h.client.actions.filter((a) => a.resource === 'endpointslices' && ['create', 'update', 'delete'].includes(a.verb));
const web = () => svc('web').port({ name: 'http', port: 80, targetPort: 8080 });

async function setup(pods: Pod[], service: Service = web().obj()): Promise<Service> {
  h = createHarness();
  await h.client.create(nodeResource, node('n1', 'zone-a'));
  const created = await h.client.create<Service>(serviceResource, service);
  for (const p of pods) await h.client.create(podResource, p);
  await h.start(endpointSliceController);
  return created;
}

describe('endpointslice-controller', () => {
  it('one slice for two ready pods, owned by the Service; readiness changes update it in place', async () => {
    const service = await setup([pod('a').ip('10.1.0.1').ready().obj(), pod('b').ip('10.1.0.2').ready().obj()]);
    const [slice, ...more] = await slicesOf();
    expect(more).toHaveLength(0);
    expect(slice!.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(slice!.metadata.labels!['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slice!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice!.endpoints!.map((e) => [e.addresses![0], e.conditions!.ready, e.zone])).toEqual([
      ['10.1.0.1', true, 'zone-a'],
      ['10.1.0.2', true, 'zone-a'],
    ]);

    const b = (await h.get<Pod>(podResource, 'b', 'default'))!;
    b.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T12:05:00Z' }];
    await h.client.updateStatus(podResource, b);
    await h.settle();
    const after = await slicesOf();
    expect(after.map((s) => s.metadata.name)).toEqual([slice!.metadata.name]);
    expect(after[0]!.endpoints!.map((e) => e.conditions)).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: false, serving: false, terminating: false },
    ]);
    expect(sliceWrites().map((w) => w.verb)).toEqual(['create', 'update']);

    // A pod change that does not show in endpoints writes nothing.
    const a = (await h.get<Pod>(podResource, 'a', 'default'))!;
    a.metadata.annotations = { x: 'y' };
    await h.client.update(podResource, a);
    await h.settle();
    expect(sliceWrites()).toHaveLength(2);
  });

  it('a Service selecting nothing gets a placeholder; a selector-less one gets nothing', async () => {
    await setup([], web().obj());
    await h.client.create(serviceResource, svc('manual').selector(undefined).port({ port: 80 }).obj());
    await h.settle();
    const [placeholder, ...more] = await slicesOf();
    expect(more).toHaveLength(0);
    expect(placeholder!.endpoints ?? []).toEqual([]);
    expect(placeholder!.ports ?? []).toEqual([]);
    expect(await slicesOf('manual')).toEqual([]);
  });

  it('a managed slice deleted by someone else is recreated; an edited one is repaired', async () => {
    await setup([pod('a').ip('10.1.0.1').ready().obj()]);
    const [first] = await slicesOf();
    await h.client.delete(endpointSliceResource, first!.metadata.name!, { namespace: 'default' });
    await h.settle();
    const [second, ...more] = await slicesOf();
    expect(more).toHaveLength(0);
    expect(second!.metadata.name).not.toBe(first!.metadata.name);
    expect(second!.endpoints!.map((e) => e.addresses![0])).toEqual(['10.1.0.1']);

    const edited = structuredClone(second!);
    edited.endpoints = [];
    await h.client.update(endpointSliceResource, edited);
    await h.settle();
    expect((await slicesOf())[0]!.endpoints!.map((e) => e.addresses![0])).toEqual(['10.1.0.1']);
  });

  it('a pod on a node the cache does not know: left out, a warning event, retried until the node appears', async () => {
    await setup([pod('a').ip('10.1.0.1').ready().obj(), pod('b').ip('10.1.0.2').ready().node('n9').obj()]);
    expect((await slicesOf())[0]!.endpoints!.map((e) => e.addresses![0])).toEqual(['10.1.0.1']);
    const warnings = (await h.events()).filter((e) => e.reason === 'FailedToUpdateEndpointSlices');
    expect(warnings.map((e) => [e.type, e.involvedObject?.kind, e.source?.component, e.message])).toEqual([
      ['Warning', 'Service', 'endpoint-slice-controller', 'Error updating Endpoint Slices for Service default/web: skipping Pod b for Service default/web: Node n9 Not Found'],
    ]);
    await h.client.create(nodeResource, node('n9'));
    await h.advance(1000, { stepMs: 100 });
    expect((await slicesOf())[0]!.endpoints!.map((e) => e.addresses![0])).toEqual(['10.1.0.1', '10.1.0.2']);
  });

  it('more pods than maxEndpointsPerSlice allows: several slices, none duplicated', async () => {
    h = createHarness();
    await h.client.create(nodeResource, node('n1'));
    await h.client.create(serviceResource, web().obj());
    for (let i = 0; i < 7; i++) await h.client.create(podResource, pod(`p${i}`).ip(`10.1.0.${i + 1}`).ready().obj());
    await h.start({ name: 'endpointslice-controller', start: (ctx) => startEndpointSliceController(ctx, { maxEndpointsPerSlice: 3 }) });
    // Pods arriving one by one after start.
    for (let i = 7; i < 10; i++) {
      await h.client.create(podResource, pod(`p${i}`).ip(`10.1.0.${i + 1}`).ready().obj());
      await h.settle();
    }
    await h.advance(5000, { stepMs: 500 });
    const slices = await slicesOf();
    const all = slices.flatMap((s) => s.endpoints!.map((e) => e.addresses![0]));
    expect(all.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `10.1.0.${i + 1}`).sort());
    expect(slices.every((s) => s.endpoints!.length <= 3)).toBe(true);
    expect(slices.length).toBe(4);
  });
});
