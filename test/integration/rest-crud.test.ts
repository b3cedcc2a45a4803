import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, json, pod, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const POST = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

describe('bootstrap and discovery', () => {
  it('creates the system namespaces and the kubernetes Service', async () => {
    const res = await t.app.inject({ url: '/api/v1/namespaces' });
    expect(res.statusCode).toBe(200);
    const names = json(res).items.map((n: any) => n.metadata.name).sort();
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const svc = json(await t.app.inject({ url: '/api/v1/namespaces/default/services/kubernetes' }));
    expect(svc.spec.clusterIP).toBe('10.96.0.1');
  });

  it('serves /api, /apis and resource lists with short names', async () => {
    expect(json(await t.app.inject({ url: '/api' })).versions).toEqual(['v1']);
    const groups = json(await t.app.inject({ url: '/apis' })).groups.map((g: any) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'autoscaling', 'coordination.k8s.io', 'discovery.k8s.io', 'policy', 'rbac.authorization.k8s.io']));
    const core = json(await t.app.inject({ url: '/api/v1' }));
    const pods = core.resources.find((r: any) => r.name === 'pods');
    expect(pods.shortNames).toEqual(['po']);
    expect(pods.categories).toContain('all');
    expect(core.resources.map((r: any) => r.name)).toEqual(expect.arrayContaining(['pods/status', 'pods/binding', 'pods/eviction']));
    const apps = json(await t.app.inject({ url: '/apis/apps/v1' }));
    expect(apps.resources.find((r: any) => r.name === 'deployments').shortNames).toEqual(['deploy']);
    const hpa = json(await t.app.inject({ url: '/apis/autoscaling' }));
    expect(hpa.preferredVersion.version).toBe('v2');
    expect(hpa.versions.map((v: any) => v.version)).toEqual(['v2', 'v1']);
  });

  it('answers unknown paths with a NotFound Status', async () => {
    const res = await t.app.inject({ url: '/api/v1/widgets' });
    expect(res.statusCode).toBe(404);
    expect(json(res)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });
});

