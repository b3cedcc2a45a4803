import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, pod, type TestApp } from '../../test/helpers/test-app.js';
import { requestLabels, storageType } from './apiserver-metrics.js';
import { parseRequestInfo } from '../rest/request-info.js';

describe('request labels', () => {
  it.each<[string, string, boolean, { dryRun: boolean; apply: boolean }, Record<string, string>]>([
    ['GET', '/api/v1/namespaces/d/pods', false, { dryRun: false, apply: false }, { verb: 'LIST', group: '', version: 'v1', resource: 'pods', scope: 'namespace' }],
    ['GET', '/api/v1/pods', true, { dryRun: false, apply: false }, { verb: 'WATCH', resource: 'pods', scope: 'cluster' }],
    ['GET', '/api/v1/namespaces/d/pods/p/log', false, { dryRun: false, apply: false }, { verb: 'GET', subresource: 'log', scope: 'resource' }],
    ['POST', '/apis/apps/v1/namespaces/d/deployments', false, { dryRun: true, apply: false }, { verb: 'POST', group: 'apps', dry_run: 'All' }],
    ['PATCH', '/apis/apps/v1/namespaces/d/deployments/x', false, { dryRun: false, apply: true }, { verb: 'APPLY' }],
    ['DELETE', '/api/v1/namespaces/d/pods', false, { dryRun: false, apply: false }, { verb: 'DELETE', scope: 'namespace' }],
    ['GET', '/healthz', false, { dryRun: false, apply: false }, { verb: 'GET', resource: '', scope: '' }],
  ])('%s %s', (method, path, watch, opts, want) => {
    const info = path.startsWith('/api') ? parseRequestInfo(method, path, watch) : null;
    expect(requestLabels(method, info, opts)).toMatchObject({ component: 'apiserver', ...want });
  });

  it('storage type is the resource of the key', () => {
    expect(storageType('/registry/pods/ns/p')).toBe('pods');
    expect(storageType('/registry/deployments/')).toBe('deployments');
    expect(storageType('/other')).toBe('unknown');
  });
});

describe('GET /metrics', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(async () => t.close());

  it('serves kube-apiserver metrics in Prometheus text', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', payload: pod('m1') });
    expect(created.statusCode).toBe(201);
    await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods/nope' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toMatch(/apiserver_request_total\{verb="POST",dry_run="",group="",version="v1",resource="pods",subresource="",scope="namespace",component="apiserver",code="201"\} 1/);
    expect(text).toMatch(/apiserver_request_total\{verb="GET",[^}]*resource="pods",[^}]*scope="resource",[^}]*code="404"\} 1/);
    expect(text).toMatch(/apiserver_request_duration_seconds_bucket\{le="0\.005",verb="POST"/);
    expect(text).toMatch(/etcd_request_duration_seconds_count\{operation="create",type="pods"\} [1-9]/);
    expect(text).toMatch(/apiserver_storage_objects\{resource="pods"\} 1\n/);
    expect(text).toMatch(/apiserver_storage_objects\{resource="deployments\.apps"\} 0\n/);
  });
});
