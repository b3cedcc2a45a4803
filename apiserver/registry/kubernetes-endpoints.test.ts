import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../lib/clock.js';
import { rootLogger } from '../../lib/logger.js';
import { json, makeTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { advertiseAddressFor } from '../advertise-address.js';
import { desiredAddresses, kubernetesEndpoints, reconcileKubernetesEndpoints, startKubernetesEndpointsReconciler } from './kubernetes-endpoints.js';
import type { Registries } from './registries.js';

describe('advertiseAddressFor', () => {
  it.each([
    ['127.0.0.1', undefined, '10.0.0.2'],
    ['0.0.0.0', undefined, '10.0.0.2'],
    ['::', undefined, '10.0.0.2'],
    ['::1', undefined, '10.0.0.2'],
    ['192.168.1.20', undefined, '192.168.1.20'],
    ['127.0.0.1', '10.0.0.3', '10.0.0.3'],
  ])('bind %s, --advertise-address %s → %s', (bind, flag, want) => {
    expect(advertiseAddressFor(bind, flag)).toBe(want);
  });
});

describe('desiredAddresses', () => {
  const ep = (ips: string[], port = 6443) => kubernetesEndpoints(ips, port);
  it.each<{ name: string; current: ReturnType<typeof ep> | undefined; present: boolean; want: string[] }>([
    { name: 'none yet', current: undefined, present: true, want: ['10.0.0.2'] },
    { name: 'another apiserver listed', current: ep(['10.0.0.3']), present: true, want: ['10.0.0.2', '10.0.0.3'] },
    { name: 'already listed', current: ep(['10.0.0.2']), present: true, want: ['10.0.0.2'] },
    { name: 'a subset of another port is dropped', current: ep(['10.0.0.9'], 443), present: true, want: ['10.0.0.2'] },
    { name: 'leaving', current: ep(['10.0.0.2', '10.0.0.3']), present: false, want: ['10.0.0.3'] },
  ])('$name', ({ current, present, want }) => {
    expect(desiredAddresses(current, '10.0.0.2', 6443, present)).toEqual(want);
  });
});

describe('the kubernetes Service endpoints, written by the apiserver', () => {
  let t: TestApp;
  let reg: Registries;
  beforeEach(async () => {
    t = await makeTestApp();
    reg = (t.app as unknown as { registries: Registries }).registries;
  });
  afterEach(() => t.close());

  it('creates Endpoints and EndpointSlice as kube-apiserver does, and repairs them', async () => {
    const clock = new FakeClock();
    const r = await startKubernetesEndpointsReconciler({ registries: reg, ip: '10.0.0.2', port: 41234, clock, logger: rootLogger });
    const ep = json(await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/endpoints/kubernetes' }));
    expect(ep.metadata.labels).toEqual({ 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.0.0.2' }], ports: [{ name: 'https', port: 41234, protocol: 'TCP' }] }]);
    const slice = json(await t.app.inject({ method: 'GET', url: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes' }));
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints).toEqual([{ addresses: ['10.0.0.2'], conditions: { ready: true } }]);
    expect(slice.ports).toEqual([{ name: 'https', port: 41234, protocol: 'TCP' }]);

    // Someone deletes them: the next round (10 s) puts them back.
    await t.app.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/endpoints/kubernetes' });
    clock.advance(10_000);
    // The round's store writes are asynchronous I/O: wait for them, not for time.
    await vi.waitFor(async () => expect((await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/endpoints/kubernetes' })).statusCode).toBe(200));

    await r.stop();
    expect(json(await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/endpoints/kubernetes' })).subsets).toBeUndefined();
  });

  it('a second apiserver adds its address next to the first', async () => {
    await reconcileKubernetesEndpoints(reg, '10.0.0.2', 6443);
    await reconcileKubernetesEndpoints(reg, '10.0.0.3', 6443);
    const slice = json(await t.app.inject({ method: 'GET', url: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes' }));
    expect(slice.endpoints.map((e: { addresses: string[] }) => e.addresses[0])).toEqual(['10.0.0.2', '10.0.0.3']);
  });
});
