import { afterEach, describe, expect, it } from 'vitest';
import { endpointsResource, type Endpoints } from '../../api/core/endpoints.js';
import { podResource, type Pod } from '../../api/core/pod.js';
import { serviceResource } from '../../api/core/service.js';
import { createHarness, type Harness } from '../testing/harness.js';
import { endpointsController } from './endpoints-controller.js';
import { pod, svc } from './test-builders.js';
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from './trigger-time-tracker.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const getEp = (name = 'web') => h.get<Endpoints>(endpointsResource, name, 'default');
const writes = () => h.client.actions.filter((a) => a.resource === 'endpoints' && ['create', 'update', 'delete'].includes(a.verb));
const web = () => svc('web').labels({ app: 'web' }).port({ name: 'http', port: 80, targetPort: 'http' });

describe('endpoints-controller', () => {
  it('fills a selector Service’s Endpoints, tracks readiness, and writes nothing more when nothing changes', async () => {
    h = createHarness();
    await h.client.create(serviceResource, web().obj());
    for (const p of [pod('a').ip('10.1.0.1').ready().containerPort('http', 8080), pod('b').ip('10.1.0.2').ready().containerPort('http', 8080), pod('pending').containerPort('http', 8080)]) {
      await h.client.create(podResource, p.obj());
    }
    await h.start(endpointsController);

    const ep = (await getEp())!;
    expect(ep.metadata.labels).toEqual({ app: 'web' });
    expect(ep.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION]).toBe('2026-01-01T12:00:00Z');
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets![0]!.addresses!.map((a) => [a.ip, a.nodeName, a.targetRef?.name])).toEqual([
      ['10.1.0.1', 'n1', 'a'],
      ['10.1.0.2', 'n1', 'b'],
    ]);
    expect(ep.subsets![0]!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(writes()).toHaveLength(1);

    // b goes unready.
    const b = (await h.get<Pod>(podResource, 'b', 'default'))!;
    b.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T12:05:00Z' }];
    await h.client.updateStatus(podResource, b);
    await h.settle();
    const after = (await getEp())!;
    expect(after.subsets![0]!.addresses!.map((a) => a.ip)).toEqual(['10.1.0.1']);
    expect(after.subsets![0]!.notReadyAddresses!.map((a) => a.ip)).toEqual(['10.1.0.2']);
    expect(after.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION]).toBe('2026-01-01T12:05:00Z');
    expect(writes()).toHaveLength(2);

    // An annotation on a pod, a label on the Service that changes nothing: no write.
    const a = (await h.get<Pod>(podResource, 'a', 'default'))!;
    a.metadata.annotations = { note: 'x' };
    await h.client.update(podResource, a);
    await h.settle();
    expect(writes()).toHaveLength(2);
  });

  it('leaves selector-less Services (and their user-written Endpoints) alone', async () => {
    h = createHarness();
    await h.client.create(serviceResource, svc('manual').selector(undefined).port({ port: 80 }).obj());
    const manual: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80, protocol: 'TCP' }] }] };
    await h.client.create(endpointsResource, manual);
    await h.client.create(podResource, pod('a').ip('10.1.0.1').ready().obj());
    const before = writes().length;
    await h.start(endpointsController);
    expect((await getEp('manual'))!.subsets).toEqual(manual.subsets);
    expect(writes()).toHaveLength(before);
  });

  it('deletes the Endpoints when the Service goes, and orphans found at start (not leader locks)', async () => {
    h = createHarness();
    await h.client.create(serviceResource, web().obj());
    await h.client.create(endpointsResource, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'orphan', namespace: 'default' } });
    await h.client.create(endpointsResource, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'lock', namespace: 'kube-system', annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } },
    });
    await h.start(endpointsController);
    expect(await getEp('orphan')).toBeUndefined();
    expect(await h.get(endpointsResource, 'lock', 'kube-system')).toBeDefined();
    // A Service selecting nothing still gets an (empty) Endpoints.
    expect((await getEp())!.subsets ?? []).toEqual([]);

    await h.client.delete(serviceResource, 'web', { namespace: 'default' });
    await h.settle();
    expect(await getEp()).toBeUndefined();
  });

  it('recreates a managed Endpoints that someone deleted', async () => {
    h = createHarness();
    await h.client.create(serviceResource, web().obj());
    await h.client.create(podResource, pod('a').ip('10.1.0.1').ready().containerPort('http', 8080).obj());
    await h.start(endpointsController);
    await h.client.delete(endpointsResource, 'web', { namespace: 'default' });
    await h.settle();
    expect((await getEp())!.subsets![0]!.addresses![0]!.ip).toBe('10.1.0.1');
  });

  it('a headless Service gets the headless label and hostnames of pods in its subdomain', async () => {
    h = createHarness();
    await h.client.create(serviceResource, svc('db').selector({ app: 'db' }).headless().obj());
    await h.client.create(podResource, pod('db-0').labels({ app: 'db' }).ip('10.1.0.7').ready().hostname('db-0', 'db').obj());
    await h.start(endpointsController);
    const ep = (await getEp('db'))!;
    expect(ep.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.1.0.7', hostname: 'db-0', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'db-0', uid: expect.any(String) } }] }]);
  });
});
