import { afterEach, describe, expect, it, vi } from 'vitest';
import { configMapResource } from '../api/core/configmap.js';
import { podResource, type Pod } from '../api/core/pod.js';
import type { KubeObject } from '../api/types.js';
import { flush, step } from '../client/testing.js';
import { realisticPod } from '../test/bench/realistic-pod.js';
import { createCacheTransforms, sameButVersion } from './object-cache.js';
import { Simulator } from './simulator.js';
import { startTestSim, stopTestSims } from './testing.js';

afterEach(stopTestSims);

/** A pod as the apiserver returns it: server-set metadata, managedFields, scheduler-only spec fields, a status. */
function apiPod(name: string, node = 'n1'): KubeObject {
  const p = realisticPod(name, 'default') as KubeObject & { spec: Record<string, unknown>; metadata: Record<string, unknown> };
  p.metadata.uid = `uid-${name}`;
  p.metadata.resourceVersion = '10';
  p.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  p.metadata.generateName = 'web-7d9f8c6b5-';
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8c6b5', uid: 'rs-uid', controller: true }];
  p.metadata.managedFields = [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];
  p.spec.nodeName = node;
  p.spec.affinity = { nodeAffinity: {} };
  p.spec.schedulerName = 'default-scheduler';
  p.spec.priority = 0;
  (p as { status?: unknown }).status = {
    phase: 'Running',
    podIP: '100.96.0.5',
    podIPs: [{ ip: '100.96.0.5' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
  };
  return JSON.parse(JSON.stringify(p)) as KubeObject;
}

describe('kubelet-sim cache transform', () => {
  it('keeps what a kubelet reads and drops managedFields and scheduler/GC-only fields', () => {
    const t = createCacheTransforms();
    const raw = apiPod('a') as Pod;
    const cached = t.pod(raw) as Pod;
    expect(cached.metadata).toEqual({
      name: 'a',
      namespace: 'default',
      uid: 'uid-a',
      resourceVersion: '10',
      labels: raw.metadata.labels,
      annotations: raw.metadata.annotations,
    });
    const { affinity: _a, schedulerName: _s, priority: _p, tolerations: _t, nodeSelector: _n, ...kept } = raw.spec!;
    expect(cached.spec).toEqual(kept);
    expect(cached.status).toEqual(raw.status);
    expect(cached.apiVersion).toBe('v1');
    expect(cached.kind).toBe('Pod');
    // The input is left as it was (the decoded object may be shared with other informers).
    expect(raw.metadata.managedFields).toHaveLength(1);
    expect(raw.spec?.affinity).toBeDefined();
  });

  it('keeps deletionTimestamp, grace period and the downward API fields', () => {
    const t = createCacheTransforms();
    const raw = apiPod('a') as Pod;
    raw.metadata.deletionTimestamp = '2026-01-01T00:01:00Z';
    raw.metadata.deletionGracePeriodSeconds = 30;
    raw.spec!.serviceAccountName = 'web';
    raw.spec!.hostname = 'h';
    raw.spec!.subdomain = 's';
    const cached = t.pod(raw) as Pod;
    expect(cached.metadata.deletionTimestamp).toBe('2026-01-01T00:01:00Z');
    expect(cached.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(cached.spec).toMatchObject({ serviceAccountName: 'web', hostname: 'h', subdomain: 's', nodeName: 'n1' });
  });

  it('shares the spec of pods of one template on one node, and its members across nodes', () => {
    const t = createCacheTransforms();
    const a = t.pod(apiPod('a', 'n1')) as Pod;
    const b = t.pod(apiPod('b', 'n1')) as Pod;
    const c = t.pod(apiPod('c', 'n2')) as Pod;
    expect(b.spec).toBe(a.spec);
    expect(c.spec).not.toBe(a.spec);
    expect(c.spec?.containers).toBe(a.spec?.containers);
    expect(b.metadata.labels).toBe(a.metadata.labels);
    expect(b.status?.conditions).toBe(a.status?.conditions);
    expect(b.metadata).not.toBe(a.metadata);
  });

  it('shares what nodes have in common', () => {
    const t = createCacheTransforms();
    const node = (name: string, cidr: string) =>
      t.node({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, uid: `u-${name}`, resourceVersion: '3', creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'kubernetes.io/os': 'linux' }, managedFields: [{ manager: 'kubelet' }] },
        spec: { podCIDR: cidr },
        status: { capacity: { cpu: '4', memory: '16Gi' }, images: [{ names: ['nginx:1.27'], sizeBytes: 1 }] },
      } as KubeObject) as KubeObject & { spec: { podCIDR: string }; status: { capacity: unknown; images: unknown } };
    const a = node('n1', '10.0.0.0/24');
    const b = node('n2', '10.0.1.0/24');
    expect(a.metadata.managedFields).toBeUndefined();
    // node-sync reads it (no pod CIDR route after a grace period from creation).
    expect(a.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(a.spec.podCIDR).toBe('10.0.0.0/24');
    expect(b.status.capacity).toBe(a.status.capacity);
    expect(b.status.images).toBe(a.status.images);
    expect(b.metadata.labels).toBe(a.metadata.labels);
  });

  it('sameButVersion: true when only the resourceVersion or a dropped field changed', () => {
    const t = createCacheTransforms();
    const before = t.pod(apiPod('a'));
    const changedDropped = apiPod('a') as Pod & { metadata: Record<string, unknown> };
    changedDropped.metadata.resourceVersion = '11';
    changedDropped.metadata.managedFields = [];
    changedDropped.metadata.ownerReferences = [];
    changedDropped.spec!.tolerations = [{ key: 'x', operator: 'Exists' }];
    expect(sameButVersion(before, t.pod(changedDropped))).toBe(true);
    expect(sameButVersion(before, before)).toBe(true);
  });

  it('sameButVersion: false when anything kept changed', () => {
    const t = createCacheTransforms();
    const before = t.pod(apiPod('a'));
    const edits: Array<(p: Pod) => void> = [
      (p) => (p.metadata.labels = { ...p.metadata.labels, app: 'other' }),
      (p) => (p.metadata.annotations = undefined),
      (p) => (p.metadata.deletionTimestamp = '2026-01-01T00:01:00Z'),
      (p) => (p.metadata.uid = 'other'),
      (p) => (p.spec!.containers[0]!.image = 'nginx:1.28'),
      (p) => (p.spec!.readinessGates = [{ conditionType: 'example.com/gate' }]),
      (p) => (p.status!.conditions = [{ type: 'Ready', status: 'False' }]),
      (p) => (p.status!.podIP = '100.96.0.6'),
      (p) => (p.status!.podIPs = [{ ip: '100.96.0.6' }]),
      (p) => (p.status!.containerStatuses = [{ name: 'web', ready: false, restartCount: 0, image: 'x', imageID: '' }]),
      (p) => delete p.status,
      (p) => ((p as unknown as Record<string, unknown>).extra = 1),
    ];
    for (const edit of edits) {
      const p = apiPod('a') as Pod;
      p.metadata.resourceVersion = '11';
      edit(p);
      expect(sameButVersion(before, t.pod(p))).toBe(false);
    }
  });

  it('caches bad or odd objects without throwing', () => {
    const t = createCacheTransforms();
    const odd: unknown[] = [
      { metadata: { name: 'a' } },
      { metadata: null, spec: {} },
      { kind: 'Pod' },
      { metadata: { name: 'a', namespace: 'default' }, spec: null, status: 'weird' },
      { metadata: { name: 'a', labels: null, managedFields: 'x' }, spec: [] },
      { metadata: { name: 'a' }, spec: { containers: 'nope', tolerations: 7 } },
      JSON.parse('{"metadata": {"name": "a", "__proto__": {"x": 1}}, "__proto__": {"y": 2}, "spec": {"__proto__": {"z": 3}}}'),
      { metadata: { name: 'a' }, spec: { containers: [null, 1, 'x', { name: 'c', at: new Date(0) }] } },
    ];
    for (const o of odd) {
      const cached = t.pod(o as KubeObject);
      expect(cached).toBeDefined();
      expect(({} as Record<string, unknown>).x ?? ({} as Record<string, unknown>).y ?? ({} as Record<string, unknown>).z).toBeUndefined();
      expect(typeof sameButVersion(cached, cached)).toBe('boolean');
      expect(t.node(o as KubeObject)).toBeDefined();
    }
    expect(t.pod(null as unknown as KubeObject)).toBeNull();
    const arr = t.pod([] as unknown as KubeObject);
    expect(arr).toEqual([]);
  });
});

describe('kubelet-sim: updates to dropped fields', () => {
  it('a pod update that changes only dropped fields does no work; a kept change does', async () => {
    const onPod = vi.spyOn(Simulator.prototype as unknown as { onPod(p: Pod): void }, 'onPod');
    try {
      const { clock, client, sim } = await startTestSim(1);
      // The realistic pod mounts ConfigMap web-config.
      await client.create(configMapResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data: { 'app.conf': 'port=8080\n' } } as KubeObject);
      const raw = apiPod('web-1', sim.nodeNames[0]) as Pod;
      delete raw.status;
      delete (raw.metadata as Record<string, unknown>).resourceVersion;
      await client.create(podResource, raw);
      await step(clock, 3000);
      expect(sim.podState('default/web-1')).toBe('Running');
      await flush(20);
      const calls = onPod.mock.calls.length;

      await client.patch(podResource, 'web-1', { metadata: { ownerReferences: null, managedFields: [{ manager: 'kubectl' }] }, spec: { tolerations: [] } }, { type: 'merge', namespace: 'default' });
      await flush(20);
      expect(onPod.mock.calls.length).toBe(calls);

      await client.patch(podResource, 'web-1', { metadata: { labels: { app: 'changed' } } }, { type: 'merge', namespace: 'default' });
      await flush(20);
      expect(onPod.mock.calls.length).toBe(calls + 1);
      expect(sim.podState('default/web-1')).toBe('Running');
    } finally {
      onPod.mockRestore();
    }
  });
});
