import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTlsMaterial } from './tls.js';
import { subjectAltNames } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

describe('subjectAltNames', () => {
  it.each([
    { hosts: [], dns: [], ips: [] },
    { hosts: ['127.0.0.1', 'LOCALHOST'], dns: [], ips: [] },
    { hosts: ['0.0.0.0', '::', ''], dns: [], ips: [] },
    { hosts: ['Kubeling.Local'], dns: ['kubeling.local'], ips: [] },
    { hosts: ['127.0.0.2', '[fd00::1]'], dns: [], ips: ['127.0.0.2', 'fd00::1'] },
  ])('adds $hosts to the defaults', ({ hosts, dns, ips }) => {
    const sans = subjectAltNames(hosts);
    expect(sans.dns).toEqual([
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      ...dns,
    ]);
    expect(sans.ips).toEqual(['127.0.0.1', '::1', '10.96.0.1', ...ips]);
  });
});

describe('ensureTlsMaterial', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-tls-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a CA and a serving certificate that chain and cover loopback, service names and hosts', async () => {
    const m = await ensureTlsMaterial(dir, { hosts: ['localhost', '127.0.0.1', 'kubeling.test'], now: () => T0 });
    const ca = new X509Certificate(m.caCert);
    const serving = new X509Certificate(m.cert);

    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=kubeling-ca');
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(ca.validTo)).toBe(T0 + 3650 * DAY);
    expect(ca.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    expect(serving.ca).toBe(false);
    expect(serving.issuer).toBe('CN=kubeling-ca');
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // EKU serverAuth
    expect(Date.parse(serving.validTo)).toBe(T0 + 365 * DAY);
    expect(Date.parse(serving.validFrom)).toBeLessThan(T0);
    for (const name of ['localhost', 'kubernetes', 'kubernetes.default.svc.cluster.local', 'kubeling.test']) {
      expect(serving.checkHost(name), name).toBe(name);
    }
    for (const ip of ['127.0.0.1', '::1', '10.96.0.1']) {
      expect(serving.checkIP(ip), ip).toBe(ip);
    }
    expect(serving.checkHost('example.com')).toBeUndefined();
    expect(serving.checkIP('192.0.2.1')).toBeUndefined();

    for (const [file, mode] of [
      ['ca.key', 0o600],
      ['apiserver.key', 0o600],
      ['ca.crt', 0o644],
      ['apiserver.crt', 0o644],
    ] as const) {
      expect((await stat(join(dir, 'pki', file))).mode & 0o777, file).toBe(mode);
    }
  });

  it('serves TLS that a client trusting only the CA accepts for 127.0.0.1', async () => {
    const m = await ensureTlsMaterial(dir, { hosts: [], now: () => Date.now() });
    const server = createServer({ key: m.key, cert: m.cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/', ca: m.caCert }, (res) => {
          let data = '';
          res.on('data', (c) => (data += c));
          res.on('end', () => resolve(data));
        }).on('error', reject);
      });
      expect(body).toBe('ok');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reuses stored material while it is valid and covers the hosts', async () => {
    const first = await ensureTlsMaterial(dir, { hosts: ['kubeling.test'], now: () => T0 });
    const second = await ensureTlsMaterial(dir, { hosts: ['kubeling.test', '127.0.0.1'], now: () => T0 + 300 * DAY });
    expect(second).toEqual(first);
  });

  it.each([
    { why: 'a new host', hosts: ['other.test'], at: T0 + DAY },
    { why: 'expiry within 30 days', hosts: [], at: T0 + 340 * DAY },
  ])('regenerates the serving certificate for $why and keeps the CA', async ({ hosts, at }) => {
    const first = await ensureTlsMaterial(dir, { hosts: [], now: () => T0 });
    const second = await ensureTlsMaterial(dir, { hosts, now: () => at });
    expect(second.caCert).toBe(first.caCert);
    expect(second.cert).not.toBe(first.cert);
    expect(second.key).not.toBe(first.key);
    const serving = new X509Certificate(second.cert);
    expect(serving.verify(new X509Certificate(second.caCert).publicKey)).toBe(true);
    expect(Date.parse(serving.validTo)).toBe(at + 365 * DAY);
    for (const h of hosts) expect(serving.checkHost(h)).toBe(h);
  });

  it('regenerates a serving key that does not match its certificate', async () => {
    const first = await ensureTlsMaterial(dir, { hosts: [], now: () => T0 });
    await writeFile(join(dir, 'pki', 'apiserver.key'), first.caCert.replace(/CERTIFICATE/g, 'X'));
    const second = await ensureTlsMaterial(dir, { hosts: [], now: () => T0 });
    expect(second.cert).not.toBe(first.cert);
    expect(new X509Certificate(second.cert).checkPrivateKey((await import('node:crypto')).createPrivateKey(second.key))).toBe(true);
  });

  it('refuses to replace a CA whose key is missing', async () => {
    await ensureTlsMaterial(dir, { hosts: [], now: () => T0 });
    await unlink(join(dir, 'pki', 'ca.key'));
    await expect(ensureTlsMaterial(dir, { hosts: [], now: () => T0 })).rejects.toThrow(/ca\.crt exists but .*ca\.key does not/);
  });
});
