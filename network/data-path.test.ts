import { describe, expect, it } from 'vitest';
import type { NetworkPolicy } from '../api/networking/network-policy.js';
import { createProxyRulesSource } from '../kube-proxy/node-rules.js';
import { FakeClock } from '../lib/clock.js';
import { seededRandom } from '../lib/random.js';
import { createStaticNetworkView, type NetworkObjects } from './cluster-view.js';
import { createDataPath, HOST_CLIENT_IP } from './data-path.js';
import type { ServedRequest } from './traffic-sink.js';
import { makeNode, makePod, makeService, makeSlice } from './testing.js';

const BOOTCAMP = 'gcr.io/google-samples/kubernetes-bootcamp:v1';
const nodes = [makeNode('n1', 1), makeNode('n2', 2)];
const appA = makePod('app-a', { node: 'n1', ip: '100.96.1.2', image: BOOTCAMP, labels: { app: 'app' }, ports: [{ name: 'http', containerPort: 8080 }] });
const appB = makePod('app-b', { node: 'n2', ip: '100.96.2.2', image: BOOTCAMP, labels: { app: 'app' }, ports: [{ name: 'http', containerPort: 8080 }] });
const client = makePod('client', { node: 'n1', ip: '100.96.1.3', labels: { role: 'client' } });
const other = makePod('other', { node: 'n2', ip: '100.96.2.3', labels: { role: 'other' } });
const app = makeService('app', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ port: 8080, nodePort: 30080 }], selector: { app: 'app' } });
const sticky = makeService('sticky', { clusterIP: '10.96.0.21', ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'app' }, sessionAffinity: 'ClientIP' });
const empty = makeService('empty', { clusterIP: '10.96.0.22', type: 'NodePort', ports: [{ port: 80, nodePort: 30081 }], selector: { app: 'nothing' } });
const local = makeService('local', { clusterIP: '10.96.0.23', type: 'LoadBalancer', ports: [{ port: 80, targetPort: 8080, nodePort: 30082 }], selector: { app: 'app' }, externalTrafficPolicy: 'Local', loadBalancerIPs: ['203.0.113.10'] });
const named = makeService('named', { clusterIP: '10.96.0.24', ports: [{ port: 80, targetPort: 'http' }], selector: { app: 'app' } });

function cluster(extra: NetworkObjects = {}) {
  const objects: NetworkObjects = {
    nodes,
    pods: [appA, appB, client, other],
    services: [app, sticky, empty, local, named],
    endpointSlices: [makeSlice(app, [appA, appB]), makeSlice(sticky, [appA, appB]), makeSlice(empty, []), makeSlice(local, [appA, appB]), makeSlice(named, [appA, appB])],
    namespaces: [{ metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } } }],
    ...extra,
  };
  const view = createStaticNetworkView(objects);
  const served: ServedRequest[] = [];
  const dns: Record<string, string> = { app: '10.96.0.20', sticky: '10.96.0.21', empty: '10.96.0.22', named: '10.96.0.24' };
  const path = createDataPath({
    view,
    proxy: createProxyRulesSource(view),
    random: seededRandom(42),
    clock: new FakeClock(),
    sink: { record: (r) => served.push(r) },
    resolveName: (name) => (dns[name] ? [dns[name]!] : undefined),
  });
  return { path, served, view };
}

const fromClient = { pod: { namespace: 'default', name: 'client' } } as const;

