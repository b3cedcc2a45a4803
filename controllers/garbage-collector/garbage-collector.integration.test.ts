import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configMapResource } from '../../api/core/configmap.js';
import { podResource } from '../../api/core/pod.js';
import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { isNotFound } from '../../client/api-error.js';
import type { ResourceRef } from '../../client/resource.js';
import type { HttpRestClient } from '../../client/rest-client.js';
import { startLiveApiserver, type LiveApiserver } from '../../test/helpers/live-apiserver.js';
import { startControllerManager, type ControllerManager } from '../manager.js';
import { garbageCollectorController } from './garbage-collector.js';
import { crdResource } from '../../api/apiextensions/crd.js';

/**
 * The garbage collector against a real apiserver (in-memory SQLite, plain HTTP on
 * loopback): the apiserver implements finalizers and propagation policies, the collector
 * does the cascading.
 */

let api: LiveApiserver;
let client: HttpRestClient;
let manager: ControllerManager;

beforeEach(async () => {
  api = await startLiveApiserver();
  client = api.client;
  manager = await startControllerManager({ client, leaderElect: false, registry: [garbageCollectorController] });
});

afterEach(async () => {
  await manager.stop();
  await api.close();
});

const ns = 'default';

async function configMap(name: string, meta: Partial<KubeObject['metadata']> = {}): Promise<KubeObject> {
  return client.create(configMapResource, { metadata: { name, namespace: ns, ...meta }, data: { k: 'v' } });
}

function ownerRef(owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, ...extra };
}

