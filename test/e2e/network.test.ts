import { createServer as createTcpServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrace } from '../../cli/trace-command.js';
import { createRestClient, loadKubeconfig, type HttpRestClient } from '../../client/rest-client.js';
import { startKubeProxy, type RunningKubeProxy } from '../../kube-proxy/kube-proxy.js';
import { createLogger } from '../../lib/logger.js';
import { kubectlAvailable, runProcess } from './harness.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * Services that answer, with the real kubectl and curl: the Kubernetes Basics "expose"
 * step served on a loopback NodePort through kube-proxy's simulated rules, the load
 * spreading over 4 replicas, a NetworkPolicy that blocks then allows, `kubeling trace`, and
 * a NodePort already taken on the host. The host listeners bind 127.0.83.1 (a loopback
 * address of this file's own) so parallel test files cannot clash.
 */
const HOST = '127.0.83.1';
const cluster = useClusterWithComponents({ nodes: 2 });
let proxy: RunningKubeProxy;
let client: HttpRestClient;

beforeAll(async () => {
  client = createRestClient(loadKubeconfig(cluster().kubeconfigPath));
  proxy = await startKubeProxy({ client, nodePortAddresses: [HOST], logger: createLogger({ level: process.env.KUBELING_LOG_LEVEL ?? 'silent' }) });
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  client?.close();
});

async function ok(c: ClusterWithComponents, args: string[], stdin?: string): Promise<string> {
  const res = await c.kubectl(args, stdin !== undefined ? { stdin } : {});
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${res.code}\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

async function curl(url: string, timeoutS = 2): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProcess('/usr/bin/curl', ['-sS', '-m', String(timeoutS), url], { ...process.env, no_proxy: '*', NO_PROXY: '*' }, { timeoutMs: (timeoutS + 5) * 1000 });
}

async function trace(from: string, to: string): Promise<string> {
  let out = '';
  let err = '';
  const code = await runTrace(['--kubeconfig', cluster().kubeconfigPath, '--from', from, '--to', to], {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    cwd: process.cwd(),
  });
  if (code !== 0) throw new Error(`trace exited ${code}: ${err}`);
  return out;
}

const APP = 'kubernetes-first-app';

/** Binds the first free port from 32767 down on HOST: a NodePort the host already uses. */
async function holdNodePort(): Promise<{ holder: Server; taken: number }> {
  for (let port = 32767; port > 32600; port--) {
    const holder: Server = createTcpServer();
    const bound = await new Promise<boolean>((resolve) => {
      holder.once('error', () => resolve(false));
      holder.listen(port, HOST, () => resolve(true));
    });
    if (bound) return { holder, taken: port };
  }
  throw new Error(`no free port in 32601-32767 on ${HOST}`);
}

describe.skipIf(!kubectlAvailable())('Services that answer (real kubectl + curl)', () => {
  let nodePort = 0;

  it('exposes the bootcamp app on a NodePort the host can curl', async () => {
    const c = cluster();
    await ok(c, ['create', 'deployment', APP, '--image=gcr.io/google-samples/kubernetes-bootcamp:v1']);
    expect(await ok(c, ['expose', `deployment/${APP}`, '--type=NodePort', '--port', '8080'])).toBe(`service/${APP} exposed\n`);
    nodePort = Number(await ok(c, ['get', 'services', APP, '-o', 'go-template={{(index .spec.ports 0).nodePort}}']));
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const body = await waitUntil(async () => {
      const r = await curl(`http://${HOST}:${nodePort}/`);
      return r.code === 0 && r.stdout.startsWith('Hello') ? r.stdout : undefined;
    }, 'the NodePort answers', 30_000);
    expect(body).toMatch(new RegExp(`^Hello Kubernetes bootcamp! \\| Running on: ${APP}-[a-z0-9]+-[a-z0-9]{5} \\| v=1\\n$`));
  }, 60_000);

  it('spreads repeated curls over the replicas after scaling to 4', async () => {
    const c = cluster();
    await ok(c, ['scale', `deployment/${APP}`, '--replicas=4']);
    const pods = await waitUntil(async () => {
      const names = (await ok(c, ['get', 'endpointslices', '-l', `kubernetes.io/service-name=${APP}`, '-o', 'jsonpath={.items[*].endpoints[*].targetRef.name}'])).split(' ').filter(Boolean);
      return names.length === 4 ? names : undefined;
    }, '4 endpoints', 30_000);
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 4; i++) {
      const r = await curl(`http://${HOST}:${nodePort}/`);
      expect(r.code).toBe(0);
      seen.add(/Running on: (\S+)/.exec(r.stdout)![1]!);
    }
    // Each curl picks one of 4 endpoints with probability 1/4 (the statistic rules): 40 tries miss one with odds ~4×(3/4)^40 ≈ 4e-5.
    expect([...seen].sort()).toEqual([...pods].sort());
  }, 60_000);

  it('a NetworkPolicy denying ingress makes the NodePort time out; allowing the pod network lets it through', async () => {
    const c = cluster();
    const deny = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-app\nspec:\n  podSelector:\n    matchLabels:\n      app: ${APP}\n  policyTypes: [Ingress]\n`;
    expect(await ok(c, ['apply', '-f', '-'], deny)).toBe('networkpolicy.networking.k8s.io/deny-app created\n');
    expect(await ok(c, ['get', 'networkpolicies'])).toMatch(/^NAME +POD-SELECTOR +AGE\ndeny-app +app=kubernetes-first-app +\d+s\n$/);
    await waitUntil(async () => (await curl(`http://${HOST}:${nodePort}/`, 1)).code === 28, 'curl times out (exit 28)', 20_000);
    // NodePort traffic is masqueraded to the node's pod-network address, so the allow names the pod network.
    const allow = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-pod-network\nspec:\n  podSelector:\n    matchLabels:\n      app: ${APP}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 100.96.0.0/16\n    ports:\n    - port: 8080\n`;
    await ok(c, ['apply', '-f', '-'], allow);
    await waitUntil(async () => (await curl(`http://${HOST}:${nodePort}/`)).stdout.startsWith('Hello'), 'the NodePort answers again', 20_000);
    await ok(c, ['delete', 'networkpolicy', 'deny-app', 'allow-pod-network']);
  }, 60_000);

  it('kubeling trace shows the rules, the route to the endpoint and the policy verdict', async () => {
    const c = cluster();
    await ok(c, ['run', 'client', '--image=busybox', '--labels=role=client', '--', 'sleep', '3600']);
    await waitUntil(async () => (await ok(c, ['get', 'pod', 'client', '-o', 'jsonpath={.status.phase}'])) === 'Running', 'client Running', 30_000);
    const out = await trace('pod/default/client', `http://${APP}:8080/`);
    expect(out).toMatch(/^trace from pod\/default\/client to http:\/\/kubernetes-first-app:8080\/\n/);
    expect(out).toMatch(/dns +kubernetes-first-app resolved to 10\.\d+\.\d+\.\d+/);
    expect(out).toMatch(/-A KUBE-SERVICES -d 10\.\d+\.\d+\.\d+\/32 -p tcp -m comment --comment "default\/kubernetes-first-app cluster IP" -m tcp --dport 8080 -j KUBE-SVC-[A-Z2-7]{16}/);
    expect(out).toMatch(/-j DNAT --to-destination 100\.96\.\d+\.\d+:8080/);
    // Cross-node over VXLAN, or the local bridge when client and endpoint share a node.
    expect(out).toMatch(/vxlan +\[[^\]]+\] flannel\.1 encapsulates: outer 10\.0\.\d+\.\d+ → 10\.0\.\d+\.\d+ UDP dport 8472 VNI 1|bridge +\[[^\]]+\] cni0 \(100\.96\.\d+\.1\)/);
    expect(out).toMatch(/^result: HTTP 200 OK from default\/kubernetes-first-app-/m);

    const deny = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: only-frontend\nspec:\n  podSelector:\n    matchLabels:\n      app: ${APP}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          role: frontend\n`;
    await ok(c, ['apply', '-f', '-'], deny);
    const denied = await trace('pod/default/client', `http://${APP}:8080/`);
    expect(denied).toMatch(/policy +\[[^\]]+\] ingress denied: default\/kubernetes-first-app-\S+ is selected for ingress by default\/only-frontend/);
    expect(denied).toMatch(/^result: timed out/m);
    await ok(c, ['label', 'pod', 'client', 'role=frontend', '--overwrite']);
    const allowed = await trace('pod/default/client', `http://${APP}:8080/`);
    expect(allowed).toMatch(/allowed by NetworkPolicy default\/only-frontend ingress\[0\]/);
    await ok(c, ['delete', 'networkpolicy', 'only-frontend']);
  }, 90_000);

  it('a Service selecting nothing refuses; a NodePort taken on the host gives a Warning event', async () => {
    const c = cluster();
    await ok(c, ['create', 'service', 'nodeport', 'nothing', '--tcp=80:80']);
    const np = Number(await ok(c, ['get', 'services', 'nothing', '-o', 'go-template={{(index .spec.ports 0).nodePort}}']));
    await waitUntil(async () => /Connection reset|Empty reply|Recv failure/.test((await curl(`http://${HOST}:${np}/`)).stderr), 'curl is reset', 20_000);
    expect(await trace('host', `http://10.0.0.10:${np}/`)).toMatch(/has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport \d+ -j REJECT --reject-with icmp-port-unreachable[\s\S]*result: refused \(Connection refused\)/);

    // Hold a port on the host, then ask for it as a NodePort.
    const { holder, taken } = await holdNodePort();
    try {
      const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: clash\nspec:\n  type: NodePort\n  selector:\n    app: ${APP}\n  ports:\n  - port: 8080\n    nodePort: ${taken}\n`;
      await ok(c, ['apply', '-f', '-'], svc);
      const events = await waitUntil(async () => {
        const out = await ok(c, ['get', 'events', '--field-selector', 'involvedObject.name=clash', '-o', 'custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message', '--no-headers']);
        return out.includes('PortNotAvailable') ? out : undefined;
      }, 'a PortNotAvailable event', 20_000);
      expect(events).toContain(`can't open port "nodePort for default/clash" (${HOST}:${taken}/tcp) on the host, skipping it: listen EADDRINUSE`);
      expect(proxy.hostListeners().some((l) => l.port === nodePort)).toBe(true);
    } finally {
      holder.close();
    }
  }, 60_000);
});
