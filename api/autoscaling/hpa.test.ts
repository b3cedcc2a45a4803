import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { hpaResource } from './hpa.js';
import { behaviorAnnotation, conditionsAnnotation, currentMetricsAnnotation, hpaFromV1, hpaToV1, metricsAnnotation } from './hpa-conversion.js';
import { formatHPAMetrics } from './hpa-printer.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function hpa(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, ...spec },
    ...(status ? { status } : {}),
  } as KubeObject;
}

const cpu = (u: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: u } } });

describe('HPA defaults', () => {
  it('sets minReplicas 1 and cpu 80% when no metric is given', () => {
    const obj = hpa({}) as any;
    hpaResource.defaults(obj);
    expect(obj.spec.minReplicas).toBe(1);
    expect(obj.spec.metrics).toEqual([cpu(80)]);
    expect(obj.spec.behavior).toBeUndefined();
  });

  it('fills a partial behavior as Kubernetes does', () => {
    const obj = hpa({ metrics: [cpu(50)], behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }) as any;
    hpaResource.defaults(obj);
    expect(obj.spec.metrics).toEqual([cpu(50)]);
    expect(obj.spec.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
    });
  });

  it('leaves scaleDown.stabilizationWindowSeconds to the controller', () => {
    const obj = hpa({ behavior: { scaleUp: {} } }) as any;
    hpaResource.defaults(obj);
    expect(obj.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeUndefined();
  });
});

describe('HPA validation', () => {
  const check = (spec: Record<string, unknown>, old?: KubeObject) => {
    const obj = hpa(spec);
    hpaResource.defaults(obj);
    return hpaResource.validate(obj, old).map((e) => `${e.field}: ${e.message}`);
  };

  it('accepts a typical HPA', () => {
    expect(check({ minReplicas: 2, metrics: [cpu(60)] })).toEqual([]);
  });

  it.each([
    [{ minReplicas: 0 }, 'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1'],
    [{ maxReplicas: 0 }, 'spec.maxReplicas: Invalid value: 0: must be greater than 0'],
    [{ minReplicas: 5, maxReplicas: 3 }, 'spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`'],
    [{ scaleTargetRef: { kind: 'Deployment' } }, 'spec.scaleTargetRef.name: Required value'],
    [{ metrics: [cpu(0)] }, 'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0'],
    [
      { metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue' } } }] },
      'spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue',
    ],
    [{ metrics: [{ type: 'Pods' }] }, 'spec.metrics[0].pods: Required value: must populate information for the given metric source'],
    [
      { behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } } },
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    ],
    [
      { behavior: { scaleDown: { selectPolicy: 'Avg' } } },
      'spec.behavior.scaleDown.selectPolicy: Unsupported value: "Avg": supported values: "Disabled", "Max", "Min"',
    ],
  ])('%j', (spec, expected) => {
    expect(check(spec)).toContain(expected);
  });

  it('lets an update keep an existing minReplicas of 0 past the bound check', () => {
    const old = hpa({ minReplicas: 0 });
    const errs = check({ minReplicas: 0, metrics: [{ type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '10' } } }] }, old);
    expect(errs).toEqual([]);
  });
});

describe('HPA printer', () => {
  it.each([
    [[cpu(80)], undefined, 'cpu: <unknown>/80%'],
    [[cpu(80)], [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40, averageValue: '100m' } } }], 'cpu: 40%/80%'],
    [
      [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } }],
      [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '268435456' } } }],
      'memory: 268435456/512Mi',
    ],
    [[{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1000m' } } }], undefined, '<unknown>/1'],
    [
      [{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } }],
      [{ type: 'External', external: { metric: { name: 'queue' }, current: { averageValue: '12' } } }],
      '12/30 (avg)',
    ],
    [[cpu(50), cpu(60), cpu(70)], undefined, 'cpu: <unknown>/50%, cpu: <unknown>/60% + 1 more...'],
    [[], undefined, '<none>'],
  ])('formats %j', (specs, statuses, want) => {
    expect(formatHPAMetrics(specs as never, statuses as never)).toBe(want);
  });

  it('prints the row', () => {
    const obj = hpa({ minReplicas: 2, metrics: [cpu(80)] }, { currentReplicas: 3, desiredReplicas: 3 });
    expect(hpaResource.tableColumns.map((c) => c.name)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    expect(hpaResource.tableRow(obj, now)).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/80%', '2', 10, 3, '60m']);
  });
});

