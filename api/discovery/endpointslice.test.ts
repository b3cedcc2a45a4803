import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { endpointSliceResource, formatEndpointSliceEndpoints, formatEndpointSlicePorts } from './endpointslice.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function slice(fields: Record<string, unknown>): KubeObject {
  const obj = endpointSliceResource.schema.parse({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc12', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' }, creationTimestamp: '2024-05-01T11:00:00Z' },
    addressType: 'IPv4',
    ...fields,
  }) as KubeObject;
  endpointSliceResource.defaults(obj);
  return obj;
}

const endpoint = (ip: string) => ({
  addresses: [ip],
  conditions: { ready: true, serving: true, terminating: false },
  nodeName: 'node-1',
  targetRef: { kind: 'Pod', namespace: 'default', name: `web-${ip}`, uid: 'u1' },
  zone: 'zone-a',
});

describe('EndpointSlice', () => {
  it('defaults port name and protocol, strips unknown fields', () => {
    const obj = slice({ endpoints: [{ ...endpoint('10.244.0.5'), weight: 3 }], ports: [{ port: 80 }] }) as any;
    expect(obj.ports).toEqual([{ name: '', protocol: 'TCP', port: 80 }]);
    expect(obj.endpoints[0].weight).toBeUndefined();
    expect(endpointSliceResource.validate(obj)).toEqual([]);
  });

  it.each([
    [{ addressType: 'IPv5' }, 'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"'],
    [{ endpoints: [{ addresses: [] }] }, 'endpoints[0].addresses: Required value: must contain at least 1 address'],
    [{ endpoints: [{ addresses: ['10.0.0.300'] }] }, 'endpoints[0].addresses[0]: Invalid value: "10.0.0.300": must be a valid IPv4 address'],
    [{ endpoints: [{ addresses: ['127.0.0.1'] }] }, 'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    [{ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }, 'ports[1].name: Duplicate value: "http"'],
    [{ ports: [{ port: 80, protocol: 'ICMP' }] }, 'ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
  ])('rejects %j', (fields, want) => {
    expect(endpointSliceResource.validate(slice(fields)).map((e) => `${e.field}: ${e.message}`)).toContain(want);
  });

  it('keeps addressType immutable', () => {
    const old = slice({});
    const obj = slice({ addressType: 'IPv6' });
    expect(endpointSliceResource.validate(obj, old).map((e) => e.message)).toContain('Invalid value: "IPv6": field is immutable');
  });

  it.each([
    [[], '<unset>'],
    [[{ port: 80 }, { port: 443 }], '80,443'],
    [[{ name: 'http' }], 'http'],
    [[{}], '*'],
    [[{ port: 1 }, { port: 2 }, { port: 3 }, { port: 4 }, { port: 5 }], '1,2,3 + 2 more...'],
  ])('formats ports %j as %s', (ports, want) => {
    expect(formatEndpointSlicePorts(ports)).toBe(want);
  });

  it('formats endpoints and prints the row', () => {
    expect(formatEndpointSliceEndpoints(null)).toBe('<unset>');
    const obj = slice({ endpoints: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map(endpoint), ports: [{ name: 'http', port: 8080 }] });
    expect(endpointSliceResource.tableColumns.map((c) => c.name)).toEqual(['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    expect(endpointSliceResource.tableRow(obj, now)).toEqual(['web-abc12', 'IPv4', '8080', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60m']);
  });
});
