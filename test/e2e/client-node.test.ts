import { describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, makeInformer, type V1ConfigMap, type V1Pod } from '@kubernetes/client-node';
import { useE2eCluster } from './harness.js';

// @kubernetes/client-node 2.x (the official JavaScript client) against the apiserver alone:
// typed calls, a Watch and an informer (list + watch), as controllers written with it do.

const cluster = useE2eCluster();

function api(): { kc: KubeConfig; core: CoreV1Api } {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster().kubeconfigPath);
  return { kc, core: kc.makeApiClient(CoreV1Api) };
}

const pod = (name: string): V1Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

/** Polls `cond` every 50 ms until true or the deadline. */
async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('@kubernetes/client-node', () => {
  it('creates, reads and lists pods', async () => {
    const { core } = api();
    await core.createNamespacedPod({ namespace: 'default', body: pod('cn-a') });
    const got = await core.readNamespacedPod({ namespace: 'default', name: 'cn-a' });
    expect(got.metadata?.name).toBe('cn-a');
    const list = await core.listNamespacedPod({ namespace: 'default' });
    expect(list.items.map((p) => p.metadata?.name)).toContain('cn-a');
    await expect(core.readNamespacedPod({ namespace: 'default', name: 'missing' })).rejects.toMatchObject({ code: 404 });
  });

  it('Watch streams ADDED and DELETED events', async () => {
    const { kc, core } = api();
    const events: Array<[string, string]> = [];
    const req = await new Watch(kc).watch(
      '/api/v1/namespaces/default/pods',
      {},
      (type: string, obj: V1Pod) => events.push([type, obj.metadata?.name ?? '']),
      () => undefined,
    );
    try {
      await core.createNamespacedPod({ namespace: 'default', body: pod('cn-w') });
      await core.deleteNamespacedPod({ namespace: 'default', name: 'cn-w', gracePeriodSeconds: 0 });
      await until(() => events.some(([t, n]) => t === 'DELETED' && n === 'cn-w'));
      expect(events).toContainEqual(['ADDED', 'cn-w']);
    } finally {
      req.abort();
    }
  });

  it('an informer lists, then sees adds and deletes', async () => {
    const { kc, core } = api();
    const informer = makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on('add', (p: V1Pod) => added.push(p.metadata!.name!));
    informer.on('delete', (p: V1Pod) => deleted.push(p.metadata!.name!));
    await informer.start();
    try {
      await until(() => added.includes('cn-a'));
      await core.createNamespacedPod({ namespace: 'default', body: pod('cn-i') });
      await until(() => added.includes('cn-i'));
      expect(informer.get('cn-i', 'default')?.metadata?.name).toBe('cn-i');
      await core.deleteNamespacedPod({ namespace: 'default', name: 'cn-i', gracePeriodSeconds: 0 });
      await until(() => deleted.includes('cn-i'));
    } finally {
      await informer.stop();
    }
  });

  it('server-side apply through KubernetesObjectApi: a dropped field goes, a conflict is 409, force takes it', async () => {
    const { kc } = api();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const cm = (data: Record<string, string>): V1ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cn-ssa', namespace: 'default' }, data });
    const apply = (data: Record<string, string>, manager: string, force = false) =>
      objects.patch(cm(data), undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

    await apply({ a: '1', b: '2' }, 'node-app');
    const second = (await apply({ a: '1' }, 'node-app')) as V1ConfigMap;
    expect(second.data).toEqual({ a: '1' });
    expect(second.metadata?.managedFields).toEqual([
      expect.objectContaining({ manager: 'node-app', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }),
    ]);
    await expect(apply({ a: '2' }, 'someone-else')).rejects.toMatchObject({ code: 409 });
    const forced = (await apply({ a: '2' }, 'someone-else', true)) as V1ConfigMap;
    expect(forced.data).toEqual({ a: '2' });
    expect(forced.metadata?.managedFields?.map((e) => e.manager)).toEqual(['someone-else']);
  });
});
