import type { DnsEndpointSlice, DnsService } from './view.js';
import { memoryDnsView, SERVICE_NAME_LABEL, type DnsView } from './view.js';

/**
 * A small cluster for the DNS tests (test-only): kube-dns, a ClusterIP Service `web` with
 * two named ports, a headless `db` with a hostname.subdomain pod, an unready endpoint
 * and a no-port headless Service, an ExternalName, a publishNotReadyAddresses Service.
 */

export function service(namespace: string, name: string, spec: DnsService['spec']): DnsService {
  return { metadata: { namespace, name }, spec };
}

export function slice(namespace: string, svc: string, endpoints: DnsEndpointSlice['endpoints'], ports: DnsEndpointSlice['ports'] = []): DnsEndpointSlice {
  return { metadata: { namespace, name: `${svc}-abc12`, labels: { [SERVICE_NAME_LABEL]: svc } }, addressType: 'IPv4', endpoints, ports };
}

export const SERIAL = 1767225600;

export function clusterView(): DnsView {
  return memoryDnsView({
    namespaces: ['default', 'kube-system', 'prod'],
    serial: SERIAL,
    services: [
      service('kube-system', 'kube-dns', {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        ports: [
          { name: 'dns', protocol: 'UDP', port: 53 },
          { name: 'dns-tcp', protocol: 'TCP', port: 53 },
          { name: 'metrics', protocol: 'TCP', port: 9153 },
        ],
      }),
      service('default', 'kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', protocol: 'TCP', port: 443 }] }),
      service('default', 'web', {
        type: 'ClusterIP',
        clusterIP: '10.96.12.34',
        clusterIPs: ['10.96.12.34'],
        ports: [
          { name: 'http', protocol: 'TCP', port: 80 },
          { name: 'metrics', protocol: 'TCP', port: 9090 },
        ],
      }),
      service('default', 'db', { type: 'ClusterIP', clusterIP: 'None', ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }] }),
      service('default', 'bare', { type: 'ClusterIP', clusterIP: 'None' }),
      service('default', 'empty', { type: 'ClusterIP', clusterIP: 'None', ports: [{ name: 'x', port: 1 }] }),
      service('default', 'warm', { type: 'ClusterIP', clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'p', port: 7000 }] }),
      service('prod', 'search', { type: 'ExternalName', externalName: 'search.example.com' }),
      service('prod', 'alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
    ],
    endpointSlices: [
      slice('kube-system', 'kube-dns', [
        { addresses: ['100.96.1.2'], conditions: { ready: true } },
        { addresses: ['100.96.2.3'], conditions: { ready: true } },
      ]),
      slice('default', 'web', [{ addresses: ['100.96.1.10'], conditions: { ready: true } }], [{ name: 'http', protocol: 'TCP', port: 8080 }]),
      slice(
        'default',
        'db',
        [
          { addresses: ['100.96.1.20'], conditions: { ready: true }, hostname: 'db-0' },
          { addresses: ['100.96.2.21'], conditions: { ready: true } },
          { addresses: ['100.96.3.22'], conditions: { ready: false }, hostname: 'db-2' },
        ],
        [{ name: 'pg', protocol: 'TCP', port: 5432 }],
      ),
      slice('default', 'bare', [{ addresses: ['100.96.1.30'], conditions: { ready: true } }], null),
      slice('default', 'empty', [{ addresses: ['100.96.1.40'], conditions: { ready: false } }], [{ name: 'x', port: 1 }]),
      slice('default', 'warm', [{ addresses: ['100.96.1.50'], conditions: { ready: false } }], [{ name: 'p', protocol: 'TCP', port: 7000 }]),
    ],
  });
}
