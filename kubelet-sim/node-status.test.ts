import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredExit, parseDuration } from './annotations.js';
import { imageIdOf, normalizeImage } from './ids.js';
import { nodeConditions, nodeLease, nodeStatus, nodeStatusDiffers, registrationNode, sameJson } from './node-status.js';
import { allocatableOf, loadNodeTemplate, nodeAddresses, resolveNodeTemplate } from './node-template.js';

const T0 = Date.UTC(2026, 0, 1);
const t = resolveNodeTemplate();
const id = { name: 'n7', index: 7, port: 40000 };

describe('node template', () => {
  it('derives allocatable from capacity minus the default eviction thresholds', () => {
    expect(allocatableOf(t)).toMatchObject({ cpu: '8', pods: '110', memory: '32668Mi', 'ephemeral-storage': String(Math.floor(100 * 2 ** 30 * 0.9)) });
    expect(allocatableOf(resolveNodeTemplate({ allocatable: { cpu: '7500m' } })).cpu).toBe('7500m');
  });

  it('loads YAML and rejects nonsense with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tmpl-'));
    writeFileSync(join(dir, 'big.yaml'), 'capacity: { cpu: "96", memory: 768Gi }\nzones: [a, b]\nregion: lab\n');
    const big = loadNodeTemplate(join(dir, 'big.yaml'));
    expect(big.capacity).toMatchObject({ cpu: '96', memory: '768Gi', pods: '110' });
    const labels = registrationNode(big, { ...id, index: 1 }, T0).metadata.labels!;
    expect(labels).toMatchObject({ 'topology.kubernetes.io/region': 'lab', 'topology.kubernetes.io/zone': 'b' });
    writeFileSync(join(dir, 'bad.json'), '{"taints":[{"key":"k","effect":"Sometimes"}]}');
    expect(() => loadNodeTemplate(join(dir, 'bad.json'))).toThrow(/bad\.json: invalid node template/);
  });

  it.each([
    [0, '10.0.0.10', '198.18.0.1'],
    [244, '10.0.0.254', '198.18.0.245'],
    [245, '10.0.1.1', '198.18.0.246'],
    [4999, '10.0.19.183', '198.18.19.174'],
  ])('addresses for node %d: never loopback, never .0/.255', (index, internal, external) => {
    expect(nodeAddresses('x', index)).toEqual({ internalIP: internal, externalIP: external, hostname: 'x' });
  });
});

describe('node status', () => {
  it('keeps transition times while a condition holds and moves heartbeats', () => {
    const first = nodeConditions(T0, undefined);
    const later = nodeConditions(T0 + 300_000, first);
    const ready = later.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: '2026-01-01T00:00:00Z', lastHeartbeatTime: '2026-01-01T00:05:00Z' });
    const afterUnknown = nodeConditions(T0 + 310_000, later.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown' } : c)));
    expect(afterUnknown.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('2026-01-01T00:05:10Z');
  });

  it('differs only on what kubelet compares (not heartbeat times)', () => {
    const a = nodeStatus(t, id, T0);
    expect(nodeStatusDiffers(a, nodeStatus(t, id, T0 + 60_000, a))).toBe(false);
    const unknown = { ...a, conditions: a.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown' } : c)) };
    expect(nodeStatusDiffers(unknown, nodeStatus(t, id, T0, a))).toBe(true);
    expect(nodeStatusDiffers(a, nodeStatus(t, { ...id, port: 1 }, T0, a))).toBe(true);
    expect(nodeStatusDiffers(undefined, a)).toBe(true);
  });

  it('builds the Lease kubelet renews', () => {
    expect(nodeLease('n7', 'uid-7', T0 + 1, '42')).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'n7', namespace: 'kube-node-lease', resourceVersion: '42', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n7', uid: 'uid-7' }] },
      spec: { holderIdentity: 'n7', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.001000Z' },
    });
  });
});

