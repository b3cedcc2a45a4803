import { describe, expect, it } from 'vitest';
import { createProxyRulesSource } from '../kube-proxy/node-rules.js';
import { FakeClock } from '../lib/clock.js';
import { seededRandom } from '../lib/random.js';
import { createStaticNetworkView } from './cluster-view.js';
import { createDataPath } from './data-path.js';
import { traceInCluster } from './trace-cluster.js';
import { makeNode, makePod, makeService, makeSlice } from './testing.js';

/** kube-proxy --proxy-mode=ipvs: the simulated packet is scheduled by the IPVS virtual servers ipvsadm prints. */
const BOOTCAMP = 'gcr.io/google-samples/kubernetes-bootcamp:v1';
const nodes = [makeNode('n1', 1), makeNode('n2', 2)];
const appA = makePod('app-a', { node: 'n1', ip: '100.96.1.2', image: BOOTCAMP, labels: { app: 'app' }, ports: [{ name: 'http', containerPort: 8080 }] });
const appB = makePod('app-b', { node: 'n2', ip: '100.96.2.2', image: BOOTCAMP, labels: { app: 'app' }, ports: [{ name: 'http', containerPort: 8080 }] });
const client = makePod('client', { node: 'n1', ip: '100.96.1.3', labels: { role: 'client' } });
const app = makeService('app', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ port: 8080, nodePort: 30080 }], selector: { app: 'app' } });
const sticky = makeService('sticky', { clusterIP: '10.96.0.21', ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'app' }, sessionAffinity: 'ClientIP' });
const empty = makeService('empty', { clusterIP: '10.96.0.22', ports: [{ port: 80 }], selector: { app: 'nothing' } });

function cluster() {
  const view = createStaticNetworkView({
    nodes,
    pods: [appA, appB, client],
    services: [app, sticky, empty],
    endpointSlices: [makeSlice(app, [appA, appB]), makeSlice(sticky, [appA, appB]), makeSlice(empty, [])],
    namespaces: [{ metadata: { name: 'default' } }],
  });
  const clock = new FakeClock();
  const dns: Record<string, string> = { app: '10.96.0.20', sticky: '10.96.0.21', empty: '10.96.0.22' };
  const path = createDataPath({ view, proxy: createProxyRulesSource(view, { mode: 'ipvs' }), random: seededRandom(1), clock, resolveName: (n) => (dns[n] ? [dns[n]!] : undefined) });
  return { path, clock };
}

const fromClient = { pod: { namespace: 'default', name: 'client' } } as const;

describe('data path in IPVS mode', () => {
  it('rr: the real servers take turns, and the trace names the virtual server', () => {
    const { path } = cluster();
    const order = Array.from({ length: 6 }, () => path.send({ from: fromClient, target: 'http://app:8080/' }).servedBy!.pod);
    expect(order).toEqual(['app-a', 'app-b', 'app-a', 'app-b', 'app-a', 'app-b']);
    const r = path.send({ from: fromClient, target: 'http://app:8080/', trace: true });
    expect(r.trace!.find((h) => h.kind === 'dnat' && h.text.startsWith('IPVS'))!.text).toBe('IPVS TCP 10.96.0.20:8080 rr (default/app) → 100.96.1.2:8080 Masq (rr: real server 1 of 2)');
  });

  it('persistent (sessionAffinity ClientIP) keeps the client on one real server until the template expires', () => {
    const { path, clock } = cluster();
    const first = path.send({ from: fromClient, target: 'http://sticky/' }).servedBy!.pod;
    for (let i = 0; i < 10; i++) expect(path.send({ from: fromClient, target: 'http://sticky/' }).servedBy!.pod).toBe(first);
    clock.advance(10_801_000);
    expect(path.send({ from: fromClient, target: 'http://sticky/' }).servedBy!.pod).not.toBe(first);
  });

  it('a virtual server without real servers refuses the connection', () => {
    const { path } = cluster();
    const r = path.send({ from: fromClient, target: 'http://empty/', trace: true });
    expect(r.outcome).toBe('refused');
    expect(r.trace!.some((h) => h.text.includes('no real servers, ICMP port unreachable'))).toBe(true);
  });

  it('NodePort from the host: the node address virtual server, masqueraded', () => {
    const { path } = cluster();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = path.send({ from: { host: true }, target: 'http://10.0.0.11:30080/', trace: true });
      expect(r.outcome).toBe('response');
      seen.push(r.servedBy!.pod);
      expect(r.trace!.some((h) => h.kind === 'snat')).toBe(true);
    }
    expect(seen).toEqual(['app-a', 'app-b', 'app-a', 'app-b']);
  });
});

describe('traceInCluster follows the configured proxy mode', () => {
  const snapshot = {
    nodes,
    pods: [appA, appB, client],
    services: [app, sticky, empty],
    endpointSlices: [makeSlice(app, [appA, appB]), makeSlice(sticky, [appA, appB]), makeSlice(empty, [])],
    networkPolicies: [],
    namespaces: [{ metadata: { name: 'default' } }],
  };
  it('ipvs: the virtual server decides, no KUBE-SVC rule is walked', () => {
    const { response } = traceInCluster(snapshot, { from: fromClient, target: 'http://10.96.0.20:8080/', proxyMode: 'ipvs' });
    expect(response.outcome).toBe('response');
    expect(response.trace!.some((h) => h.kind === 'dnat' && h.text.startsWith('IPVS TCP 10.96.0.20:8080 rr (default/app)'))).toBe(true);
    expect(response.trace!.some((h) => h.kind === 'iptables')).toBe(false);
  });
  it('iptables (the default): the KUBE-SERVICES rules', () => {
    const { response } = traceInCluster(snapshot, { from: fromClient, target: 'http://10.96.0.20:8080/' });
    expect(response.trace!.some((h) => h.kind === 'iptables' && h.text.includes('KUBE-SERVICES'))).toBe(true);
    expect(response.trace!.some((h) => h.text.startsWith('IPVS'))).toBe(false);
  });
});
