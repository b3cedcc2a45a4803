import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { nameIsDNS1035Label, validateObjectMeta } from '../validation.js';
import { patchAllocatedServiceValues, serviceResource, serviceSchema, type Service } from './service.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function svc(spec: Record<string, unknown>, name = 'web'): Service {
  return serviceSchema.parse({ metadata: { name, namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec });
}
const o = (s: Service) => s as unknown as KubeObject;
function defaulted(s: Service): Service {
  serviceResource.defaults(o(s));
  return s;
}
const errors = (s: Service, old?: Service) =>
  serviceResource.validate(o(s), old ? o(old) : undefined).map((e) => `${e.field}: ${e.message}`);

describe('service defaults', () => {
  it('fills a ClusterIP service as Kubernetes does', () => {
    const s = defaulted(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    expect(s.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
  });

  it('fills NodePort / LoadBalancer / ClientIP specifics and keeps clusterIPs in step', () => {
    const s = defaulted(svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', clusterIP: '10.96.0.10', ports: [{ port: 443, targetPort: 'https' }] }));
    expect(s.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      clusterIPs: ['10.96.0.10'],
      ports: [{ port: 443, targetPort: 'https', protocol: 'TCP' }],
    });
  });

  it('gives ExternalName services no families', () => {
    const s = defaulted(svc({ type: 'ExternalName', externalName: 'db.example.com' }));
    expect(s.spec?.ipFamilies).toBeUndefined();
    expect(s.spec?.internalTrafficPolicy).toBeUndefined();
  });

  it('keeps allocated values on update when the manifest leaves them out', () => {
    const old = defaulted(svc({ type: 'NodePort', clusterIP: '10.96.0.7', ports: [{ port: 80, nodePort: 30080 }] }));
    const s = svc({ type: 'NodePort', ports: [{ port: 80 }] });
    patchAllocatedServiceValues(s, old);
    defaulted(s);
    expect(s.spec?.clusterIP).toBe('10.96.0.7');
    expect(s.spec?.ports?.[0]?.nodePort).toBe(30080);
    expect(errors(s, old)).toEqual([]);
  });
});

describe('service validation', () => {
  it.each([
    ['valid', { selector: { app: 'web' }, ports: [{ port: 80 }] }, []],
    ['headless without ports', { clusterIP: 'None', selector: { app: 'web' } }, []],
    ['ports required', { selector: { app: 'web' } }, ['spec.ports: Required value']],
    ['port out of range', { ports: [{ port: 70000, targetPort: 8080 }] }, ['spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['names required with two ports', { ports: [{ port: 80 }, { port: 443, name: 'https' }] }, ['spec.ports[0].name: Required value']],
    ['duplicate port names', { ports: [{ port: 80, name: 'a' }, { port: 81, name: 'a' }] }, ['spec.ports[1].name: Duplicate value: "a"']],
    ['nodePort on ClusterIP', { ports: [{ port: 80, nodePort: 30001 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    [
      'bad type',
      { type: 'Magic', ports: [{ port: 80 }] },
      ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ],
    [
      'bad protocol',
      { ports: [{ port: 80, protocol: 'HTTP' }] },
      ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    ],
    ['ExternalName needs a name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
  ])('%s', (_n, spec, want) => {
    expect(errors(defaulted(svc(spec)))).toEqual(want);
  });

  it('leaves the DNS-1035 name rule to metadata validation', () => {
    const errs = validateObjectMeta({ name: '1web', namespace: 'default' }, { namespaced: true, nameValidator: nameIsDNS1035Label });
    expect(errs[0]?.message).toMatch(/^Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
    expect(errors(defaulted(svc({ ports: [{ port: 80 }] }, '1web')))).toEqual([]);
  });

  it('forbids changing the cluster IP', () => {
    const old = defaulted(svc({ clusterIP: '10.96.0.5', ports: [{ port: 80 }] }));
    const s = defaulted(svc({ clusterIP: '10.96.0.6', ports: [{ port: 80 }] }));
    expect(errors(s, old)).toEqual(['spec.clusterIPs[0]: Invalid value: ["10.96.0.6"]: may not change once set']);
  });
});

describe('service table', () => {
  it.each([
    [{ selector: { app: 'web', tier: 'fe' }, clusterIP: '10.96.0.5', ports: [{ port: 80 }] }, ['web', 'ClusterIP', '10.96.0.5', '<none>', '80/TCP', '60m', 'app=web,tier=fe']],
    [
      { type: 'NodePort', clusterIP: '10.96.0.6', ports: [{ port: 80, nodePort: 30080 }, { port: 53, protocol: 'UDP', name: 'dns', nodePort: 30053 }] },
      ['web', 'NodePort', '10.96.0.6', '<none>', '80:30080/TCP,53:30053/UDP', '60m', '<none>'],
    ],
    [{ type: 'LoadBalancer', clusterIP: '10.96.0.7', ports: [{ port: 443 }] }, ['web', 'LoadBalancer', '10.96.0.7', '<pending>', '443/TCP', '60m', '<none>']],
    [{ type: 'ExternalName', externalName: 'db.example.com' }, ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '60m', '<none>']],
  ])('%j', (spec, want) => {
    expect(serviceResource.tableRow(o(defaulted(svc(spec))), now)).toEqual(want);
  });

  it('shows load-balancer addresses', () => {
    const s = defaulted(svc({ type: 'LoadBalancer', ports: [{ port: 80 }] }));
    s.status = { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] } };
    expect(serviceResource.tableRow(o(s), now)[3]).toBe('203.0.113.9,lb.example.com');
  });
});
