import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, json, pod, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const req = (method: string, url: string, body: unknown, contentType = 'application/json') =>
  t.app.inject({ method: method as 'POST', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType } });

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.26' }, { name: 'side', image: 'busybox' }] } },
  },
});

describe('patch', () => {
  it('merge patch adds and removes labels', async () => {
    await req('POST', PODS, pod('a'));
    const res = await req('PATCH', `${PODS}/a`, { metadata: { labels: { app: null, tier: 'x' } } }, 'application/merge-patch+json');
    expect(res.statusCode).toBe(200);
    expect(json(res).metadata.labels).toEqual({ tier: 'x' });
  });

  it('json patch replaces a field', async () => {
    await req('POST', DEPLOYS, deployment('j'));
    const res = await req('PATCH', `${DEPLOYS}/j`, [{ op: 'replace', path: '/spec/replicas', value: 5 }], 'application/json-patch+json');
    expect(json(res).spec.replicas).toBe(5);
    expect(json(res).metadata.generation).toBe(2);
  });

  it('strategic merge patch merges containers by name', async () => {
    await req('POST', DEPLOYS, deployment('s'));
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } };
    const res = await req('PATCH', `${DEPLOYS}/s`, patch, 'application/strategic-merge-patch+json');
    expect(res.statusCode).toBe(200);
    const containers = json(res).spec.template.spec.containers;
    expect(containers.map((c: any) => [c.name, c.image])).toEqual([['web', 'nginx:1.27'], ['side', 'busybox']]);
  });

  it('server-side apply creates, then merges', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
    const first = await req('PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=test', yaml, 'application/apply-patch+yaml');
    expect(first.statusCode).toBe(201);
    const second = await req('PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=test', yaml.replace('"1"', '"2"'), 'application/apply-patch+yaml');
    expect(second.statusCode).toBe(200);
    expect(json(second).data.a).toBe('2');
    const noManager = await req('PATCH', '/api/v1/namespaces/default/configmaps/ssa', yaml, 'application/apply-patch+yaml');
    expect(noManager.statusCode).toBe(422);
  });

  it('a patch that breaks validation is 422 and stores nothing', async () => {
    await req('POST', DEPLOYS, deployment('v'));
    const res = await req('PATCH', `${DEPLOYS}/v`, { spec: { replicas: -1 } }, 'application/merge-patch+json');
    expect(res.statusCode).toBe(422);
    expect(json(await t.app.inject({ url: `${DEPLOYS}/v` })).spec.replicas).toBe(2);
  });
});