async function exists(ref: ResourceRef, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(ref, name, { namespace: ns });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const gone = (ref: ResourceRef, ...names: string[]) =>
  vi.waitFor(
    async () => {
      for (const n of names) expect(await exists(ref, n), `${ref.plural}/${n}`).toBeUndefined();
    },
    { timeout: 10_000, interval: 50 },
  );

describe('garbage collector', () => {
  it('Background: deleting the owner deletes its dependents', async () => {
    const owner = await configMap('owner');
    await configMap('dep-1', { ownerReferences: [ownerRef(owner)] });
    await configMap('dep-2', { ownerReferences: [ownerRef(owner, { controller: true, blockOwnerDeletion: true })] });
    await configMap('bystander');
    await client.delete(configMapResource, 'owner', { namespace: ns, propagationPolicy: 'Background' });
    await gone(configMapResource, 'owner', 'dep-1', 'dep-2');
    expect(await exists(configMapResource, 'bystander')).toBeDefined();
  });

  it('a Deployment deleted as kubectl does takes its ReplicaSet and the pods with it', async () => {
    const labels = { app: 'web' };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    const deploy = await client.create(deploymentResource, {
      metadata: { name: 'web', namespace: ns },
      spec: { replicas: 2, selector: { matchLabels: labels }, template },
    });
    const rs = await client.create(replicaSetResource, {
      metadata: { name: 'web-abc', namespace: ns, labels, ownerReferences: [ownerRef(deploy, { controller: true, blockOwnerDeletion: true })] },
      spec: { replicas: 2, selector: { matchLabels: labels }, template },
    });
    for (const p of ['web-abc-1', 'web-abc-2']) {
      await client.create(podResource, { metadata: { name: p, namespace: ns, labels, ownerReferences: [ownerRef(rs, { controller: true, blockOwnerDeletion: true })] }, spec: template.spec });
    }
    await client.delete(deploymentResource, 'web', { namespace: ns, propagationPolicy: 'Background' });
    await gone(replicaSetResource, 'web-abc');
    await gone(podResource, 'web-abc-1', 'web-abc-2');
  });

  it('Foreground: the owner stays until its blocking dependents are gone', async () => {
    const owner = await configMap('fg-owner');
    await configMap('fg-held', { ownerReferences: [ownerRef(owner, { blockOwnerDeletion: true })], finalizers: ['example.com/hold'] });
    await configMap('fg-free', { ownerReferences: [ownerRef(owner, { blockOwnerDeletion: true })] });
    await client.delete(configMapResource, 'fg-owner', { namespace: ns, propagationPolicy: 'Foreground' });

    await gone(configMapResource, 'fg-free');
    await vi.waitFor(async () => expect((await exists(configMapResource, 'fg-held'))?.metadata.deletionTimestamp).toBeTruthy(), { timeout: 10_000 });
    const waiting = await exists(configMapResource, 'fg-owner');
    expect(waiting?.metadata.deletionTimestamp).toBeTruthy();
    expect(waiting?.metadata.finalizers).toContain('foregroundDeletion');

    const held = (await exists(configMapResource, 'fg-held'))!;
    await client.update(configMapResource, { ...held, metadata: { ...held.metadata, finalizers: [] } });
    await gone(configMapResource, 'fg-held', 'fg-owner');
  });

  it('Foreground down a Deployment → ReplicaSet → Pod chain: each owner waits for its subtree', async () => {
    const labels = { app: 'fg' };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    const deploy = await client.create<KubeObject>(deploymentResource, { metadata: { name: 'fg', namespace: ns }, spec: { replicas: 1, selector: { matchLabels: labels }, template } });
    const rs = await client.create<KubeObject>(replicaSetResource, {
      metadata: { name: 'fg-1', namespace: ns, labels, ownerReferences: [ownerRef(deploy, { controller: true, blockOwnerDeletion: true })] },
      spec: { replicas: 1, selector: { matchLabels: labels }, template },
    });
    await client.create(podResource, {
      metadata: { name: 'fg-1-a', namespace: ns, labels, finalizers: ['example.com/hold'], ownerReferences: [ownerRef(rs, { controller: true, blockOwnerDeletion: true })] },
      spec: template.spec,
    });
    await client.delete(deploymentResource, 'fg', { namespace: ns, propagationPolicy: 'Foreground' });

    await vi.waitFor(async () => {
      expect((await exists(podResource, 'fg-1-a'))?.metadata.deletionTimestamp).toBeTruthy();
      expect((await exists(replicaSetResource, 'fg-1'))?.metadata.finalizers).toEqual(['foregroundDeletion']);
    }, { timeout: 10_000 });
    expect((await exists(deploymentResource, 'fg'))?.metadata.finalizers).toEqual(['foregroundDeletion']);

    const pod = (await exists(podResource, 'fg-1-a'))!;
    await client.update(podResource, { ...pod, metadata: { ...pod.metadata, finalizers: [] } });
    await gone(podResource, 'fg-1-a');
    await gone(replicaSetResource, 'fg-1');
    await gone(deploymentResource, 'fg');
  });

  it('Orphan: dependents stay without the reference, the owner goes', async () => {
    const owner = await configMap('or-owner');
    const other = await configMap('or-other-owner');
    await configMap('or-1', { ownerReferences: [ownerRef(owner)] });
    await configMap('or-2', { ownerReferences: [ownerRef(owner, { blockOwnerDeletion: true }), ownerRef(other)] });
    await client.delete(configMapResource, 'or-owner', { namespace: ns, propagationPolicy: 'Orphan' });
    await gone(configMapResource, 'or-owner');
    expect((await exists(configMapResource, 'or-1'))?.metadata.ownerReferences).toBeUndefined();
    expect((await exists(configMapResource, 'or-2'))?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['or-other-owner']);
  });

  it('collects a dependent whose owner never existed, and keeps one with a live owner too', async () => {
    const alive = await configMap('live-owner');
    const ghost: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' };
    await configMap('dangling', { ownerReferences: [ghost] });
    await configMap('half', { ownerReferences: [ghost, ownerRef(alive)] });
    await gone(configMapResource, 'dangling');
    await vi.waitFor(async () => expect((await exists(configMapResource, 'half'))?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['live-owner']), {
      timeout: 10_000,
    });
  });

  it('collects a dependent whose owner name now belongs to another object', async () => {
    const first = await configMap('reborn');
    await client.delete(configMapResource, 'reborn', { namespace: ns });
    await configMap('reborn');
    await configMap('of-the-first', { ownerReferences: [ownerRef(first)] });
    await gone(configMapResource, 'of-the-first');
    expect(await exists(configMapResource, 'reborn')).toBeDefined();
  });

  it('collects through custom resources whose CRD appears after the collector started', async () => {
    await client.create(crdResource, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.gc.example.com' },
      spec: {
        group: 'gc.example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    const widgets: ResourceRef = { group: 'gc.example.com', version: 'v1', plural: 'widgets', namespaced: true, kind: 'Widget' };
    const widget = await vi.waitFor(() => client.create(widgets, { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: ns } }), { timeout: 10_000 });
    // A built-in object owned by a custom one, and a custom one owned by a built-in one.
    await configMap('widget-config', { ownerReferences: [ownerRef(widget)] });
    const holder = await configMap('widget-holder');
    await client.create(widgets, { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: ns, ownerReferences: [ownerRef(holder)] } });

    await client.delete(widgets, 'w1', { namespace: ns, propagationPolicy: 'Background' });
    await gone(configMapResource, 'widget-config');
    await client.delete(configMapResource, 'widget-holder', { namespace: ns, propagationPolicy: 'Background' });
    await gone(widgets, 'w2');
  });
});