describe('annotations and ids', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['45', 45_000],
    ['soon', undefined],
    ['', undefined],
  ])('parseDuration(%j)', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('reads the declared exit', () => {
    expect(declaredExit({ 'kubeling.io/exit-after': '10s', 'kubeling.io/exit-code': '3' })).toEqual({ afterMs: 10_000, exitCode: 3 });
    expect(declaredExit({ 'kubeling.io/exit-after': '10s' })).toEqual({ afterMs: 10_000, exitCode: 0 });
    expect(declaredExit({})).toBeUndefined();
  });

  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
  ])('normalizeImage(%s)', (image, want) => expect(normalizeImage(image)).toBe(want));

  it('gives image IDs as repo@sha256 digests', () => {
    expect(imageIdOf('nginx:1.27')).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(imageIdOf('localhost:5000/app')).toMatch(/^localhost:5000\/app@sha256:/);
  });
});

describe('sameJson', () => {
  it.each([
    [{ a: 1, b: [1, { c: null }] }, { b: [1, {}], a: 1 }, true],
    [{ a: 1, x: undefined }, { a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 0 }, false],
    [[1, 2], [2, 1], false],
    [{ a: [] }, { a: {} }, false],
    [null, undefined, true],
    ['1', 1, false],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(sameJson(a, b)).toBe(want);
    expect(sameJson(b, a)).toBe(want);
  });
});

describe('node status images', () => {
  const images = [{ names: ['docker.io/library/nginx@sha256:ab', 'docker.io/library/nginx:1.27'], sizeBytes: 70_000_000 }];

  it('lists the images the node holds; an empty list is left out', () => {
    expect(nodeStatus(t, id, T0, undefined, images).images).toEqual(images);
    expect(nodeStatus(t, id, T0, undefined, []).images).toBeUndefined();
    expect(registrationNode(t, id, T0, images).status?.images).toEqual(images);
  });

  it('differs when the images changed, so the next sync reports a new pull', () => {
    const before = nodeStatus(t, id, T0, undefined, images);
    const more = [...images, { names: ['registry.k8s.io/pause@sha256:cd', 'registry.k8s.io/pause:3.10'], sizeBytes: 300_000 }];
    expect(nodeStatusDiffers(before, nodeStatus(t, id, T0 + 10_000, before, images))).toBe(false);
    expect(nodeStatusDiffers(before, nodeStatus(t, id, T0 + 10_000, before, more))).toBe(true);
    // Nothing to say about images: whatever the apiserver holds stays (a merge patch cannot empty it).
    expect(nodeStatusDiffers(before, nodeStatus(t, id, T0 + 10_000, before))).toBe(false);
  });

  it('a node template starts with the pause image unless it names its own', () => {
    expect(resolveNodeTemplate().images).toEqual(['registry.k8s.io/pause:3.10']);
    expect(resolveNodeTemplate({ images: ['nginx:1.27'] }).images).toEqual(['nginx:1.27']);
  });
});

describe('NetworkUnavailable without a podCIDR', () => {
  it.each([
    [true, 'False', 'RouteCreated', 'RouteController created a route'],
    [false, 'True', 'NoRouteCreated', 'Node created without a route'],
  ])('hasRoute=%s → %s %s', (hasRoute, status, reason, message) => {
    const c = nodeConditions(Date.UTC(2026, 0, 1), undefined, hasRoute).find((x) => x.type === 'NetworkUnavailable')!;
    expect([c.status, c.reason, c.message]).toEqual([status, reason, message]);
  });
});

describe('Ready without a podCIDR: the runtime network is not ready', () => {
  it.each([
    [true, 'True', 'KubeletReady', 'kubelet is posting ready status'],
    [
      false,
      'False',
      'KubeletNotReady',
      'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    ],
  ])('hasRoute=%s → Ready %s %s', (hasRoute, status, reason, message) => {
    const conditions = nodeConditions(Date.UTC(2026, 0, 1), undefined, hasRoute);
    const ready = conditions.find((x) => x.type === 'Ready')!;
    expect([ready.status, ready.reason, ready.message]).toEqual([status, reason, message]);
    // The pressure conditions stay healthy: only the network is missing.
    expect(conditions.filter((x) => x.type.endsWith('Pressure')).map((x) => x.status)).toEqual(['False', 'False', 'False']);
  });
});
