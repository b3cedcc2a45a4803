/**
 * Network benchmark (`npm run bench:network`), in one process, no apiserver: the pure
 * functions kube-proxy and the data path run.
 *
 * (a) Rule regeneration on a change: a cluster of 1,000 Services × 10 endpoints (10,000
 *     pods over 100 nodes). One EndpointSlice changes (an endpoint becomes not ready),
 *     then one node's whole state is recomputed: service ports → iptables rules (nat +
 *     filter) → the compiled lookup the data path walks; `iptables-save` text is timed
 *     apart. Target < 50 ms per node. Reference: kube-proxy's own iptables sync at this
 *     size takes about 1 s (a full iptables-restore of ~40,000 rules; kube-proxy's
 *     sync_proxy_rules_duration_seconds in its scale tests).
 * (b) Simulated requests per second: pods sending requests to Service cluster IPs
 *     through the walk, NetworkPolicy (one policy in the namespace), routing and the
 *     traffic model, no trace, configured as `kubeling up`'s defaults (iptables mode, VXLAN,
 *     the kubelet-sim's usage model recording every served request). Target ≥ 50,000/s.
 *
 * (c) DNS queries per second on loopback: bench:dns (the real DNS server against a trivial
 *     dns-packet server as reference), one round of --seconds, run as a child process so
 *     its server has a thread of its own. Target ≥ 20,000/s. --no-dns skips it.
 *
 * Flags: --services N (1000), --endpoints N (10), --nodes N (100), --seconds S (5), --no-dns.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import type { EndpointSlice } from '../../api/discovery/endpointslice.js';
import type { NetworkPolicy } from '../../api/networking/network-policy.js';
import { iptablesSave } from '../../kube-proxy/iptables-save.js';
import { computeNodeProxyState, createProxyRulesSource } from '../../kube-proxy/node-rules.js';
import { realClock } from '../../lib/clock.js';
import { seededRandom } from '../../lib/random.js';
import { UsageModel } from '../../kubelet-sim/usage/usage-model.js';
import { createStaticNetworkView } from '../../network/cluster-view.js';
import { createDataPath } from '../../network/data-path.js';
import { makeNode, makePod, makeService, makeSlice } from '../../network/testing.js';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    endpoints: { type: 'string', default: '10' },
    nodes: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
    'no-dns': { type: 'boolean', default: false },
  },
});
const SERVICES = Number(values.services);
const ENDPOINTS = Number(values.endpoints);
const NODES = Number(values.nodes);
const SECONDS = Number(values.seconds);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const nodes = Array.from({ length: NODES }, (_, i) => makeNode(`node-${i}`, i));
const pods: Pod[] = [];
const services: Service[] = [];
const slices: EndpointSlice[] = [];
for (let s = 0; s < SERVICES; s++) {
  const app = `app-${s}`;
  const members: Pod[] = [];
  for (let e = 0; e < ENDPOINTS; e++) {
    const n = (s * ENDPOINTS + e) % NODES;
    const slot = Math.floor((s * ENDPOINTS + e) / NODES) + 2;
    members.push(makePod(`${app}-${e}`, { node: `node-${n}`, ip: `100.96.${n}.${slot}`, image: 'nginx:1.27', labels: { app } }));
  }
  pods.push(...members);
  const svc = makeService(app, { clusterIP: `10.${96 + Math.floor(s / 65536)}.${Math.floor(s / 256) % 256}.${s % 256}`, type: s % 10 === 0 ? 'NodePort' : 'ClusterIP', ports: [{ name: 'http', port: 80, ...(s % 10 === 0 ? { nodePort: 30000 + s } : {}) }], selector: { app } });
  services.push(svc);
  slices.push(makeSlice(svc, members));
}
const policy: NetworkPolicy = { metadata: { name: 'allow-web', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'app-1' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 80 }] }] } };
const view = createStaticNetworkView({ nodes, pods, services, endpointSlices: slices, networkPolicies: [policy], namespaces: [{ metadata: { name: 'default' } }] });

// (a) Regeneration after a change, as the kube-proxy component does it (createProxyRulesSource:
// service ports once per change, rules of unchanged ports reused, the compiled walk rebuilt).
// Wall time and this process's CPU time: the machine may be shared, CPU time is the work.
const source = createProxyRulesSource(view, { clusterCIDR: '100.96.0.0/16' });
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let c0 = cpuMs();
let w0 = performance.now();
const first = source.forNode('node-0')!;
const coldWall = performance.now() - w0;
const coldCpu = cpuMs() - c0;
let natRules = 0;
for (const r of first.rules.nat.chains.values()) natRules += r.length;
let filterRules = 0;
for (const r of first.rules.filter.chains.values()) filterRules += r.length;
const regen: number[] = [];
const regenCpu: number[] = [];
const render: number[] = [];
for (let i = 0; i < 30; i++) {
  const changed = [...slices];
  const s = changed[i % changed.length]!;
  changed[i % changed.length] = { ...s, endpoints: (s.endpoints ?? []).map((e, j) => (j === i % ENDPOINTS ? { ...e, conditions: { ready: i % 2 === 0 } } : e)) };
  view.update({ endpointSlices: changed });
  c0 = cpuMs();
  w0 = performance.now();
  const state = source.forNode(`node-${i % NODES}`)!;
  const t1 = performance.now();
  regenCpu.push(cpuMs() - c0);
  const text = iptablesSave(state.rules, Date.now());
  const t2 = performance.now();
  if (text.length === 0) throw new Error('empty iptables-save');
  regen.push(t1 - w0);
  render.push(t2 - t1);
}
// The from-scratch computation (no reuse), for comparison.
c0 = cpuMs();
w0 = performance.now();
computeNodeProxyState(view, 'node-1', '100.96.0.0/16');
const scratchWall = performance.now() - w0;
const scratchCpu = cpuMs() - c0;
regen.sort((a, b) => a - b);
regenCpu.sort((a, b) => a - b);
render.sort((a, b) => a - b);
console.log(`network bench: ${SERVICES} Services × ${ENDPOINTS} endpoints, ${pods.length} pods on ${NODES} nodes; node-0 has ${natRules} nat + ${filterRules} filter rules`);
console.log(`(a) rule regeneration per node after one EndpointSlice change (30 runs):`);
console.log(`    wall median ${percentile(regen, 50).toFixed(1)} ms, p95 ${percentile(regen, 95).toFixed(1)} ms; CPU median ${percentile(regenCpu, 50).toFixed(1)} ms, p95 ${percentile(regenCpu, 95).toFixed(1)} ms (target < 50 ms)`);
console.log(`    first build (cold): wall ${coldWall.toFixed(1)} ms, CPU ${coldCpu.toFixed(1)} ms; from scratch without reuse: wall ${scratchWall.toFixed(1)} ms, CPU ${scratchCpu.toFixed(1)} ms`);
console.log(`    iptables-save text of the node: median ${percentile(render, 50).toFixed(1)} ms, p95 ${percentile(render, 95).toFixed(1)} ms`);
console.log(`    reference: kube-proxy's own iptables sync at this size ≈ 1,000 ms → ${(1000 / percentile(regen, 50)).toFixed(0)}× that reference's speed (wall)`);

// (b) Simulated requests per second.
// As `kubeling up` runs it by default: kube-proxy in iptables mode, flannel VXLAN, cluster
// CIDR 100.96.0.0/16, and the kubelet-sim's usage model as the sink and load of served requests.
const proxy = createProxyRulesSource(view, { mode: 'iptables', clusterCIDR: '100.96.0.0/16' });
const usage = new UsageModel({ clock: realClock, source: () => undefined, nodeOf: () => undefined });
const path = createDataPath({ view, proxy, random: seededRandom(7), flannel: { backend: 'vxlan', network: '100.96.0.0/16' }, sink: usage, load: usage, clock: realClock });
const clients = pods.filter((_, i) => i % 97 === 0).map((p) => ({ pod: { namespace: 'default', name: p.metadata.name! } }));
const targets = services.map((s) => `http://${s.spec!.clusterIP}/`);
// Warm the per-node caches outside the timed loop.
for (let i = 0; i < 2000; i++) path.send({ from: clients[i % clients.length]!, target: targets[i % targets.length]! });
let n = 0;
let ok = 0;
const cpuStart = cpuMs();
const deadline = performance.now() + SECONDS * 1000;
const start = performance.now();
while (performance.now() < deadline) {
  for (let k = 0; k < 1000; k++, n++) {
    const r = path.send({ from: clients[n % clients.length]!, target: targets[(n * 7) % targets.length]! });
    if (r.outcome === 'response') ok++;
  }
}
const elapsed = (performance.now() - start) / 1000;
const cpuS = (cpuMs() - cpuStart) / 1000;
console.log(`(b) simulated requests: ${n} in ${elapsed.toFixed(1)} s wall = ${Math.round(n / elapsed).toLocaleString('en-US')} requests/s; per CPU-second ${Math.round(n / cpuS).toLocaleString('en-US')} requests/s (${ok} answered) (target ≥ 50,000/s)`);

// (c) DNS queries per second on loopback, as bench:dns measures them (one round).
if (!values['no-dns']) {
  const dnsBench = fileURLToPath(new URL('./dns.js', import.meta.url));
  const r = spawnSync(process.execPath, [dnsBench, '--rounds', '1', '--duration', String(Math.max(1, Math.min(SECONDS, 3)))], { encoding: 'utf8', timeout: 120_000 });
  const lines = (r.stdout ?? '').split('\n').filter((l) => /queries\/s|target/.test(l));
  console.log('(c) DNS queries on loopback (bench:dns, one round):');
  for (const l of lines) console.log(`    ${l.trim()}`);
  if (r.status !== 0) console.log(`    bench:dns failed (exit ${r.status}): ${(r.stderr ?? '').split('\n')[0]}`);
}
