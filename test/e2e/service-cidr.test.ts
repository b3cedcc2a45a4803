import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIPv4 } from '../../api/networking/cidr.js';
import { waitUntil } from './cluster-with-components.js';
import { startKubelingUp, type KubelingUp } from './kubeling-up.js';

/**
 * `kubeling up --service-cluster-ip-range 10.100.0.0/16` as a user starts it (the built
 * CLI in its own process) and the real kubectl: the `kubernetes` Service at the range's
 * first address, kube-dns at its tenth (kubeadm's rule), other Services inside it, pods'
 * /etc/resolv.conf and environment naming those addresses, and an address from the
 * default range refused as kube-apiserver refuses it.
 */
const RANGE = parseCidr('10.100.0.0/16')!;
const inRange = (ip: string) => {
  const n = parseIPv4(ip);
  return n !== undefined && cidrContains(RANGE, n);
};

let up: KubelingUp;
beforeAll(async () => {
  up = await startKubelingUp(['--nodes', '2', '--service-cluster-ip-range', '10.100.0.0/16', '--dns-port', '0', '--ingress-http-port', 'none']);
}, 120_000);
afterAll(async () => {
  await up?.stop();
});

describe('kubeling up --service-cluster-ip-range 10.100.0.0/16', () => {
  it('kubernetes at 10.100.0.1, kube-dns at 10.100.0.10, a new Service inside the range', async () => {
    expect(await up.ok(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).toBe('10.100.0.1');
    const dnsIP = await waitUntil(
      async () => (await up.kubectl(['get', 'svc', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.spec.clusterIP}'])).stdout || undefined,
      'the kube-dns Service',
      60_000,
    );
    expect(dnsIP).toBe('10.100.0.10');
    await up.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
    await up.ok(['expose', 'deployment', 'web', '--port=80']);
    const webIP = await up.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(inRange(webIP), webIP).toBe(true);
    expect(webIP).not.toBe('10.100.0.1');
    expect(webIP).not.toBe('10.100.0.10');
    const table = await up.ok(['get', 'svc']);
    expect(table).toMatch(/^kubernetes\s+ClusterIP\s+10\.100\.0\.1\s+<none>\s+443\/TCP\s+/m);
  }, 120_000);

  it('an address outside the range is refused with kube-apiserver’s message', async () => {
    const res = await up.kubectl(['create', 'service', 'clusterip', 'old', '--clusterip=10.96.0.50', '--tcp=80']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(
      // kubectl create service's own prefix, then the apiserver's Status message.
      'error: failed to create ClusterIP service: Service "old" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.50"}: failed to allocate IP 10.96.0.50: the provided IP (10.96.0.50) is not in the valid range. The range of valid IPs is 10.100.0.0/16',
    );
  });

  it("a pod's /etc/resolv.conf names 10.100.0.10, its environment 10.100.0.1, and nslookup asks 10.100.0.10", async () => {
    await up.ok(['run', 'bb', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    await waitUntil(async () => (await up.kubectl(['get', 'pod', 'bb', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 'pod bb Running', 60_000);
    expect(await up.ok(['exec', 'bb', '--', 'cat', '/etc/resolv.conf'])).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.100.0.10\noptions ndots:5\n');
    expect(await up.ok(['exec', 'bb', '--', 'env'])).toContain('KUBERNETES_SERVICE_HOST=10.100.0.1\n');
    const webIP = await up.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    const ns = await up.kubectl(['exec', 'bb', '--', 'nslookup', 'web.default.svc.cluster.local']);
    expect(ns.stdout).toContain('Server:\t\t10.100.0.10\n');
    expect(ns.stdout).toContain(`Name:\tweb.default.svc.cluster.local\nAddress: ${webIP}\n`);
    // The old default address answers nothing in this cluster.
    const old = await up.kubectl(['exec', 'bb', '--', 'nslookup', 'web.default.svc.cluster.local', '10.96.0.10']);
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('connection timed out; no servers could be reached');
  }, 120_000);
});
