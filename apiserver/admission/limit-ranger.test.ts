import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { defaultLimitRange, type LimitRange } from '../../api/core/limit-range.js';
import { aggregate, applyLimitRangeDefaults, limitRangeViolations, LIMIT_RANGER_ANNOTATION } from './limit-ranger.js';

type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
const pod = (...containers: Array<[string, Res?]>): KubeObject =>
  ({ metadata: { name: 'p' }, spec: { containers: containers.map(([name, resources]) => ({ name, ...(resources ? { resources } : {}) })) } }) as KubeObject;
const range = (...limits: NonNullable<NonNullable<LimitRange['spec']>['limits']>): LimitRange => {
  const lr = { metadata: { name: 'lr' }, spec: { limits } } as LimitRange;
  defaultLimitRange(lr);
  return lr;
};

describe('LimitRanger defaults', () => {
  it('fills missing requests and limits and says so in the annotation', () => {
    const p = pod(['a'], ['b', { requests: { cpu: '50m' } }]);
    applyLimitRangeDefaults(p, [range({ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } })]);
    const spec = p.spec as { containers: Array<{ resources: Res }> };
    expect(spec.containers[0]!.resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    expect(spec.containers[1]!.resources.requests).toEqual({ cpu: '50m', memory: '256Mi' });
    expect(p.metadata.annotations?.[LIMIT_RANGER_ANNOTATION]).toBe(
      'LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; memory request for container b; cpu, memory limit for container b',
    );
  });

  it('defaults the default limit to max and the default request to the default limit, then min (SetDefaults_LimitRangeItem)', () => {
    const lr = range({ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } });
    expect(lr.spec!.limits![0]).toMatchObject({ default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } });
  });

  it('leaves a pod without applicable defaults unannotated', () => {
    const p = pod(['a']);
    applyLimitRangeDefaults(p, [range({ type: 'Pod', max: { cpu: '1' } })]);
    expect(p.metadata.annotations).toBeUndefined();
  });
});

describe('LimitRanger bounds, with kube messages', () => {
  const cases: Array<{ name: string; obj: KubeObject; lr: LimitRange; want: string[]; resource?: 'pods' | 'persistentvolumeclaims' }> = [
    { name: 'fits', obj: pod(['a', { requests: { cpu: '200m' }, limits: { cpu: '500m' } }]), lr: range({ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' } }), want: [] },
    { name: 'below min', obj: pod(['a', { requests: { cpu: '50m' }, limits: { cpu: '50m' } }]), lr: range({ type: 'Container', min: { cpu: '100m' } }), want: ['minimum cpu usage per Container is 100m, but request is 50m'] },
    { name: 'no request under a min', obj: pod(['a']), lr: { metadata: {}, spec: { limits: [{ type: 'Container', min: { memory: '1Gi' } }] } } as LimitRange, want: ['minimum memory usage per Container is 1Gi.  No request is specified'] },
    { name: 'over max', obj: pod(['a', { limits: { cpu: '2' } }]), lr: range({ type: 'Container', max: { cpu: '1' } }), want: ['maximum cpu usage per Container is 1, but limit is 2'] },
    { name: 'no limit under a max', obj: pod(['a']), lr: { metadata: {}, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } } as LimitRange, want: ['maximum cpu usage per Container is 1.  No limit is specified'] },
    {
      name: 'ratio',
      obj: pod(['a', { requests: { memory: '100Mi' }, limits: { memory: '400Mi' } }]),
      lr: range({ type: 'Container', maxLimitRequestRatio: { memory: '2' } }),
      want: ['memory max limit to request ratio per Container is 2, but provided ratio is 4.000000'],
    },
    {
      name: 'pod total over max',
      obj: pod(['a', { requests: { cpu: '600m' }, limits: { cpu: '600m' } }], ['b', { requests: { cpu: '600m' }, limits: { cpu: '600m' } }]),
      lr: range({ type: 'Pod', max: { cpu: '1' } }),
      want: ['maximum cpu usage per Pod is 1, but limit is 1200m'],
    },
    {
      name: 'claim over max',
      resource: 'persistentvolumeclaims',
      obj: { metadata: { name: 'c' }, spec: { resources: { requests: { storage: '10Gi' } } } } as KubeObject,
      lr: range({ type: 'PersistentVolumeClaim', max: { storage: '5Gi' }, min: { storage: '1Gi' } }),
      want: ['maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(limitRangeViolations(c.resource ?? 'pods', c.obj, [c.lr])).toEqual(c.want);
    });
  }

  it('aggregates several messages as kube does', () => {
    expect(aggregate(['a'])).toBe('a');
    expect(aggregate(['a', 'b'])).toBe('[a, b]');
  });
});
