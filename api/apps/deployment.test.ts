import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { deploymentResource } from './deployment.js';

const now = Date.parse('2024-05-01T12:00:00Z');

/** A realistic manifest, as `kubectl apply` sends it (with an unknown field or two). */
function manifest(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, creationTimestamp: '2024-05-01T11:55:00Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      bogusSpecField: true,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], colour: 'blue' }] },
      },
    },
  } as KubeObject;
}

function parsed(obj: KubeObject = manifest()): KubeObject {
  return deploymentResource.schema.parse(obj) as KubeObject;
}

function messages(obj: KubeObject, old?: KubeObject): string[] {
  return deploymentResource.validate(obj, old).map((e) => `${e.field}: ${e.message}`);
}

describe('Deployment schema', () => {
  it('strips unknown fields and keeps known ones', () => {
    const out = parsed() as any;
    expect(out.spec.bogusSpecField).toBeUndefined();
    expect(out.spec.template.spec.containers[0].colour).toBeUndefined();
    expect(out.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    expect(out.spec.replicas).toBe(3);
  });

  it('adds nothing: the parsed output is a subset of its input', () => {
    const input = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} };
    expect(deploymentResource.schema.parse(input)).toEqual(input);
  });
});

describe('Deployment defaults', () => {
  it('fills replicas, strategy, history, deadline and pod defaults', () => {
    const obj = parsed();
    delete (obj as any).spec.replicas;
    deploymentResource.defaults(obj);
    const spec = (obj as any).spec;
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(spec.template.spec.restartPolicy).toBe('Always');
    expect(spec.template.spec.dnsPolicy).toBe('ClusterFirst');
  });

  it('keeps explicit values and gives Recreate no rollingUpdate', () => {
    const obj = parsed();
    (obj as any).spec.strategy = { type: 'Recreate' };
    (obj as any).spec.revisionHistoryLimit = 0;
    deploymentResource.defaults(obj);
    expect((obj as any).spec.strategy).toEqual({ type: 'Recreate' });
    expect((obj as any).spec.revisionHistoryLimit).toBe(0);
    expect((obj as any).spec.replicas).toBe(3);
  });
});

describe('Deployment validation', () => {
  const valid = () => {
    const obj = parsed();
    deploymentResource.defaults(obj);
    return obj;
  };

  it('accepts a defaulted manifest', () => {
    expect(messages(valid())).toEqual([]);
  });

  it.each([
    [
      'selector not matching the template',
      (o: any) => (o.spec.selector = { matchLabels: { app: 'other' } }),
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ],
    ['missing selector', (o: any) => delete o.spec.selector, 'spec.selector: Required value'],
    [
      'missing selector also fails the template match',
      (o: any) => delete o.spec.selector,
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ],
    [
      'empty selector',
      (o: any) => (o.spec.selector = {}),
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ],
    ['negative replicas', (o: any) => (o.spec.replicas = -1), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [
      'maxSurge and maxUnavailable both 0',
      (o: any) => (o.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: 0 }),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ],
    [
      'bad percentage',
      (o: any) => (o.spec.strategy.rollingUpdate.maxSurge = '25'),
      'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"25"}: a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')',
    ],
    [
      'maxUnavailable over 100%',
      (o: any) => (o.spec.strategy.rollingUpdate.maxUnavailable = '150%'),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ],
    [
      'Recreate with rollingUpdate',
      (o: any) => (o.spec.strategy.type = 'Recreate'),
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ],
    [
      'restartPolicy other than Always',
      (o: any) => (o.spec.template.spec.restartPolicy = 'Never'),
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
    [
      'progressDeadlineSeconds not above minReadySeconds',
      (o: any) => (o.spec.minReadySeconds = 600),
      'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
    ],
  ])('%s', (_name, mutate, expected) => {
    const obj = valid();
    mutate(obj);
    expect(messages(obj)).toContain(expected);
  });

  it('keeps spec.selector immutable on update', () => {
    const old = valid();
    const obj = valid();
    (obj as any).spec.selector = { matchLabels: { app: 'web', tier: 'fe' } };
    (obj as any).spec.template.metadata.labels.tier = 'fe';
    expect(messages(obj, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"fe"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(messages(valid(), old)).toEqual([]);
  });

  it('rejects a decremented collisionCount and status counters above replicas', () => {
    const old = valid();
    (old as any).status = { collisionCount: 2 };
    const obj = valid();
    (obj as any).status = { collisionCount: 1, replicas: 1, readyReplicas: 2, availableReplicas: 1 };
    expect(messages(obj, old)).toEqual([
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.collisionCount: Invalid value: 1: cannot be decremented',
    ]);
  });
});

describe('Deployment printer', () => {
  it('prints READY, UP-TO-DATE, AVAILABLE, AGE and the wide columns', () => {
    const obj = parsed();
    deploymentResource.defaults(obj);
    (obj as any).status = { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    expect(deploymentResource.tableColumns.map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    expect(deploymentResource.tableColumns.map((c) => c.priority)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(deploymentResource.tableRow(obj, now)).toEqual(['web', '2/3', 3, 2, '5m', 'nginx', 'nginx:1.25', 'app=web']);
  });

  it('prints 0/N before the controller reports status', () => {
    const obj = parsed();
    deploymentResource.defaults(obj);
    expect(deploymentResource.tableRow(obj, now).slice(0, 4)).toEqual(['web', '0/3', 0, 0]);
  });
});

describe('Deployment registration', () => {
  it('is apps/v1 deployments with the scale and status subresources', () => {
    expect(deploymentResource.shortNames).toEqual(['deploy']);
    expect(deploymentResource.categories).toEqual(['all']);
    expect(deploymentResource.hasGeneration).toBe(true);
    expect(deploymentResource.subresources.scale?.specReplicasPath).toBe('.spec.replicas');
    const obj = parsed();
    (obj as any).status = { replicas: 9 };
    deploymentResource.prepareForCreate!(obj);
    expect((obj as any).status).toEqual({});
  });
});
