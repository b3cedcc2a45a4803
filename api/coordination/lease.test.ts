import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { coordinationResources } from './index.js';
import { formatMicroTime, leaseResource } from './lease.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function lease(spec: Record<string, unknown>): KubeObject {
  return leaseResource.schema.parse({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2024-05-01T11:59:20Z' },
    spec,
  }) as KubeObject;
}

describe('Lease', () => {
  it('keeps MicroTime strings and strips unknown fields', () => {
    const obj = lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T11:59:59.123456Z', extra: 1 }) as any;
    expect(obj.spec).toEqual({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T11:59:59.123456Z' });
  });

  it.each([
    [{ leaseDurationSeconds: 0 }, ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
    [{ leaseTransitions: -1 }, ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']],
    [{ leaseDurationSeconds: 15, leaseTransitions: 0 }, []],
  ])('validates %j', (spec, want) => {
    expect(leaseResource.validate(lease(spec)).map((e) => `${e.field}: ${e.message}`)).toEqual(want);
  });

  it('prints NAME HOLDER AGE', () => {
    expect(leaseResource.tableColumns.map((c) => c.name)).toEqual(['Name', 'Holder', 'Age']);
    expect(leaseResource.tableRow(lease({ holderIdentity: 'node-1' }), now)).toEqual(['node-1', 'node-1', '40s']);
    expect(leaseResource.tableRow(lease({}), now)).toEqual(['node-1', '', '40s']);
  });

  it('formats MicroTime with six fractional digits', () => {
    expect(formatMicroTime(Date.parse('2024-05-01T12:00:00.250Z'))).toBe('2024-05-01T12:00:00.250000Z');
  });

  it('is the only coordination kind and has no generation', () => {
    expect(coordinationResources.map((r) => `${r.group}/${r.version} ${r.plural}`)).toEqual(['coordination.k8s.io/v1 leases']);
    expect(leaseResource.hasGeneration).toBe(false);
  });
});
