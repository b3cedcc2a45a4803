import { Resolver } from 'node:dns/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deploymentResource } from '../api/apps/deployment.js';
import { configMapResource } from '../api/core/configmap.js';
import { namespaceResource } from '../api/core/namespace.js';
import { serviceAccountResource } from '../api/core/serviceaccount.js';
import { serviceResource } from '../api/core/service.js';
import { endpointSliceResource } from '../api/discovery/endpointslice.js';
import type { KubeObject } from '../api/types.js';
import { createFakeClient } from '../client/fake-client.js';
import { createLogger } from '../lib/logger.js';
import { startDnsComponent, type RunningDnsComponent } from './component.js';

const logger = createLogger({ level: 'silent' });
let running: RunningDnsComponent | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function cluster() {
  const client = createFakeClient();
  for (const name of ['default', 'kube-system']) await client.create(namespaceResource, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return client;
}

describe('the dns component', () => {
  it('puts kube-dns at the tenth address of the Service range the kubernetes Service shows, as kubeadm does', async () => {
    const client = await cluster();
    await client.create(serviceResource, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.100.0.1', ports: [{ port: 443 }] } } as KubeObject);
    running = await startDnsComponent({ client, logger, port: 0 });
    const svc = (await client.get(serviceResource, 'kube-dns', { namespace: 'kube-system' })) as KubeObject & { spec: { clusterIP: string } };
    expect(svc.spec.clusterIP).toBe('10.100.0.10');
  });

  it('takes the address it is given (up passes it)', async () => {
    const client = await cluster();
    running = await startDnsComponent({ client, logger, port: 0, serviceIP: '10.100.0.10' });
    const svc = (await client.get(serviceResource, 'kube-dns', { namespace: 'kube-system' })) as KubeObject & { spec: { clusterIP: string } };
    expect(svc.spec.clusterIP).toBe('10.100.0.10');
  });

  it("creates kubeadm's CoreDNS addon objects, and keeps ones that exist", async () => {
    const client = await cluster();
    await client.create(deploymentResource, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { replicas: 5 } } as KubeObject);
    running = await startDnsComponent({ client, logger, port: 0 });
    const svc = (await client.get(serviceResource, 'kube-dns', { namespace: 'kube-system' })) as KubeObject & { spec: { clusterIP: string; ports: { name: string; port: number; protocol: string }[]; selector: Record<string, string> } };
    expect(svc.spec.clusterIP).toBe('10.96.0.10');
    expect(svc.spec.selector).toEqual({ 'k8s-app': 'kube-dns' });
    expect(svc.spec.ports.map((p) => `${p.name} ${p.port}/${p.protocol}`)).toEqual(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    const deploy = (await client.get(deploymentResource, 'coredns', { namespace: 'kube-system' })) as KubeObject & { spec: { replicas: number } };
    expect(deploy.spec.replicas).toBe(5); // the user's, not replaced
    const cm = (await client.get(configMapResource, 'coredns', { namespace: 'kube-system' })) as KubeObject & { data: { Corefile: string } };
    expect(cm.data.Corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n');
    expect((await client.get(serviceAccountResource, 'coredns', { namespace: 'kube-system' })).metadata?.name).toBe('coredns');
  });

  it('answers from its informer caches and follows changes', async () => {
    const client = await cluster();
    running = await startDnsComponent({ client, logger, port: 0 });
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${running.port}`]);
    expect(await resolver.resolve4('kube-dns.kube-system.svc.cluster.local')).toEqual(['10.96.0.10']);

    await client.create(serviceResource, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } } as KubeObject);
    await client.create(endpointSliceResource, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'db-x1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['100.96.1.5'], conditions: { ready: true }, hostname: 'db-0' }],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    } as KubeObject);
    await vi.waitFor(async () => expect(await resolver.resolve4('db-0.db.default.svc.cluster.local')).toEqual(['100.96.1.5']));
    await client.delete(serviceResource, 'db', { namespace: 'default' });
    await vi.waitFor(async () => expect(resolver.resolve4('db.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' }));
  });
});
