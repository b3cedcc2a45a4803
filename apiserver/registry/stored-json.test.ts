import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, makeTestApp, pod, type TestApp } from '../../test/helpers/test-app.js';

/**
 * A write's answer is spliced from the text it was stored as (codec.ts withStoredJson):
 * it must be exactly what a read of the object returns, and a converted version or a
 * YAML answer must not take that path.
 */
let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('answers of writes from the stored text', () => {
  it('a create and an update answer what a get then returns', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', payload: pod('p1') });
    expect(created.statusCode).toBe(201);
    expect(created.headers['content-type']).toBe('application/json');
    const get1 = await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/p1' });
    expect(json(created)).toEqual(json(get1));
    expect(json(created)).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default' } });

    const live = json(get1);
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/namespaces/default/pods/p1', payload: { ...live, metadata: { ...live.metadata, labels: { app: 'changed' } } } });
    expect(put.statusCode).toBe(200);
    const get2 = await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/p1' });
    expect(json(put)).toEqual(json(get2));
    expect(json(put).metadata.labels).toEqual({ app: 'changed' });
    expect(json(put).metadata.resourceVersion).not.toBe(live.metadata.resourceVersion);
  });

  it('a create in a converted version answers in that version', async () => {
    const hpa = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
    };
    const res = await t.app.inject({ method: 'POST', url: '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', payload: hpa });
    expect(res.statusCode).toBe(201);
    expect(json(res)).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 50 } });
  });

  it('a YAML answer to a create is YAML', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', headers: { accept: 'application/yaml' }, payload: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toBe('application/yaml');
    expect(res.body).toContain('kind: ConfigMap');
  });
});
