import { describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../client/rest-client.js';
import { runTrace } from '../../cli/trace-command.js';
import { useClusterWithComponents, waitUntil } from './cluster-with-components.js';

/**
 * GraphQL's `trace` query walks the same simulated request `kubeling trace` does: from a
 * pod, through the cluster DNS, kube-proxy's rules and the pod network, to a container
 * that answers; the printed text is the CLI's.
 */
const cluster = useClusterWithComponents({ nodes: 2 });

async function graphql(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<{ data: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: any };
}

describe('GraphQL trace', () => {
  it('answers what kubeling trace prints, with the hops as data', async () => {
    const c = cluster();
    for (const args of [
      ['create', 'deployment', 'web', '--image=nginx', '--replicas=2'],
      ['expose', 'deployment', 'web', '--port=80'],
      ['run', 'client', '--image=busybox', '--', 'sleep', '3600'],
    ]) {
      const res = await c.kubectl(args);
      if (res.code !== 0) throw new Error(res.stderr);
    }
    await c.kubectl(['wait', '--for=condition=Ready', 'pod/client', '--timeout=60s']);
    await c.kubectl(['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']);

    const token = loadKubeconfig(c.kubeconfigPath).token ?? '';
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const query = 'query($from: String!, $to: String!) { trace(from: $from, to: $to) { outcome status body latencyMs servedBy hops { kind node text } text } }';
      const res = await waitUntil(async () => {
        const r = await graphql(c.url, token, query, { from: 'pod/default/client', to: 'http://web/' });
        if (r.errors || r.data.trace.outcome !== 'response') throw new Error(JSON.stringify(r));
        return r;
      }, 'a traced answer', 30_000);
      const t = res.data.trace;
      expect(t.status).toBe(200);
      expect(t.body).toContain('Welcome to nginx!');
      expect(t.servedBy.pod).toMatch(/^web-/);
      const kinds = t.hops.map((h: { kind: string }) => h.kind);
      expect(kinds[0]).toBe('dns');
      expect(kinds).toContain('dnat');
      expect(kinds[kinds.length - 1]).toBe('deliver');

      // The CLI prints the same hops for the same objects (the endpoint chosen and the
      // client's ephemeral port may differ: compare the first hops with ports masked).
      let out = '';
      const code = await runTrace(['--kubeconfig', c.kubeconfigPath, '--from', 'pod/default/client', '--to', 'http://web/'], {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: () => undefined },
        cwd: process.cwd(),
      });
      expect(code).toBe(0);
      const head = (text: string) => text.split('\n').slice(0, 3).join('\n').replace(/:\d+ →/g, ':PORT →');
      expect(head(t.text)).toBe(head(out));

      // kube-proxy --proxy-mode=ipvs (as its published configuration says): the trace and the
      // CLI follow the IPVS virtual servers, not the iptables rules.
      const ipvsConf = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n';
      const rendered = await c.kubectl(['-n', 'kube-system', 'create', 'configmap', 'kube-proxy', `--from-literal=config.conf=${ipvsConf}`, '--dry-run=client', '-o', 'yaml']);
      const applied = await c.kubectl(['apply', '-f', '-'], { stdin: rendered.stdout });
      if (applied.code !== 0) throw new Error(applied.stderr);
      const ipvs = await graphql(c.url, token, query, { from: 'pod/default/client', to: 'http://web/' });
      const ipvsKinds = ipvs.data.trace.hops.map((h: { kind: string; text: string }) => `${h.kind} ${h.text}`);
      expect(ipvsKinds.some((h: string) => /^dnat IPVS TCP \S+:80 rr \(default\/web\)/.test(h))).toBe(true);
      expect(ipvsKinds.some((h: string) => h.startsWith('iptables'))).toBe(false);
      let ipvsOut = '';
      expect(await runTrace(['--kubeconfig', c.kubeconfigPath, '--from', 'pod/default/client', '--to', 'http://web/'], { stdout: { write: (s: string) => (ipvsOut += s) }, stderr: { write: () => undefined }, cwd: process.cwd() })).toBe(0);
      expect(ipvsOut).toContain('IPVS TCP');
      const badMode = await graphql(c.url, token, '{ trace(from: "pod/default/client", to: "http://web/", proxyMode: "nftables") { outcome } }');
      expect(badMode.errors![0]!.message).toBe('invalid proxyMode "nftables": must be iptables or ipvs');

      const missing = await graphql(c.url, token, '{ trace(from: "pod/default/nope", to: "http://web/") { outcome } }');
      expect(missing.errors![0]!.message).toBe('pods "nope" not found');
      expect(missing.errors![0]!.extensions!.code).toBe('NotFound');
      const bad = await graphql(c.url, token, '{ trace(from: "somewhere", to: "http://web/") { outcome } }');
      expect(bad.errors![0]!.message).toBe('invalid from "somewhere": give pod/NAMESPACE/NAME, host or host:NODE');
      expect(bad.errors![0]!.extensions!.code).toBe('BadRequest');
    } finally {
      delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    }
  });
});
