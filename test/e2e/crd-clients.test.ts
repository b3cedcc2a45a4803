import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { runProcess, useE2eCluster } from './harness.js';

// Two operators' CRD sets applied unchanged with kubectl (cert-manager's Certificate,
// Issuer and ClusterIssuer; the Prometheus Operator's ServiceMonitor through the Python
// client), their objects created and read back through @kubernetes/client-node's and the
// Python client's CustomObjectsApi, as an operator's tests (or envtest with
// USE_EXISTING_CLUSTER=true) would.

const cluster = useE2eCluster();
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/crd/${name}`, import.meta.url));
const PYTHON = process.env.KUBELING_PYTHON ?? '/usr/bin/python3';

async function until(fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

describe('cert-manager CRDs with kubectl and @kubernetes/client-node', () => {
  it('applies the CRD set unchanged and waits for Established', async () => {
    const res = await cluster().kubectl(['apply', '-f', '-'], { stdin: readFileSync(fixture('cert-manager.yaml'), 'utf8') });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(
      'customresourcedefinition.apiextensions.k8s.io/certificates.cert-manager.io created\n' +
        'customresourcedefinition.apiextensions.k8s.io/issuers.cert-manager.io created\n' +
        'customresourcedefinition.apiextensions.k8s.io/clusterissuers.cert-manager.io created\n',
    );
    const wait = await cluster().kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=10s']);
    expect(wait.code).toBe(0);
  });

  it('creates, watches, patches and reads back Issuers and Certificates through CustomObjectsApi', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster().kubeconfigPath);
    const co = kc.makeApiClient(CustomObjectsApi);
    await until(async () => (await cluster().kubectl(['get', 'certificates'])).code === 0);
    const events: string[] = [];
    const watch = await new Watch(kc).watch('/apis/cert-manager.io/v1/namespaces/default/certificates', {}, (type: string, obj: { metadata: { name: string } }) => events.push(`${type} ${obj.metadata.name}`), () => undefined);
    try {
      await co.createClusterCustomObject({ group: 'cert-manager.io', version: 'v1', plural: 'clusterissuers', body: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'selfsigned' }, spec: { selfSigned: {} } } });
      await co.createNamespacedCustomObject({ group: 'cert-manager.io', version: 'v1', namespace: 'default', plural: 'issuers', body: { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'ca' }, spec: { ca: { secretName: 'ca-key-pair' } } } });
      const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web' }, spec: { secretName: 'web-tls', dnsNames: ['web.example.com'], issuerRef: { name: 'ca', kind: 'Issuer' }, privateKey: { algorithm: 'ECDSA' }, usages: ['server auth'] } };
      await co.createNamespacedCustomObject({ group: 'cert-manager.io', version: 'v1', namespace: 'default', plural: 'certificates', body: cert });
      const got = (await co.getNamespacedCustomObject({ group: 'cert-manager.io', version: 'v1', namespace: 'default', plural: 'certificates', name: 'web' })) as typeof cert & { metadata: { uid: string } };
      expect(got.spec).toEqual(cert.spec);
      expect(got.metadata.uid).toBeTruthy();
      const list = (await co.listNamespacedCustomObject({ group: 'cert-manager.io', version: 'v1', namespace: 'default', plural: 'certificates' })) as { kind: string; items: unknown[] };
      expect(list.kind).toBe('CertificateList');
      expect(list.items).toHaveLength(1);
      // status through the status subresource, as cert-manager's controller writes it
      await co.patchNamespacedCustomObjectStatus({ group: 'cert-manager.io', version: 'v1', namespace: 'default', plural: 'certificates', name: 'web', body: [{ op: 'add', path: '/status', value: { conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }] });
      const table = await cluster().kubectl(['get', 'certs', '-o', 'wide']);
      expect(table.stderr).toBe('');
      expect(table.stdout).toMatch(/^NAME\s+READY\s+SECRET\s+ISSUER\s+STATUS\s+AGE\nweb\s+True\s+web-tls\s+ca\s+Certificate is up to date and has not expired\s+\d+s\n$/);
      const bad = { ...cert, metadata: { name: 'bad' }, spec: { ...cert.spec, privateKey: { algorithm: 'DSA' } } };
      await expect(co.createNamespacedCustomObject({ group: 'cert-manager.io', version: 'v1', namespace: 'default', plural: 'certificates', body: bad })).rejects.toMatchObject({ code: 422 });
      await co.deleteNamespacedCustomObject({ group: 'cert-manager.io', version: 'v1', namespace: 'default', plural: 'certificates', name: 'web' });
      await until(async () => events.includes('DELETED web'));
      expect(events.slice(0, 1)).toEqual(['ADDED web']);
      const all = await cluster().kubectl(['get', 'cert-manager']);
      expect(all.stdout).toContain('issuer.cert-manager.io/ca');
      expect(all.stdout).toContain('clusterissuer.cert-manager.io/selfsigned');
    } finally {
      watch.abort();
    }
  });
});

describe('the Python client CustomObjectsApi', () => {
  it('installs the ServiceMonitor CRD unchanged and round-trips objects', async () => {
    const script = fileURLToPath(new URL('./python/crd_scenarios.py', import.meta.url));
    const res = await runProcess(PYTHON, [script, cluster().kubeconfigPath, fixture('servicemonitor.yaml')], { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' }, { timeoutMs: 60_000 });
    if (res.code !== 0) throw new Error(`python exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect(out).toEqual({
      established: 'True',
      created_uid: true,
      get: { port: 'http', interval: '30s', targetPort: 8080 },
      list: ['web'],
      patched: 'app',
      invalid: [422, expect.stringContaining('ServiceMonitor.monitoring.coreos.com "bad" is invalid: spec.endpoints[0].interval: Invalid value: "soon": spec.endpoints[0].interval in body should match')],
      after_delete: [],
    });
  });
});
