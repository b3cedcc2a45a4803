import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configMapResource } from '../../api/core/configmap.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { podResource } from '../../api/core/pod.js';
import { secretResource } from '../../api/core/secret.js';
import { serviceResource } from '../../api/core/service.js';
import { serviceAccountResource } from '../../api/core/serviceaccount.js';
import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError, isNotFound } from '../../client/api-error.js';
import type { HttpRestClient } from '../../client/rest-client.js';
import { startLiveApiserver, type LiveApiserver } from '../../test/helpers/live-apiserver.js';
import { garbageCollectorController } from '../garbage-collector/garbage-collector.js';
import { startControllerManager, type ControllerManager } from '../manager.js';
import { serviceAccountsController } from '../serviceaccount/serviceaccounts-controller.js';
import { namespaceControllerWith } from './namespace-controller.js';
import { crdResource } from '../../api/apiextensions/crd.js';

/** Namespace deletion against a real apiserver, with the GC and service account controllers running too. */

let api: LiveApiserver;
let client: HttpRestClient;
let manager: ControllerManager;

beforeEach(async () => {
  api = await startLiveApiserver();
  client = api.client;
  manager = await startControllerManager({
    client,
    leaderElect: false,
    registry: [garbageCollectorController, namespaceControllerWith({ deletionGracePeriodMs: 0, contentRecheckMs: 100 }), serviceAccountsController],
  });
});

afterEach(async () => {
  await manager.stop();
  await api.close();
});

interface NamespaceObj extends KubeObject {
  status?: { phase?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

async function getNs(name: string): Promise<NamespaceObj | undefined> {
  try {
    return await client.get<NamespaceObj>(namespaceResource, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const condition = (ns: NamespaceObj | undefined, type: string) => ns?.status?.conditions?.find((c) => c.type === type);
const wait = { timeout: 15_000, interval: 50 };

describe('namespace controller', () => {
  it('empties a deleted namespace, waits for terminating pods and finalizers, then it is gone', async () => {
    const ns = 'doomed';
    await client.create(namespaceResource, { metadata: { name: ns } });
    await vi.waitFor(() => client.get(serviceAccountResource, 'default', { namespace: ns }), wait);

    const labels = { app: 'web' };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    const deploy = await client.create<KubeObject>(deploymentResource, { metadata: { name: 'web', namespace: ns }, spec: { replicas: 1, selector: { matchLabels: labels }, template } });
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deploy.metadata.uid!, controller: true, blockOwnerDeletion: true };
    await client.create(replicaSetResource, { metadata: { name: 'web-1', namespace: ns, labels, ownerReferences: [owner] }, spec: { replicas: 1, selector: { matchLabels: labels }, template } });
    await client.create(configMapResource, { metadata: { name: 'cm', namespace: ns }, data: { a: 'b' } });
    await client.create(configMapResource, { metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] } });
    await client.create(secretResource, { metadata: { name: 's', namespace: ns }, stringData: { k: 'v' } });
    await client.create(serviceResource, { metadata: { name: 'svc', namespace: ns }, spec: { selector: labels, ports: [{ port: 80 }] } });
    await client.create(podResource, { metadata: { name: 'pending', namespace: ns, labels }, spec: template.spec });
    // A pod on a node: deleted gracefully, removed by "the kubelet" (this test) later.
    await client.create(podResource, { metadata: { name: 'running', namespace: ns }, spec: { ...template.spec, nodeName: 'node-1', terminationGracePeriodSeconds: 30 } });

    await client.delete(namespaceResource, ns);

    // Everything deletable goes; the held ConfigMap and the running pod remain, reported in the conditions.
    await vi.waitFor(async () => {
      const live = await getNs(ns);
      expect(live?.status?.phase).toBe('Terminating');
      expect(condition(live, 'NamespaceContentRemaining')).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain' });
      expect(condition(live, 'NamespaceContentRemaining')?.message).toBe('Some resources are remaining: configmaps. has 1 resource instances, pods. has 1 resource instances');
      expect(condition(live, 'NamespaceFinalizersRemaining')).toMatchObject({
        status: 'True',
        message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
      });
      expect(condition(live, 'NamespaceDeletionDiscoveryFailure')).toMatchObject({ status: 'False', reason: 'ResourcesDiscovered' });
      expect(condition(live, 'NamespaceDeletionContentFailure')).toMatchObject({ status: 'False', reason: 'ContentDeleted' });
    }, wait);
    for (const [ref, name] of [[deploymentResource, 'web'], [replicaSetResource, 'web-1'], [configMapResource, 'cm'], [secretResource, 's'], [serviceResource, 'svc'], [podResource, 'pending']] as const) {
      await expect(client.get(ref, name, { namespace: ns }), `${ref.plural}/${name}`).rejects.toMatchObject({ reason: 'NotFound' });
    }
    const refused = await client.create(configMapResource, { metadata: { name: 'late', namespace: ns } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe(403);

    // The kubelet finishes the pod, a controller drops its finalizer: the namespace goes.
    await client.delete(podResource, 'running', { namespace: ns, gracePeriodSeconds: 0 });
    const held = await client.get(configMapResource, 'held', { namespace: ns });
    expect(await getNs(ns)).toBeDefined();
    await client.update(configMapResource, { ...held, metadata: { ...held.metadata, finalizers: [] } });
    await vi.waitFor(async () => expect(await getNs(ns)).toBeUndefined(), wait);
  });

  it('an empty namespace goes at once, and another namespace is untouched', async () => {
    await client.create(namespaceResource, { metadata: { name: 'empty' } });
    await client.create(namespaceResource, { metadata: { name: 'kept' } });
    await client.create(configMapResource, { metadata: { name: 'cm', namespace: 'kept' } });
    await client.delete(namespaceResource, 'empty');
    await vi.waitFor(async () => expect(await getNs('empty')).toBeUndefined(), wait);
    expect((await getNs('kept'))?.status?.phase).toBe('Active');
    expect(await client.get(configMapResource, 'cm', { namespace: 'kept' })).toBeDefined();
  });

  it('deletes custom objects of CRDs created after it started', async () => {
    const ns = 'with-crs';
    await client.create(namespaceResource, { metadata: { name: ns } });
    await client.create(crdResource, {
      metadata: { name: 'gizmos.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gizmos', kind: 'Gizmo' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    } as unknown as KubeObject);
    const gizmos = { group: 'example.com', version: 'v1', plural: 'gizmos', namespaced: true, kind: 'Gizmo' };
    await vi.waitFor(() => client.listAll(gizmos, { namespace: ns }), wait);
    await client.create(gizmos, { apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g1' } }, { namespace: ns });
    await client.delete(namespaceResource, ns);
    await vi.waitFor(async () => expect(await getNs(ns)).toBeUndefined(), wait);
    expect((await client.listAll(gizmos, {})).items).toEqual([]);
  });
});
