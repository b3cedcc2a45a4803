import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { apiServiceRow, validateAPIService } from './apiservice.js';

const svc = (name: string, spec: Record<string, unknown>, status?: unknown): KubeObject => ({
  metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { groupPriorityMinimum: 100, versionPriority: 100, ...spec },
  ...(status ? { status } : {}),
});
const remote = { service: { namespace: 'kube-system', name: 'metrics-server', port: 443 }, group: 'metrics.k8s.io', version: 'v1beta1' };

describe('validateAPIService (kube-aggregator messages)', () => {
  it.each([
    { name: 'a valid remote APIService', obj: svc('v1beta1.metrics.k8s.io', remote), want: [] },
    { name: 'the core group v1', obj: svc('v1.', { group: '', version: 'v1' }), want: [] },
    { name: 'name must be version.group', obj: svc('metrics', remote), want: ['metadata.name: Invalid value: "metrics": must be `spec.version+"."+spec.group`'] },
    { name: 'empty group', obj: svc('v2.', { group: '', version: 'v2' }), want: ['spec.group: Required value: only v1 may have an empty group and it better be legacy kube'] },
    { name: 'bad group', obj: svc('v1.Bad_Group', { group: 'Bad_Group', version: 'v1' }), want: [/^spec\.group: Invalid value: "Bad_Group": a lowercase RFC 1123 subdomain/] },
    { name: 'bad version', obj: svc('V1.x.io', { group: 'x.io', version: 'V1' }), want: [/^spec\.version: Invalid value: "V1": a DNS-1035 label/] },
    {
      name: 'priorities out of range',
      obj: svc('v1.x.io', { group: 'x.io', version: 'v1', groupPriorityMinimum: 0, versionPriority: 1001 }),
      want: ['spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000', 'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000'],
    },
    {
      name: 'local with TLS settings',
      obj: svc('v1.x.io', { group: 'x.io', version: 'v1', insecureSkipTLSVerify: true, caBundle: Buffer.from('pem').toString('base64') }),
      want: ['spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle', 'spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify'],
    },
    {
      name: 'skip verify and a CA',
      obj: svc('v1beta1.metrics.k8s.io', { ...remote, insecureSkipTLSVerify: true, caBundle: Buffer.from('pem').toString('base64') }),
      want: ['spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present'],
    },
    {
      name: 'service without name, bad port',
      obj: svc('v1beta1.metrics.k8s.io', { ...remote, service: { namespace: 'kube-system', port: 70000 } }),
      want: ['spec.service.name: Required value', 'spec.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive'],
    },
  ])('$name', ({ obj, want }) => {
    const got = validateAPIService(obj).map((e) => `${e.field}: ${e.message}`);
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => (typeof w === 'string' ? expect(got[i]).toBe(w) : expect(got[i]).toMatch(w)));
  });
});

describe('apiServiceRow', () => {
  const now = Date.parse('2026-01-01T00:05:00Z');
  it.each([
    [svc('v1.', { group: '', version: 'v1' }, { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] }), ['v1.', 'Local', 'True', '5m']],
    [svc('v1beta1.metrics.k8s.io', remote, { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }] }), ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (FailedDiscoveryCheck)', '5m']],
    [svc('v1beta1.metrics.k8s.io', remote), ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'Unknown', '5m']],
  ])('%#', (obj, row) => expect(apiServiceRow(obj, now)).toEqual(row));
});
