import { describe, expect, it } from 'vitest';
import { makeService } from '../network/testing.js';
import { desiredHostListeners, loopbackForIngress } from './host-addresses.js';

describe('host listeners wanted', () => {
  const np = makeService('web', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, nodePort: 30053, protocol: 'UDP' }] });
  const lb = makeService('lb', { clusterIP: '10.96.0.21', type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30081 }], loadBalancerIPs: ['203.0.113.10'] });
  const pending = makeService('pending', { clusterIP: '10.96.0.22', type: 'LoadBalancer', ports: [{ port: 81, nodePort: 30082 }] });
  const cip = makeService('cip', { clusterIP: '10.96.0.23', ports: [{ port: 80 }] });

  it.each<[string, string[], string[]]>([
    ['default address', ['127.0.0.1'], ['127.0.0.1:30080 NodePort default/web:http', '127.0.0.1:30081 NodePort default/lb', '127.0.113.10:80 LoadBalancer default/lb', '127.0.0.1:30082 NodePort default/pending']],
    ['two addresses', ['127.0.0.1', '127.0.0.2'], ['127.0.0.1:30080 NodePort default/web:http', '127.0.0.2:30080 NodePort default/web:http', '127.0.0.1:30081 NodePort default/lb', '127.0.0.2:30081 NodePort default/lb', '127.0.113.10:80 LoadBalancer default/lb', '127.0.0.1:30082 NodePort default/pending', '127.0.0.2:30082 NodePort default/pending']],
    ['none', [], []],
  ])('%s', (_name, addresses, want) => {
    expect(desiredHostListeners([np, lb, pending, cip], addresses).map((l) => `${l.key} ${l.kind} ${l.servicePort}`)).toEqual(want);
  });

  it('maps a load-balancer IP onto 127.x.y.z', () => {
    expect(loopbackForIngress('203.0.113.10')).toBe('127.0.113.10');
    expect(loopbackForIngress('nope')).toBeUndefined();
  });
});
