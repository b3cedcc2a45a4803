import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { limitRangeResource, validateLimitRange, type LimitRange } from './limit-range.js';
import { resourceQuotaResource, validateResourceQuota, type ResourceQuota } from './resource-quota.js';

const lr = (...limits: NonNullable<NonNullable<LimitRange['spec']>['limits']>) => ({ metadata: { name: 'lr' }, spec: { limits } }) as LimitRange;
const rq = (spec: ResourceQuota['spec']) => ({ metadata: { name: 'q' }, spec }) as ResourceQuota;
const messages = (errs: Array<{ field: string; message: string }>) => errs.map((e) => `${e.field}: ${e.message}`);

describe('LimitRange validation (bad input gets kube\'s messages)', () => {
  const cases: Array<[string, LimitRange, string[]]> = [
    ['min above max', lr({ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }), ['spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1']],
    ['negative', lr({ type: 'Container', max: { memory: '-1Gi' } }), ['spec.limits[0].max[memory]: Invalid value: "-1Gi": must be greater than or equal to 0']],
    ['default on a Pod item', lr({ type: 'Pod', default: { cpu: '1' } }), ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"]],
    ['default above max', lr({ type: 'Container', default: { cpu: '2' }, max: { cpu: '1' } }), ['spec.limits[0].default[cpu]: Invalid value: "2": default value 2 is greater than max value 1']],
    ['ratio below 1', lr({ type: 'Container', maxLimitRequestRatio: { cpu: '500m' } }), ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1']],
    ['claim without bounds', lr({ type: 'PersistentVolumeClaim' }), ['spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided']],
    ['malformed quantity', lr({ type: 'Container', max: { cpu: 'lots' } }), ["spec.limits[0].max[cpu]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]],
  ];
  for (const [name, obj, want] of cases) it(name, () => expect(messages(validateLimitRange(obj))).toEqual(want));

  it('accepts a well-formed range, and prints NAME and CREATED AT', () => {
    expect(validateLimitRange(lr({ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' }, default: { cpu: '500m' }, defaultRequest: { cpu: '200m' } }))).toEqual([]);
    const obj = { metadata: { name: 'lr', creationTimestamp: '2026-01-01T00:00:00Z' } } as KubeObject;
    expect(limitRangeResource.tableRow(obj, 0)).toEqual(['lr', '2026-01-01T00:00:00Z']);
  });
});

describe('ResourceQuota validation (bad input gets kube\'s messages)', () => {
  const cases: Array<[string, ResourceQuota, string[]]> = [
    ['negative', rq({ hard: { pods: '-1' } }), ['spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0']],
    ['fractional count', rq({ hard: { services: '1.5' } }), ['spec.hard[services]: Invalid value: "1.5": must be an integer']],
    ['unknown resource', rq({ hard: { widgets: '1' } }), ['spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota']],
    ['unknown scope', rq({ hard: { pods: '1' }, scopes: ['Sometimes'] }), ['spec.scopes[0]: Invalid value: "Sometimes": unsupported scope']],
  ];
  for (const [name, obj, want] of cases) it(name, () => expect(messages(validateResourceQuota(obj))).toEqual(want));

  it('accepts count/ and extended names', () => {
    expect(validateResourceQuota(rq({ hard: { 'count/deployments.apps': '2', 'requests.nvidia.com/gpu': '1', 'requests.cpu': '500m' } }))).toEqual([]);
  });

  it('prints used/hard split into REQUEST and LIMIT as kubectl shows them', () => {
    const obj = { metadata: { name: 'q', creationTimestamp: new Date(0).toISOString() }, status: { hard: { pods: '10', 'limits.cpu': '2', 'requests.cpu': '1' }, used: { pods: '1', 'limits.cpu': '0', 'requests.cpu': '500m' } } } as KubeObject;
    const [name, , request, limit] = resourceQuotaResource.tableRow(obj, 60_000);
    expect([name, request, limit]).toEqual(['q', 'pods: 1/10, requests.cpu: 500m/1', 'limits.cpu: 0/2']);
  });
});
