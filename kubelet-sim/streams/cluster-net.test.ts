import { describe, expect, it } from 'vitest';
import { configMapResource } from '../../api/core/configmap.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { nodeResource } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import { serviceResource } from '../../api/core/service.js';
import { endpointSliceResource } from '../../api/discovery/endpointslice.js';
import { createFakeClient } from '../../client/fake-client.js';
import { networkConfigMaps } from '../../kube-proxy/network-config.js';
import { FakeClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { makeNode, makePod, makeService, makeSlice } from '../../network/testing.js';
import { createClusterNet } from './cluster-net.js';
import type { ContainerTarget } from './container-host.js';

/** The shells' network follows the mode kube-proxy publishes: wget and ipvsadm in IPVS mode. */
const BOOTCAMP = 'gcr.io/google-samples/kubernetes-bootcamp:v1';
const nodes = [makeNode('n1', 1), makeNode('n2', 2)];
const appA = makePod('app-a', { node: 'n1', ip: '100.96.1.2', image: BOOTCAMP, labels: { app: 'app' }, ports: [{ name: 'http', containerPort: 8080 }] });
const appB = makePod('app-b', { node: 'n2', ip: '100.96.2.2', image: BOOTCAMP, labels: { app: 'app' }, ports: [{ name: 'http', containerPort: 8080 }] });
const client = makePod('client', { node: 'n1', ip: '100.96.1.3', labels: { role: 'client' } });
const hostPod: Pod = { ...makePod('debugger', { node: 'n1', ip: '10.0.0.11' }), spec: { ...makePod('debugger', { node: 'n1', ip: '10.0.0.11' }).spec!, hostNetwork: true } };
const app = makeService('app', { clusterIP: '10.96.0.20', ports: [{ port: 8080 }], selector: { app: 'app' } });

async function setup(mode: 'ipvs' | 'iptables' | undefined) {
  const fake = createFakeClient();
  for (const n of nodes) await fake.create(nodeResource, n);
  await fake.create(namespaceResource, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  await fake.create(serviceResource, app, { namespace: 'default' });
  await fake.create(endpointSliceResource, makeSlice(app, [appA, appB]), { namespace: 'default' });
  if (mode) for (const cm of networkConfigMaps({ proxyMode: mode, clusterCIDR: '100.96.0.0/16', flannelBackend: 'vxlan' })) await fake.create(configMapResource, cm, { namespace: 'kube-system' });
  const net = createClusterNet({ client: fake, clock: new FakeClock(), logger: createLogger({ level: 'silent' }), pods: () => [appA, appB, client, hostPod] });
  await net.start();
  const target = (pod: Pod): ContainerTarget => ({ pod, container: pod.spec!.containers[0]!, node: pod.spec!.nodeName!, hostIP: '10.0.0.11', podIP: pod.status?.podIP, startedAt: 0 });
  return { net, target };
}

describe('cluster-net follows kube-proxy --proxy-mode', () => {
  it('ipvs: wget from a pod is scheduled round robin by the virtual server, across requests', async () => {
    const { net, target } = await setup('ipvs');
    try {
      const host = net.netFor(target(client));
      const bodies: string[] = [];
      for (let i = 0; i < 4; i++) bodies.push((await host.http!({ method: 'GET', url: 'http://10.96.0.20:8080/' })).body ?? '');
      expect(bodies.map((b) => /Running on: (\S+)/.exec(b)?.[1])).toEqual(['app-a', 'app-b', 'app-a', 'app-b']);
      const ipvs = net.netFor(target(hostPod)).command!(['ipvsadm', '-Ln'])!;
      expect(ipvs.output).toContain('TCP  10.96.0.20:8080 rr');
      expect(ipvs.output).toContain('  -> 100.96.1.2:8080');
    } finally {
      net.stop();
    }
  });

  it('iptables (nothing published): ipvsadm shows no virtual servers, iptables-save the KUBE-SVC chain', async () => {
    const { net, target } = await setup(undefined);
    try {
      const res = await net.netFor(target(client)).http!({ method: 'GET', url: 'http://10.96.0.20:8080/' });
      expect(res.status).toBe(200);
      const node = net.netFor(target(hostPod));
      expect(node.command!(['ipvsadm', '-Ln'])!.output).not.toContain('10.96.0.20');
      expect(node.command!(['iptables-save'])!.output).toMatch(/-A KUBE-SERVICES -d 10\.96\.0\.20\/32 .* -j KUBE-SVC-/);
    } finally {
      net.stop();
    }
  });
});