describe('HPA autoscaling/v1 conversion', () => {
  const full = () =>
    hpa(
      {
        minReplicas: 2,
        metrics: [
          { type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { a: 'b' } } }, target: { type: 'AverageValue', averageValue: '10' } } },
          {
            type: 'Object',
            object: {
              describedObject: { kind: 'Service', name: 'front', apiVersion: 'v1' },
              target: { type: 'Value', value: '2k' },
              metric: { name: 'rps' },
            },
          },
          { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
          cpu(70),
        ],
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
          scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
        },
      },
      {
        observedGeneration: 3,
        currentReplicas: 4,
        desiredReplicas: 5,
        currentMetrics: [
          { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '7' } } },
          { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 55 } } },
        ],
        conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-05-01T11:30:00Z', reason: 'ReadyForNewScale' }],
      },
    );

  it('maps cpu to targetCPUUtilizationPercentage and the rest to annotations', () => {
    const v1 = hpaToV1(full()) as any;
    expect(v1.apiVersion).toBe('autoscaling/v1');
    expect(v1.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      targetCPUUtilizationPercentage: 70,
    });
    expect(v1.status).toEqual({ observedGeneration: 3, currentReplicas: 4, desiredReplicas: 5, currentCPUUtilizationPercentage: 55 });
    const a = v1.metadata.annotations;
    expect(JSON.parse(a[metricsAnnotation])[0]).toEqual({ type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10', selector: { matchLabels: { a: 'b' } } } });
    expect(JSON.parse(a[metricsAnnotation])).toHaveLength(4);
    expect(a[behaviorAnnotation]).toBe(
      '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},' +
        '"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}]}}',
    );
    expect(JSON.parse(a[currentMetricsAnnotation])[1]).toEqual({ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 55, currentAverageValue: '250m' } });
    expect(JSON.parse(a[conditionsAnnotation])[0].reason).toBe('ReadyForNewScale');
  });

  it('round-trips v2 → v1 → v2 without loss (Object targets gain Kubernetes\' explicit value)', () => {
    const original = full();
    const back = hpaFromV1(hpaToV1(original)) as any;
    const want = structuredClone(original) as any;
    want.spec.metrics[1].object.target = { type: 'Value', value: '2k' };
    want.status.currentMetrics[0].pods.metric = { name: 'qps' };
    expect(back).toEqual(want);
    expect(hpaResource.schema.safeParse(back).success).toBe(true);
  });

  it('does not mutate its input', () => {
    const original = full();
    const copy = structuredClone(original);
    hpaToV1(original);
    expect(original).toEqual(copy);
  });

  it('reads a plain v1 object, applying the cpu 80% default', () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default', annotations: { team: 'a' } },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
    } as KubeObject;
    const v2 = hpaFromV1(v1) as any;
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.metadata.annotations).toEqual({ team: 'a' });
    expect(v2.spec.metrics).toEqual([cpu(80)]);
    expect(v2.status).toBeUndefined();
    const withTarget = hpaFromV1({ ...v1, spec: { ...(v1['spec'] as object), targetCPUUtilizationPercentage: 50 } } as KubeObject) as any;
    expect(withTarget.spec.metrics).toEqual([cpu(50)]);
  });

  it('round-trips v1 → v2 → v1 (status metrics also show in the annotation, as in Kubernetes)', () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 31 },
    } as KubeObject;
    const back = hpaToV1(hpaFromV1(v1)) as any;
    expect(back.spec).toEqual(v1['spec']);
    expect(back.status).toEqual(v1['status']);
    expect(JSON.parse(back.metadata.annotations[currentMetricsAnnotation])).toEqual([
      { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 31, currentAverageValue: '0' } },
    ]);
    expect(hpaToV1(hpaFromV1(back))).toEqual(back);
  });

  it('registers v1 as a served conversion with its own schema', () => {
    expect(hpaResource.version).toBe('v2');
    expect(hpaResource.conversions?.map((c) => c.version)).toEqual(['v1']);
    const parsed = hpaResource.conversions![0]!.schema.parse({ metadata: { name: 'x' }, spec: { targetCPUUtilizationPercentage: 5, metrics: [] } }) as any;
    expect(parsed.spec).toEqual({ targetCPUUtilizationPercentage: 5 });
  });
});
