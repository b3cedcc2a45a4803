import { describe, expect, it } from 'vitest';
import type { EndpointSubset } from '../../api/core/endpoints.js';
import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import { desiredSubsets } from './desired-subsets.js';
import { pod, svc } from './test-builders.js';

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });
const addr = (name: string, ip: string, extra: Record<string, string> = {}) => ({ ip, nodeName: 'n1', targetRef: ref(name), ...extra });

const http = svc('web').port({ name: 'http', port: 80, targetPort: 8080 });

const cases: Array<{ name: string; service: Service; pods: Pod[]; want: EndpointSubset[] }> = [
  {
    name: 'two ready pods, numeric targetPort: one subset',
    service: http.obj(),
    pods: [pod('b').ip('10.1.0.2').ready().obj(), pod('a').ip('10.1.0.1').ready().obj()],
    want: [{ addresses: [addr('a', '10.1.0.1'), addr('b', '10.1.0.2')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  },
  {
    name: 'a not-ready pod goes to notReadyAddresses of the same subset',
    service: http.obj(),
    pods: [pod('a').ip('10.1.0.1').ready().obj(), pod('b').ip('10.1.0.2').ready('False').obj()],
    want: [{ addresses: [addr('a', '10.1.0.1')], notReadyAddresses: [addr('b', '10.1.0.2')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  },
  {
    name: 'publishNotReadyAddresses lists unready and terminating pods as ready',
    service: svc('web').port({ port: 80 }).publishNotReady().obj(),
    pods: [pod('a').ip('10.1.0.1').ready('False').obj(), pod('b').ip('10.1.0.2').deleting().obj()],
    want: [{ addresses: [addr('a', '10.1.0.1'), addr('b', '10.1.0.2')], ports: [{ port: 80, protocol: 'TCP' }] }],
  },
  {
    name: 'pods without an IP, terminal or terminating are left out',
    service: http.obj(),
    pods: [
      pod('noip').ready().obj(),
      pod('done').ip('10.1.0.3').ready().phase('Succeeded').obj(),
      pod('going').ip('10.1.0.4').ready().deleting().obj(),
      pod('ok').ip('10.1.0.5').obj(),
    ],
    want: [{ notReadyAddresses: [addr('ok', '10.1.0.5')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  },
  {
    name: 'named targetPort resolves per pod; a pod lacking it is left out of that port',
    service: svc('web').port({ name: 'http', port: 80, targetPort: 'web' }).port({ name: 'metrics', port: 9090, targetPort: 9090 }).obj(),
    pods: [pod('a').ip('10.1.0.1').ready().containerPort('web', 8080).obj(), pod('b').ip('10.1.0.2').ready().obj(), pod('c').ip('10.1.0.3').ready().containerPort('web', 8081).obj()],
    want: [
      { addresses: [addr('a', '10.1.0.1'), addr('b', '10.1.0.2'), addr('c', '10.1.0.3')], ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }] },
      { addresses: [addr('a', '10.1.0.1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr('c', '10.1.0.3')], ports: [{ name: 'http', port: 8081, protocol: 'TCP' }] },
    ],
  },
  {
    name: 'a named port with another protocol does not match',
    service: svc('web').port({ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }).obj(),
    pods: [pod('a').ip('10.1.0.1').ready().containerPort('dns', 53, 'TCP').obj()],
    want: [],
  },
  {
    name: 'headless without ports lists addresses without ports; hostname when the subdomain is the service',
    service: svc('web').headless().obj(),
    pods: [pod('a').ip('10.1.0.1').ready().hostname('a-host', 'web').obj(), pod('b').ip('10.1.0.2').ready().hostname('b-host', 'other').obj()],
    want: [{ addresses: [addr('a', '10.1.0.1', { hostname: 'a-host' }), addr('b', '10.1.0.2')] }],
  },
  {
    name: 'a ClusterIP service without ports gets no subsets',
    service: svc('web').obj(),
    pods: [pod('a').ip('10.1.0.1').ready().obj()],
    want: [],
  },
  {
    name: 'no nodeName: the address has none',
    service: http.obj(),
    pods: [pod('a').ip('10.1.0.1').ready().node(undefined).obj()],
    want: [{ addresses: [{ ip: '10.1.0.1', targetRef: ref('a') }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  },
];

describe('desiredSubsets', () => {
  it.each(cases)('$name', ({ service, pods, want }) => {
    expect(desiredSubsets(service, pods).subsets).toEqual(want);
  });

  it('counts ready and not-ready address × port pairs', () => {
    const s = svc('web').port({ name: 'a', port: 1 }).port({ name: 'b', port: 2 }).obj();
    const r = desiredSubsets(s, [pod('a').ip('10.1.0.1').ready().obj(), pod('b').ip('10.1.0.2').obj()]);
    expect([r.ready, r.notReady]).toEqual([2, 2]);
    expect(r.subsets).toHaveLength(1);
    expect(r.subsets[0]!.ports!.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('picks the IP of the service family from a dual-stack pod', () => {
    const p = pod('a').ready().obj();
    p.status!.podIPs = [{ ip: 'fd00::1' }, { ip: '10.1.0.1' }];
    p.status!.podIP = 'fd00::1';
    expect(desiredSubsets(http.obj(), [p]).subsets[0]!.addresses![0]!.ip).toBe('10.1.0.1');
  });
});