describe('CRUD', () => {
  it('creates, gets, lists, updates and deletes a pod', async () => {
    const created = await POST('/api/v1/namespaces/default/pods', pod('p1'));
    expect(created.statusCode).toBe(201);
    const obj = json(created);
    expect(obj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(obj.metadata.resourceVersion).toMatch(/^[0-9]+$/);
    expect(obj.spec.restartPolicy).toBe('Always');
    expect(obj.spec.dnsPolicy).toBe('ClusterFirst');
    expect(obj.spec.terminationGracePeriodSeconds).toBe(30);
    expect(obj.status.phase).toBe('Pending');

    const got = json(await t.app.inject({ url: '/api/v1/namespaces/default/pods/p1' }));
    expect(got.metadata.uid).toBe(obj.metadata.uid);

    const list = json(await t.app.inject({ url: '/api/v1/pods' }));
    expect(list.kind).toBe('PodList');
    expect(list.items).toHaveLength(1);

    got.metadata.labels.tier = 'front';
    const upd = await t.app.inject({ method: 'PUT', url: '/api/v1/namespaces/default/pods/p1', payload: got });
    expect(upd.statusCode).toBe(200);
    expect(json(upd).metadata.labels.tier).toBe('front');

    // A stale resourceVersion is a 409 Conflict.
    const stale = await t.app.inject({ method: 'PUT', url: '/api/v1/namespaces/default/pods/p1', payload: got });
    expect(stale.statusCode).toBe(409);
    expect(json(stale).reason).toBe('Conflict');
    expect(json(stale).message).toContain('the object has been modified');

    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/pods/p1' });
    expect(del.statusCode).toBe(200);
    const gone = await t.app.inject({ url: '/api/v1/namespaces/default/pods/p1' });
    expect(gone.statusCode).toBe(404);
    expect(json(gone).message).toBe('pods "p1" not found');
  });

  it('generates names and supports dryRun=All', async () => {
    const res = await POST('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' }, data: { a: 'b' } });
    expect(res.statusCode).toBe(201);
    expect(json(res).metadata.name).toMatch(/^cfg-[a-z0-9]{5}$/);
    const dry = await POST('/api/v1/namespaces/default/configmaps?dryRun=All', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } });
    expect(dry.statusCode).toBe(201);
    expect((await t.app.inject({ url: '/api/v1/namespaces/default/configmaps/dry' })).statusCode).toBe(404);
  });

  it('answers a dry-run update or patch with the live resourceVersion and writes nothing (kubectl diff)', async () => {
    const created = json(await POST('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'diffme' }, data: { a: '1' } }));
    const rv = created.metadata.resourceVersion;
    const patch = (body: unknown) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/namespaces/default/configmaps/diffme?dryRun=All',
        payload: JSON.stringify(body),
        headers: { 'content-type': 'application/strategic-merge-patch+json' },
      });
    const same = await patch({ data: { a: '1' } });
    expect(same.statusCode).toBe(200);
    expect(json(same).metadata.resourceVersion).toBe(rv);
    const changed = await patch({ data: { a: '2' } });
    expect(json(changed).data).toEqual({ a: '2' });
    expect(json(changed).metadata.resourceVersion).toBe(rv);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/namespaces/default/configmaps/diffme?dryRun=All',
      payload: JSON.stringify({ ...created, data: { a: '3' } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(put.statusCode).toBe(200);
    expect(json(put).metadata.resourceVersion).toBe(rv);
    const live = json(await t.app.inject({ url: '/api/v1/namespaces/default/configmaps/diffme' }));
    expect(live.data).toEqual({ a: '1' });
    expect(live.metadata.resourceVersion).toBe(rv);
  });

  it('filters lists by label and field selectors and paginates', async () => {
    for (let i = 0; i < 7; i++) {
      await POST('/api/v1/namespaces/default/pods', pod(`p${i}`, { metadata: { name: `p${i}`, labels: { app: i % 2 ? 'odd' : 'even' } } }));
    }
    const odd = json(await t.app.inject({ url: '/api/v1/namespaces/default/pods?labelSelector=app%3Dodd' }));
    expect(odd.items.map((p: any) => p.metadata.name)).toEqual(['p1', 'p3', 'p5']);
    const notin = json(await t.app.inject({ url: `/api/v1/pods?labelSelector=${encodeURIComponent('app notin (odd)')}` }));
    expect(notin.items).toHaveLength(4);
    const byName = json(await t.app.inject({ url: '/api/v1/pods?fieldSelector=metadata.name%3Dp2' }));
    expect(byName.items.map((p: any) => p.metadata.name)).toEqual(['p2']);
    const phase = json(await t.app.inject({ url: '/api/v1/pods?fieldSelector=status.phase%3DPending' }));
    expect(phase.items).toHaveLength(7);
    const bad = await t.app.inject({ url: '/api/v1/pods?fieldSelector=spec.bogus%3Dx' });
    expect(bad.statusCode).toBe(400);

    const page1 = json(await t.app.inject({ url: '/api/v1/pods?limit=3' }));
    expect(page1.items).toHaveLength(3);
    expect(page1.metadata.remainingItemCount).toBe(4);
    // Writes after the first page do not show up in later pages of the same list.
    await POST('/api/v1/namespaces/default/pods', pod('p99'));
    const page2 = json(await t.app.inject({ url: `/api/v1/pods?limit=3&continue=${page1.metadata.continue}` }));
    const page3 = json(await t.app.inject({ url: `/api/v1/pods?limit=3&continue=${page2.metadata.continue}` }));
    const all = [...page1.items, ...page2.items, ...page3.items].map((p: any) => p.metadata.name);
    expect(all).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(page3.metadata.continue).toBeUndefined();
  });

  it('ends a watch after timeoutSeconds, also for in-process (injected) requests', async () => {
    await POST('/api/v1/namespaces/default/pods', pod('wt'));
    const res = await t.app.inject({ url: '/api/v1/pods?watch=true&timeoutSeconds=1' });
    expect(res.statusCode).toBe(200);
    const events = res.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e: any) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'wt']]);
  });

  it('serves unfiltered lists spliced from storage identical to parsed ones', async () => {
    await POST('/api/v1/namespaces/default/pods', pod('s1'));
    const fast = json(await t.app.inject({ url: '/api/v1/namespaces/default/pods' }));
    const slow = json(await t.app.inject({ url: '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb' }));
    expect(fast.items).toEqual(slow.items);
    expect(fast.items[0].apiVersion).toBe('v1');
    expect(fast.items[0].kind).toBe('Pod');
    expect(fast.items[0].metadata.resourceVersion).toMatch(/^[0-9]+$/);
  });

  it('renders Tables with the kube-apiserver columns', async () => {
    await POST('/api/v1/namespaces/default/pods', pod('tp'));
    const res = await t.app.inject({
      url: '/api/v1/namespaces/default/pods',
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = json(res);
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.slice(0, 5).map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.rows[0].cells.slice(0, 4)).toEqual(['tp', '0/1', 'Pending', '0']);
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('bumps generation on spec changes only', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    const created = json(await POST('/apis/apps/v1/namespaces/default/deployments', dep));
    expect(created.metadata.generation).toBe(1);
    expect(created.spec.replicas).toBe(1);
    expect(created.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });
    created.metadata.labels = { x: 'y' };
    const labelled = json(await t.app.inject({ method: 'PUT', url: '/apis/apps/v1/namespaces/default/deployments/d', payload: created }));
    expect(labelled.metadata.generation).toBe(1);
    labelled.spec.replicas = 3;
    const scaled = json(await t.app.inject({ method: 'PUT', url: '/apis/apps/v1/namespaces/default/deployments/d', payload: labelled }));
    expect(scaled.metadata.generation).toBe(2);
  });
});
