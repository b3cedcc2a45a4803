import { describe, expect, it } from 'vitest';
import { readScale } from '../../apiserver/request/scale.js';
import type { KubeObject } from '../types.js';
import { replicationControllerResource as rt } from './replication-controller.js';

/** The nginx ReplicationController of the Kubernetes documentation (controllers/replication.yaml). */
function manifest(): any {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { app: 'nginx' },
      template: { metadata: { name: 'nginx', labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
    },
  };
}

function defaulted(mutate: (o: any) => void = () => undefined): KubeObject {
  const obj = rt.schema.parse(manifest()) as any;
  mutate(obj);
  rt.defaults(obj);
  return obj;
}

const messages = (obj: KubeObject): string[] => rt.validate(obj).map((e) => `${e.field}: ${e.message}`);

describe('ReplicationController defaults (SetDefaults_ReplicationController)', () => {
  it('selector and the RC’s labels come from the template’s labels; replicas 1', () => {
    const obj = defaulted((o) => {
      delete o.spec.selector;
      delete o.spec.replicas;
    }) as any;
    expect(obj.spec.selector).toEqual({ app: 'nginx' });
    expect(obj.metadata.labels).toEqual({ app: 'nginx' });
    expect(obj.spec.replicas).toBe(1);
    expect(obj.spec.template.spec.restartPolicy).toBe('Always');
  });

  it('keeps the RC’s own labels and selector', () => {
    const obj = defaulted((o) => {
      o.metadata.labels = { team: 'a' };
      o.spec.selector = { app: 'nginx' };
      o.spec.template.metadata.labels = { app: 'nginx', tier: 'fe' };
    }) as any;
    expect(obj.metadata.labels).toEqual({ team: 'a' });
    expect(obj.spec.selector).toEqual({ app: 'nginx' });
  });

  it('never gives the template labels from the selector (kube answers 422 for that manifest)', () => {
    const obj = defaulted((o) => delete o.spec.template.metadata.labels) as any;
    expect(obj.spec.template.metadata.labels).toBeUndefined();
    expect(messages(obj)).toContain('spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`');
  });
});

describe('ReplicationController validation (ValidateReplicationControllerSpec)', () => {
  it('accepts the documentation’s manifest', () => {
    expect(messages(defaulted())).toEqual([]);
  });

  it.each([
    ['selector not matching the template', (o: any) => (o.spec.selector = { app: 'web' }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`']],
    ['no selector and no template labels', (o: any) => {
      delete o.spec.selector;
      delete o.spec.template.metadata.labels;
    }, ['spec.selector: Required value']],
    ['no template', (o: any) => delete o.spec.template, ['spec.template: Required value']],
    ['negative replicas and minReadySeconds, in kube’s order', (o: any) => {
      o.spec.replicas = -1;
      o.spec.minReadySeconds = -2;
    }, ['spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0', 'spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['restartPolicy other than Always', (o: any) => (o.spec.template.spec.restartPolicy = 'OnFailure'), ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ['activeDeadlineSeconds', (o: any) => (o.spec.template.spec.activeDeadlineSeconds = 5), ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported']],
    ['a container without an image', (o: any) => delete o.spec.template.spec.containers[0].image, ['spec.template.spec.containers[0].image: Required value']],
    ['status counters above replicas', (o: any) => (o.status = { replicas: 1, readyReplicas: 2, availableReplicas: 2 }), [
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
    ]],
  ])('%s', (_name, mutate, want) => {
    expect(messages(defaulted(mutate))).toEqual(want);
  });
});

describe('ReplicationController scale subresource', () => {
  it('shows the label-map selector as kube does (labels.SelectorFromSet)', () => {
    const obj = defaulted((o) => (o.spec.selector = { app: 'nginx', tier: 'fe' })) as any;
    obj.spec.template.metadata.labels = { app: 'nginx', tier: 'fe' };
    obj.status = { replicas: 2 };
    const scale = readScale(obj, rt.subresources.scale!) as any;
    expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=nginx,tier=fe' } });
  });
});