describe('data path', () => {
  it('answers through a ClusterIP with the bootcamp model and spreads over the endpoints', () => {
    const { path, served } = cluster();
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) {
      const r = path.send({ from: fromClient, target: 'http://app:8080/' });
      expect(r.outcome).toBe('response');
      expect(r.body).toBe(`Hello Kubernetes bootcamp! | Running on: ${r.servedBy!.pod} | v=1\n`);
      counts[r.servedBy!.pod] = (counts[r.servedBy!.pod] ?? 0) + 1;
    }
    // Two endpoints, statistic probability 0.5 each: 1000 draws stay well within ±10%.
    expect(counts['app-a']).toBeGreaterThan(400);
    expect(counts['app-b']).toBeGreaterThan(400);
    expect(served).toHaveLength(1000);
    expect(served[0]!.cpuSeconds).toBe(0.0005);
  });

  it.each([
    ['a Service without endpoints is refused (REJECT)', 'http://empty/', 'refused', 'Connection refused'],
    ['an unknown name has no such host', 'http://nope/', 'no-such-host', "bad address 'nope'"],
    ['a pod port nobody listens on is refused', 'http://100.96.2.2:9999/', 'refused', 'Connection refused'],
    ['a pod IP nobody holds is unreachable', 'http://100.96.2.77/', 'unreachable', 'No route to host'],
    ['a malformed URL is a bad address', 'http://[::/', 'no-such-host', "bad address 'http://[::/'"],
  ])('%s', (_name, target, outcome, error) => {
    const { path } = cluster();
    const r = path.send({ from: fromClient, target });
    expect(r.outcome).toBe(outcome);
    expect(r.error).toBe(error);
  });

  it('resolves targetPort by name on the pods', () => {
    const { path } = cluster();
    const r = path.send({ from: fromClient, target: 'named' });
    expect(r.outcome).toBe('response');
    expect(r.servedBy!.port).toBe(8080);
  });

  it('keeps a client on one endpoint with sessionAffinity ClientIP', () => {
    const { path } = cluster();
    const pods = new Set<string>();
    for (let i = 0; i < 50; i++) pods.add(path.send({ from: fromClient, target: 'http://sticky/' }).servedBy!.pod);
    expect(pods.size).toBe(1);
  });

  it('serves a NodePort to the host, masqueraded when the endpoint is on another node', () => {
    const { path } = cluster();
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = path.send({ from: { host: true }, target: 'http://10.0.0.11:30080/', trace: true });
      expect(r.outcome).toBe('response');
      seen.add(r.servedBy!.pod);
      // 10.0.0.11 is n1: app-b (n2) is reached over VXLAN, SNATed to n1's flannel.1 address.
      if (r.servedBy!.pod === 'app-b') expect(r.trace!.some((h) => h.kind === 'snat' && h.text.endsWith('→ 100.96.1.0'))).toBe(true);
    }
    expect(seen).toEqual(new Set(['app-a', 'app-b']));
    const refused = path.send({ from: { host: true }, target: 'http://10.0.0.12:30081/' });
    expect(refused.outcome).toBe('refused');
  });

  it('externalTrafficPolicy Local answers only from local endpoints, the LB IP included', () => {
    const { path } = cluster({ pods: [appA, client, other], endpointSlices: [makeSlice(local, [appA])] });
    // n1 holds app-a: served; n2 does not: dropped (timeout), as kube-proxy's DROP rule does.
    expect(path.send({ from: { host: true }, target: 'http://10.0.0.11:30082/' }).outcome).toBe('response');
    expect(path.send({ from: { host: true }, target: 'http://10.0.0.12:30082/' }).outcome).toBe('timeout');
    const lb = path.send({ from: { host: true }, target: 'http://203.0.113.10/' });
    expect(lb.outcome).toBe('response');
    expect(lb.servedBy!.pod).toBe('app-a');
  });

  it('the host cannot reach a cluster IP or a pod IP', () => {
    const { path } = cluster();
    expect(path.send({ from: { host: true }, target: '10.96.0.20:8080' }).outcome).toBe('unreachable');
    expect(path.send({ from: { host: true }, target: '100.96.1.2:8080' }).outcome).toBe('unreachable');
  });

  it('a NetworkPolicy denying ingress makes requests time out; allowing the client lets it through', () => {
    const deny: NetworkPolicy = { metadata: { name: 'deny', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'app' } }, policyTypes: ['Ingress'] } };
    const allow: NetworkPolicy = {
      metadata: { name: 'allow-client', namespace: 'default' },
      spec: { podSelector: { matchLabels: { app: 'app' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }] },
    };
    const denied = cluster({ networkPolicies: [deny] }).path.send({ from: fromClient, target: 'http://100.96.2.2:8080/', trace: true });
    expect(denied.outcome).toBe('timeout');
    expect(denied.trace!.find((h) => h.kind === 'policy' && h.text.startsWith('ingress'))!.text).toContain('default/deny');
    const allowed = cluster({ networkPolicies: [deny, allow] }).path;
    const ok = allowed.send({ from: fromClient, target: 'http://100.96.2.2:8080/', trace: true });
    expect(ok.outcome).toBe('response');
    expect(ok.trace!.some((h) => h.text.includes('allowed by NetworkPolicy default/allow-client ingress[0]'))).toBe(true);
    expect(allowed.send({ from: { pod: { namespace: 'default', name: 'other' } }, target: 'http://100.96.2.2:8080/' }).outcome).toBe('timeout');
  });

  it('traces a cross-node request hop by hop with VXLAN', () => {
    const { path } = cluster();
    const r = path.send({ from: fromClient, target: 'http://100.96.2.2:8080/', trace: true });
    const kinds = r.trace!.map((h) => h.kind);
    expect(kinds).toEqual(['source', 'veth', 'policy', 'route', 'vxlan', 'bridge', 'policy', 'deliver']);
    expect(r.trace!.find((h) => h.kind === 'vxlan')!.text).toContain('outer 10.0.0.11 → 10.0.0.12 UDP dport 8472 VNI 1');
  });

  it('the host is identified as the VPC router address', () => {
    expect(HOST_CLIENT_IP).toBe('10.0.0.1');
  });
});
