import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { pdbResource } from './pdb.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function pdb(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return pdbResource.schema.parse({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-04-30T12:00:00Z' },
    spec,
    ...(status ? { status } : {}),
  }) as KubeObject;
}

const errors = (obj: KubeObject) => pdbResource.validate(obj).map((e) => `${e.field}: ${e.message}`);

describe('PodDisruptionBudget', () => {
  it('accepts minAvailable as int or percent and strips unknown fields', () => {
    const obj = pdb({ minAvailable: '50%', selector: { matchLabels: { app: 'web' } }, foo: 1 }) as any;
    expect(obj.spec).toEqual({ minAvailable: '50%', selector: { matchLabels: { app: 'web' } } });
    expect(errors(obj)).toEqual([]);
    expect(errors(pdb({ maxUnavailable: 1 }))).toEqual([]);
  });

  it.each([
    [{ minAvailable: 1, maxUnavailable: 1 }, 'minAvailable and maxUnavailable cannot be both set'],
    [{ minAvailable: -1 }, 'spec.minAvailable: Invalid value: -1: must be greater than or equal to 0'],
    [{ maxUnavailable: '120%' }, 'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%'],
    [
      { unhealthyPodEvictionPolicy: 'Sometimes' },
      'spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"',
    ],
  ])('rejects %j', (spec, want) => {
    const got = errors(pdb(spec));
    expect(got.some((m) => m.includes(want))).toBe(true);
  });

  it('prints MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS', () => {
    expect(pdbResource.tableColumns.map((c) => c.name)).toEqual(['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    expect(pdbResource.tableRow(pdb({ minAvailable: 2 }, { disruptionsAllowed: 1 }), now)).toEqual(['web', '2', 'N/A', 1, '24h']);
    expect(pdbResource.tableRow(pdb({ maxUnavailable: '25%' }), now)).toEqual(['web', 'N/A', '25%', 0, '24h']);
  });

  it('starts with zeroed counters, has the status subresource and short name', () => {
    const obj = pdb({ minAvailable: 1 }, { disruptionsAllowed: 5 });
    pdbResource.prepareForCreate!(obj);
    expect((obj as any).status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    expect(pdbResource.shortNames).toEqual(['pdb']);
    expect(pdbResource.subresources).toEqual({ status: true });
  });
});
