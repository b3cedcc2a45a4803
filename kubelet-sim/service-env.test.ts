import { describe, expect, it } from 'vitest';
import type { Service } from '../api/core/service.js';
import { containerEnv, serviceEnv } from './service-env.js';

const svc = (ns: string, name: string, ip: string | undefined, ports: Array<{ port: number; name?: string; protocol?: string }>, created = '2026-01-01T00:00:00Z'): Service =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name, creationTimestamp: created }, spec: { clusterIP: ip, ports } }) as Service;

const kubernetes = svc('default', 'kubernetes', '10.96.0.1', [{ port: 443, name: 'https' }]);
const php = svc('default', 'php-apache', '10.96.12.7', [{ port: 80 }]);

describe('serviceEnv', () => {
  it('writes the variables kubelet writes for a Service', () => {
    expect(Object.fromEntries(serviceEnv({ namespace: 'default', services: [php] }))).toEqual({
      PHP_APACHE_SERVICE_HOST: '10.96.12.7',
      PHP_APACHE_SERVICE_PORT: '80',
      PHP_APACHE_PORT: 'tcp://10.96.12.7:80',
      PHP_APACHE_PORT_80_TCP: 'tcp://10.96.12.7:80',
      PHP_APACHE_PORT_80_TCP_PROTO: 'tcp',
      PHP_APACHE_PORT_80_TCP_PORT: '80',
      PHP_APACHE_PORT_80_TCP_ADDR: '10.96.12.7',
    });
  });

  const cases: Array<[string, Parameters<typeof serviceEnv>[0], string[]]> = [
    ['the master service in every namespace', { namespace: 'other', services: [kubernetes, php] }, ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KUBERNETES_SERVICE_PORT_HTTPS', 'KUBERNETES_PORT', 'KUBERNETES_PORT_443_TCP', 'KUBERNETES_PORT_443_TCP_PROTO', 'KUBERNETES_PORT_443_TCP_PORT', 'KUBERNETES_PORT_443_TCP_ADDR']],
    ['enableServiceLinks false keeps only the master service', { namespace: 'default', enableServiceLinks: false, services: [php, svc('default', 'kubernetes', '10.96.0.1', [])] }, ['KUBERNETES_SERVICE_HOST']],
    ['headless services are left out', { namespace: 'default', services: [svc('default', 'db', 'None', [{ port: 5432 }])] }, []],
    ['services created after the start are left out', { namespace: 'default', startedAt: Date.parse('2026-01-01T00:00:00Z'), services: [svc('default', 'late', '10.96.0.9', [{ port: 1 }], '2026-01-02T00:00:00Z')] }, []],
    ['udp and named ports', { namespace: 'default', services: [svc('default', 'dns', '10.96.0.10', [{ port: 53, name: 'dns', protocol: 'UDP' }])] }, ['DNS_SERVICE_HOST', 'DNS_SERVICE_PORT', 'DNS_SERVICE_PORT_DNS', 'DNS_PORT', 'DNS_PORT_53_UDP', 'DNS_PORT_53_UDP_PROTO', 'DNS_PORT_53_UDP_PORT', 'DNS_PORT_53_UDP_ADDR']],
  ];
  it.each(cases)('%s', (_n, input, names) => {
    expect(serviceEnv(input).map(([k]) => k)).toEqual(names);
  });
});

describe('containerEnv', () => {
  it('puts the container env before the service variables and lets it win', () => {
    const env = containerEnv({ namespace: 'default', hostname: 'lg', services: [php], env: [{ name: 'PHP_APACHE_SERVICE_HOST', value: 'mine' }, { name: 'X', valueFrom: {} }], tty: true });
    expect([...env.keys()].slice(0, 4)).toEqual(['PATH', 'HOSTNAME', 'TERM', 'PHP_APACHE_SERVICE_HOST']);
    expect(env.get('PHP_APACHE_SERVICE_HOST')).toBe('mine');
    expect(env.has('X')).toBe(false);
    expect(env.get('HOME')).toBe('/root');
  });
});
