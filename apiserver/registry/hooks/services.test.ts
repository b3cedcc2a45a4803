import { afterEach, describe, expect, it } from 'vitest';
import { parseServiceClusterIpRange } from '../../../api/networking/service-cidr.js';
import { parseCidr, parseIPv4, cidrContains } from '../../../api/networking/cidr.js';
import { json, makeTestApp, type TestApp } from '../../../test/helpers/test-app.js';

// ClusterIP allocation and the `kubernetes` Service with --service-cluster-ip-range.
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const svc = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

async function create(body: unknown) {
  const res = await t!.app.inject({ method: 'POST', url: '/api/v1/namespaces/default/services', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.statusCode, body: json(res) };
}

describe('Services with --service-cluster-ip-range 10.100.0.0/16', () => {
  it('the kubernetes Service takes the first address; others are allocated inside the range', async () => {
    t = await makeTestApp({ serviceIpRange: parseServiceClusterIpRange('10.100.0.0/16') });
    const kubernetes = json(await t.app.inject({ url: '/api/v1/namespaces/default/services/kubernetes' }));
    expect(kubernetes.spec.clusterIP).toBe('10.100.0.1');
    const range = parseCidr('10.100.0.0/16')!;
    for (let i = 0; i < 5; i++) {
      const { status, body } = await create(svc(`web-${i}`));
      expect(status).toBe(201);
      expect(cidrContains(range, parseIPv4(body.spec.clusterIP)!), body.spec.clusterIP).toBe(true);
      expect(body.spec.clusterIPs).toEqual([body.spec.clusterIP]);
    }
  });

  it('takes a requested address inside the range, refuses one outside it with kube-apiserver’s message', async () => {
    t = await makeTestApp({ serviceIpRange: parseServiceClusterIpRange('10.100.0.0/16') });
    expect(await create(svc('dns', { clusterIP: '10.100.0.10' }))).toMatchObject({ status: 201, body: { spec: { clusterIP: '10.100.0.10' } } });
    const outside = await create(svc('old', { clusterIP: '10.96.0.10' }));
    expect(outside.status).toBe(422);
    expect(outside.body).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      details: {
        causes: [
          {
            field: 'spec.clusterIPs',
            message:
              'Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: the provided IP (10.96.0.10) is not in the valid range. The range of valid IPs is 10.100.0.0/16',
          },
        ],
      },
    });
    // The network and broadcast addresses are not allocatable either.
    expect((await create(svc('net', { clusterIP: '10.100.0.0' }))).status).toBe(422);
    expect((await create(svc('bcast', { clusterIP: '10.100.255.255' }))).status).toBe(422);
  });

  it('a small range fills up: kube-apiserver’s "range is full"', async () => {
    // /29: .0 network, .1 kubernetes, .2–.6 allocatable, .7 broadcast.
    t = await makeTestApp({ serviceIpRange: parseServiceClusterIpRange('10.100.0.0/29') });
    const ips = [];
    for (let i = 0; i < 5; i++) ips.push((await create(svc(`s${i}`))).body.spec.clusterIP);
    expect(ips.sort()).toEqual(['10.100.0.2', '10.100.0.3', '10.100.0.4', '10.100.0.5', '10.100.0.6']);
    const full = await create(svc('one-more'));
    expect(full.status).toBe(422);
    expect(JSON.stringify(full.body)).toContain('failed to allocate a serviceIP: range is full');
  });
});