describe('subresources', () => {
  it('status updates change only status; main updates keep status', async () => {
    const created = json(await req('POST', PODS, pod('st')));
    created.status = { phase: 'Running' };
    created.spec.activeDeadlineSeconds = 10;
    const res = await req('PUT', `${PODS}/st/status`, created);
    expect(res.statusCode).toBe(200);
    expect(json(res).status.phase).toBe('Running');
    expect(json(res).spec.activeDeadlineSeconds).toBeUndefined();
    const main = json(res);
    main.status = { phase: 'Failed' };
    main.metadata.labels.x = 'y';
    const upd = json(await req('PUT', `${PODS}/st`, main));
    expect(upd.status.phase).toBe('Running');
    expect(upd.metadata.labels.x).toBe('y');
  });

  it('scale reads and writes replicas', async () => {
    await req('POST', DEPLOYS, deployment('sc'));
    const scale = json(await t.app.inject({ url: `${DEPLOYS}/sc/scale` }));
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { selector: 'app=sc' } });
    scale.spec.replicas = 7;
    expect(json(await req('PUT', `${DEPLOYS}/sc/scale`, scale)).spec.replicas).toBe(7);
    const patched = await req('PATCH', `${DEPLOYS}/sc/scale`, { spec: { replicas: 4 } }, 'application/merge-patch+json');
    expect(json(patched).spec.replicas).toBe(4);
    expect(json(await t.app.inject({ url: `${DEPLOYS}/sc` })).spec.replicas).toBe(4);
  });

  it('binding assigns a node once', async () => {
    await req('POST', PODS, pod('b'));
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    expect((await req('POST', `${PODS}/b/binding`, binding)).statusCode).toBe(201);
    const bound = json(await t.app.inject({ url: `${PODS}/b` }));
    expect(bound.spec.nodeName).toBe('node-1');
    expect(bound.status.conditions.find((c: any) => c.type === 'PodScheduled').status).toBe('True');
    const again = await req('POST', `${PODS}/b/binding`, binding);
    expect(again.statusCode).toBe(409);
    expect(json(again).message).toContain('is already assigned to node "node-1"');
  });

  it('a bound pod is deleted gracefully; grace 0 removes it', async () => {
    await req('POST', PODS, pod('g'));
    await req('POST', `${PODS}/g/binding`, { kind: 'Binding', metadata: { name: 'g' }, target: { kind: 'Node', name: 'n1' } });
    const del = await t.app.inject({ method: 'DELETE', url: `${PODS}/g` });
    // kube: 200 with the object marked for deletion (202 only with orphanDependents=false).
    expect(del.statusCode).toBe(200);
    expect(json(del).metadata.deletionTimestamp).toBeTruthy();
    expect(json(del).metadata.deletionGracePeriodSeconds).toBe(30);
    const force = await t.app.inject({ method: 'DELETE', url: `${PODS}/g?gracePeriodSeconds=0` });
    expect(force.statusCode).toBe(200);
    expect((await t.app.inject({ url: `${PODS}/g` })).statusCode).toBe(404);
  });

  it('answers 202 for an object kept for graceful deletion only when orphanDependents=false was asked', async () => {
    for (const [name, url, body] of [
      ['q', `${PODS}/q?orphanDependents=false`, undefined],
      ['d', `${PODS}/d`, { kind: 'DeleteOptions', apiVersion: 'v1', orphanDependents: false }],
    ] as const) {
      await req('POST', PODS, pod(name));
      await req('POST', `${PODS}/${name}/binding`, { kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'n1' } });
      const del = await t.app.inject({ method: 'DELETE', url, ...(body ? { payload: body } : {}) });
      expect(del.statusCode, url).toBe(202);
      expect(json(del).metadata.deletionTimestamp).toBeTruthy();
    }
    await req('POST', PODS, pod('o'));
    await req('POST', `${PODS}/o/binding`, { kind: 'Binding', metadata: { name: 'o' }, target: { kind: 'Node', name: 'n1' } });
    expect((await t.app.inject({ method: 'DELETE', url: `${PODS}/o?orphanDependents=true` })).statusCode).toBe(200);
  });

  it('eviction respects a PodDisruptionBudget', async () => {
    await req('POST', PODS, pod('e'));
    await req('POST', `${PODS}/e/binding`, { kind: 'Binding', metadata: { name: 'e' }, target: { kind: 'Node', name: 'n1' } });
    const running = json(await t.app.inject({ url: `${PODS}/e` }));
    running.status.phase = 'Running';
    await req('PUT', `${PODS}/e/status`, running);
    await req('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    });
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e', namespace: 'default' } };
    const res = await req('POST', `${PODS}/e/eviction`, eviction);
    expect(res.statusCode).toBe(429);
    expect(json(res).message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    await t.app.inject({ method: 'DELETE', url: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/pdb' });
    expect((await req('POST', `${PODS}/e/eviction`, eviction)).statusCode).toBe(201);
    expect(json(await t.app.inject({ url: `${PODS}/e` })).metadata.deletionTimestamp).toBeTruthy();
  });

  it('a deleted namespace is Terminating and refuses new content until finalized', async () => {
    await req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/namespaces/gone' });
    expect(del.statusCode).toBe(200);
    expect(json(del).status.phase).toBe('Terminating');
    const create = await req('POST', '/api/v1/namespaces/gone/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(create.statusCode).toBe(403);
    expect(json(create).message).toBe('configmaps "x" is forbidden: unable to create new content in namespace gone because it is being terminated');
    const ns = json(await t.app.inject({ url: '/api/v1/namespaces/gone' }));
    ns.spec.finalizers = [];
    expect((await req('PUT', '/api/v1/namespaces/gone/finalize', ns)).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/namespaces/gone' })).statusCode).toBe(404);
  });

  it('serves autoscaling/v1 and v2 views of one HPA', async () => {
    const v1 = {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
    };
    expect((await req('POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', v1)).statusCode).toBe(201);
    const v2 = json(await t.app.inject({ url: '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/h' }));
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.spec.metrics[0].resource).toMatchObject({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } });
    const back = json(await t.app.inject({ url: '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/h' }));
    expect(back.apiVersion).toBe('autoscaling/v1');
    expect(back.spec.targetCPUUtilizationPercentage).toBe(60);
  });
});

describe('exec, attach and port-forward', () => {
  it.each([
    ['POST', 'exec?command=ls&stdout=true'],
    ['GET', 'exec?command=ls&stdout=true'],
    ['POST', 'attach?stdout=true'],
    ['POST', 'portforward?ports=80'],
  ])('%s pods/%s of an unscheduled pod is 400, as kube-apiserver says; a missing pod is 404', async (method, sub) => {
    await req('POST', PODS, pod('shell'));
    const res = await t.app.inject({ method: method as 'GET', url: `${PODS}/shell/${sub}` });
    expect(res.statusCode).toBe(400);
    const status = json(res);
    expect(status).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(status.message).toBe('pod shell does not have a host assigned');
    const missing = await t.app.inject({ method: method as 'GET', url: `${PODS}/nope/${sub}` });
    expect(missing.statusCode).toBe(404);
    expect(json(missing).message).toBe('pods "nope" not found');
  });
});
