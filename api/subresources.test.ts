import { describe, expect, it } from 'vitest';
import { resourceByKind } from './registry.js';
import { servedSubresource, subresourcesOf } from './subresources.js';

/** The per-kind subresource table: what discovery lists, and what the REST handlers serve. */
describe('subresources', () => {
  const pod = resourceByKind('', 'Pod');
  const deployment = resourceByKind('apps', 'Deployment');
  const namespace = resourceByKind('', 'Namespace');

  it('lists status, scale and the kind-specific ones in discovery order', () => {
    expect(subresourcesOf(pod).map((s) => s.name)).toEqual(['status', 'binding', 'eviction', 'log']);
    expect(subresourcesOf(deployment).map((s) => s.name)).toEqual(['status', 'scale']);
    expect(subresourcesOf(namespace).map((s) => s.name)).toEqual(['status', 'finalize']);
  });

  it.each([
    ['Pod', 'ephemeralcontainers', ['get', 'update', 'patch']],
    ['Pod', 'exec', ['get', 'create']],
    ['Pod', 'binding', ['create']],
    ['Deployment', 'scale', ['get', 'patch', 'update']],
    ['Namespace', 'finalize', ['update']],
  ])('%s serves %s with its verbs (listed or not)', (kind, name, verbs) => {
    const rt = { Pod: pod, Deployment: deployment, Namespace: namespace }[kind as 'Pod' | 'Deployment' | 'Namespace'];
    expect(servedSubresource(rt, name as string)?.verbs).toEqual(verbs);
  });

  it('answers undefined for a subresource the kind does not have', () => {
    expect(servedSubresource(deployment, 'binding')).toBeUndefined();
    expect(servedSubresource(pod, 'scale')).toBeUndefined();
    expect(servedSubresource(pod, 'nonsense')).toBeUndefined();
  });

  it('names the body kind: the kind itself in the served version, or a fixed one', () => {
    expect(servedSubresource(pod, 'log')?.kind).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect(servedSubresource(pod, 'eviction')?.kind).toEqual({ group: 'policy', version: 'v1', kind: 'Eviction' });
  });
});
