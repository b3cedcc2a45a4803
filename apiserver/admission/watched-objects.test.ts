import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../storage/sqlite-store.js';
import type { Store } from '../storage/store.js';
import { json, makeTestApp, pod, type TestApp } from '../../test/helpers/test-app.js';

/**
 * Pod creation's Priority and ServiceAccount admission read PriorityClasses and
 * ServiceAccounts from the apiserver's watched copies (as kube's plugins read informers),
 * so a pod create makes no storage read for them; what they decide is unchanged.
 */

/** A store that records the keys and prefixes read through it. */
function countingStore(inner: Store): { store: Store; reads: string[] } {
  const reads: string[] = [];
  const store: Store = Object.create(inner) as Store;
  store.get = (key) => {
    reads.push(key);
    return inner.get(key);
  };
  store.list = (prefix, opts) => {
    reads.push(prefix);
    return inner.list(prefix, opts);
  };
  return { store, reads };
}

let t: TestApp;
let reads: string[];
let base: Store;

beforeEach(async () => {
  base = createSqliteStore({ path: ':memory:' });
  const counted = countingStore(base);
  reads = counted.reads;
  t = await makeTestApp({ store: counted.store });
  await t.app.inject({ method: 'POST', url: '/api/v1/namespaces', payload: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } } });
});
afterEach(async () => {
  await t.close();
});

const createPod = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/namespaces/w/pods', payload: body });
const createSa = (name: string, extra: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/namespaces/w/serviceaccounts', payload: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...extra } });
const createPriorityClass = (name: string, value: number, extra: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/apis/scheduling.k8s.io/v1/priorityclasses', payload: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra } });

const admissionReads = () => reads.filter((k) => k.startsWith('/registry/serviceaccounts/') || k.startsWith('/registry/priorityclasses/'));

describe('pod admission from watched PriorityClasses and ServiceAccounts', () => {
  it('a pod create reads neither from storage, and gets its priority and token volume', async () => {
    expect((await createSa('default')).statusCode).toBe(201);
    expect((await createPriorityClass('high', 1000)).statusCode).toBe(201);
    reads.length = 0;
    const res = await createPod({ ...pod('p1'), spec: { priorityClassName: 'high', containers: [{ name: 'c', image: 'nginx' }] } });
    expect(res.statusCode).toBe(201);
    const created = json(res);
    expect(created.spec.priority).toBe(1000);
    expect(created.spec.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(created.spec.volumes).toEqual([expect.objectContaining({ name: expect.stringMatching(/^kube-api-access-/) })]);
    expect(admissionReads()).toEqual([]);
  });

  it('sees a ServiceAccount changed a moment before (read-your-writes)', async () => {
    await createSa('builder');
    const first = json(await createPod({ ...pod('p1'), spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'nginx' }] } }));
    expect(first.spec.volumes).toHaveLength(1);
    const sa = json(await t.app.inject({ method: 'GET', url: '/api/v1/namespaces/w/serviceaccounts/builder' }));
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/namespaces/w/serviceaccounts/builder', payload: { ...sa, automountServiceAccountToken: false } });
    expect(put.statusCode).toBe(200);
    const second = json(await createPod({ ...pod('p2'), spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'nginx' }] } }));
    expect(second.spec.volumes).toBeUndefined();
  });

  it('a PriorityClass written behind the apiserver (another apiserver) is found in storage', async () => {
    // Straight into the store, as another apiserver on the same etcd would write it.
    await base.create('/registry/priorityclasses/elsewhere', JSON.stringify({ metadata: { name: 'elsewhere', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' }, value: 77 }));
    const res = await createPod({ ...pod('p1'), spec: { priorityClassName: 'elsewhere', containers: [{ name: 'c', image: 'nginx' }] } });
    expect(res.statusCode).toBe(201);
    expect(json(res).spec.priority).toBe(77);
  });

  it('a missing PriorityClass is refused as before, and a new global default applies at once', async () => {
    const missing = await createPod({ ...pod('p1'), spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'nginx' }] } });
    expect(missing.statusCode).toBe(403);
    expect(json(missing).message).toBe('pods "p1" is forbidden: no PriorityClass with name nope was found');
    await createPriorityClass('everyone', 5, { globalDefault: true });
    const res = json(await createPod(pod('p2')));
    expect(res.spec.priority).toBe(5);
    expect(res.spec.priorityClassName).toBe('everyone');
    await t.app.inject({ method: 'DELETE', url: '/apis/scheduling.k8s.io/v1/priorityclasses/everyone' });
    const after = json(await createPod(pod('p3')));
    expect(after.spec.priority).toBe(0);
    expect(after.spec.priorityClassName).toBeUndefined();
  });
});
