import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTokenFile } from '../apiserver/auth/tokens.js';
import { COMPONENT_IDENTITIES, initComposeCredentials, main, servingHosts, type InitOptions } from './init.js';

describe('compose init: the cluster credentials in the pki volume', () => {
  let dir: string;
  const opts = (): InitOptions => ({ dir, lbHost: 'lb', lbPort: 6443, apiserverHost: 'apiserver', apiserverReplicas: 3, project: 'kubeling', hostPort: 16443 });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeling-compose-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('signs one serving certificate for every name clients use: LB, service, replicas, kubernetes.default.svc, 127.0.0.1', async () => {
    await initComposeCredentials(opts());
    const cert = new X509Certificate(readFileSync(join(dir, 'pki', 'apiserver.crt')));
    const ca = new X509Certificate(readFileSync(join(dir, 'pki', 'ca.crt')));
    expect(cert.verify(ca.publicKey)).toBe(true);
    for (const name of ['lb', 'apiserver', 'kubeling_apiserver_1', 'kubeling_apiserver_3', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost']) {
      expect(cert.checkHost(name, { wildcards: false }), name).toBe(name);
    }
    for (const ip of ['127.0.0.1', '10.96.0.1']) expect(cert.checkIP(ip), ip).toBe(ip);
    expect(cert.checkHost('kubeling_apiserver_4')).toBeUndefined();
    expect(servingHosts(opts())).toContain('kubeling_apiserver_2');
  });

  it('gives each component its own token, read by the apiserver as the user kube names it', async () => {
    await initComposeCredentials(opts());
    const entries = await loadTokenFile(join(dir, 'tokens.csv'));
    expect(entries).toHaveLength(COMPONENT_IDENTITIES.length);
    expect(new Set(entries.map((e) => e.token)).size).toBe(entries.length);
    const byUser = new Map(entries.map((e) => [e.user.username, e.user]));
    expect(byUser.get('system:kube-scheduler')?.groups ?? []).not.toContain('system:masters');
    // The components whose roles the bootstrap policy binds are confined to them.
    for (const user of ['system:kube-proxy', 'system:serviceaccount:kube-system:cluster-autoscaler', 'system:serviceaccount:kube-system:cloud-controller-manager', 'system:serviceaccount:kube-system:metrics-server']) {
      expect(byUser.get(user)?.groups ?? [], user).not.toContain('system:masters');
    }
    expect(byUser.get('system:kube-controller-manager')).toBeDefined();
    // No component but the DNS add-on is in system:masters any more.
    for (const [user, info] of byUser) if (!user.includes('coredns')) expect(info.groups ?? [], user).not.toContain('system:masters');
    expect(byUser.get('kubeling:kubelet-sim')).toBeDefined();
    expect(readFileSync(join(dir, 'pki', 'component-credentials.key'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    const admin = readFileSync(join(dir, 'pki', 'admin.token'), 'utf8').trim();
    expect(entries.map((e) => e.token)).not.toContain(admin);
  });

  it('writes each component a kubeconfig for https://lb:6443 with its own token, and the host one for 127.0.0.1:PORT', async () => {
    await initComposeCredentials(opts());
    const entries = await loadTokenFile(join(dir, 'tokens.csv'));
    for (const id of COMPONENT_IDENTITIES) {
      const kc = parse(readFileSync(join(dir, 'kubeconfigs', `${id.component}.kubeconfig`), 'utf8'));
      expect(kc.clusters[0].cluster.server).toBe('https://lb:6443');
      const token = kc.users[0].user.token;
      expect(entries.find((e) => e.token === token)?.user.username).toBe(id.user);
    }
    const host = parse(readFileSync(join(dir, 'admin.kubeconfig'), 'utf8'));
    expect(host.clusters[0].cluster.server).toBe('https://127.0.0.1:16443');
    expect(host.users[0].user.token).toBe(readFileSync(join(dir, 'pki', 'admin.token'), 'utf8').trim());
    expect(statSync(join(dir, 'pki', 'ca.key')).mode & 0o077).toBe(0);
  });

  it('writes one ServiceAccount signing key (pki/sa.key, 0600) that every apiserver copies, so tokens one issues verify on the others', async () => {
    await initComposeCredentials(opts());
    expect(readFileSync(join(dir, 'pki/sa.key'), 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(statSync(join(dir, 'pki/sa.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'pki/sa.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('is idempotent: a second run (a restarted init) keeps the CA, the certificate and every token', async () => {
    expect((await initComposeCredentials(opts())).created).toBe(true);
    const before = ['pki/ca.crt', 'pki/apiserver.crt', 'pki/admin.token', 'pki/sa.key', 'tokens.csv'].map((f) => readFileSync(join(dir, f), 'utf8'));
    expect((await initComposeCredentials({ ...opts(), hostPort: 26443 })).created).toBe(false);
    const after = ['pki/ca.crt', 'pki/apiserver.crt', 'pki/admin.token', 'pki/sa.key', 'tokens.csv'].map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(after).toEqual(before);
    // The host port may change between ups: the host kubeconfig follows.
    expect(parse(readFileSync(join(dir, 'admin.kubeconfig'), 'utf8')).clusters[0].cluster.server).toBe('https://127.0.0.1:26443');
  });

  it('refuses bad input with a message and a non-zero exit, writing nothing', async () => {
    const saved = process.env.KUBELING_COMPOSE_PORT;
    try {
      expect(await main([])).toBe(2);
      process.env.KUBELING_COMPOSE_PORT = 'http';
      expect(await main([join(dir, 'x')])).toBe(1);
      process.env.KUBELING_COMPOSE_PORT = '70000';
      expect(await main([join(dir, 'x')])).toBe(1);
      expect(() => statSync(join(dir, 'x', 'tokens.csv'))).toThrow();
      process.env.KUBELING_COMPOSE_PORT = '6443';
      expect(await main([join(dir, 'y')])).toBe(0);
      expect(statSync(join(dir, 'y', 'tokens.csv')).size).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.KUBELING_COMPOSE_PORT;
      else process.env.KUBELING_COMPOSE_PORT = saved;
    }
  });
});
