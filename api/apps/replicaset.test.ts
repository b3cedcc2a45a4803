import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { replicaSetResource } from './replicaset.js';
import { scaledValueFromIntOrPercent } from './int-or-percent.js';
import { appsResources, scaleSchema } from './index.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function rs(): KubeObject {
  const obj = replicaSetResource.schema.parse({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-5d4f', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z', ownerReferences: [] },
    spec: {
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] },
      template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'a', image: 'img:1' }, { name: 'b', image: 'img:2' }] } },
      unknown: 1,
    },
  }) as KubeObject;
  replicaSetResource.defaults(obj);
  return obj;
}

describe('ReplicaSet', () => {
  it('defaults replicas to 1 and strips unknown fields', () => {
    const obj = rs() as any;
    expect(obj.spec.replicas).toBe(1);
    expect(obj.spec.unknown).toBeUndefined();
    expect(obj.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
  });

  it('validates a good ReplicaSet and rejects a selector change', () => {
    expect(replicaSetResource.validate(rs())).toEqual([]);
    const changed = rs() as any;
    changed.spec.selector = { matchLabels: { app: 'web' } };
    expect(replicaSetResource.validate(changed, rs()).map((e) => e.message)).toEqual([
      'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('treats an empty and a missing matchExpressions list as the same selector', () => {
    const old = rs() as any;
    old.spec.selector = { matchLabels: { app: 'web' } };
    const obj = rs() as any;
    obj.spec.selector = { matchLabels: { app: 'web' }, matchExpressions: [] };
    expect(replicaSetResource.validate(obj, old).filter((e) => e.field === 'spec.selector')).toEqual([]);
  });

  it('prints DESIRED CURRENT READY AGE and the wide columns', () => {
    const obj = rs() as any;
    obj.status = { replicas: 1, readyReplicas: 1 };
    expect(replicaSetResource.tableColumns.map((c) => c.name)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    expect(replicaSetResource.tableRow(obj, now)).toEqual(['web-5d4f', 1, 1, 1, '120m', 'a,b', 'img:1,img:2', 'app=web,tier in (be,fe)']);
  });

  it('serves status.replicas as a field selector and resets status on create', () => {
    const obj = rs() as any;
    obj.status = { replicas: 4 };
    expect(replicaSetResource.fieldSelectors!['status.replicas']!(obj)).toBe('4');
    replicaSetResource.prepareForCreate!(obj);
    expect(obj.status).toEqual({ replicas: 0 });
  });
});

describe('apps index', () => {
  it('registers the apps kinds in discovery order and exports the Scale schema', () => {
    expect(appsResources.map((r) => r.kind)).toEqual(['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet']);
    const scale = scaleSchema.parse({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 5 }, status: { replicas: 3, selector: 'app=web', x: 1 } });
    expect(scale.status).toEqual({ replicas: 3, selector: 'app=web' });
  });

  it.each([
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    [2, 10, true, 2],
    ['100%', 7, false, 7],
  ] as const)('scales %s of %d (round up %s) to %d', (v, total, up, want) => {
    expect(scaledValueFromIntOrPercent(v, total, up)).toBe(want);
  });
});
