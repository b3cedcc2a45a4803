import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { clone, createStore, NAMESPACE_INDEX, objectKey, splitKey } from './store.js';

const pod = (ns: string, name: string, node?: string, rv = '1'): KubeObject => ({
  metadata: { namespace: ns, name, resourceVersion: rv },
  spec: { nodeName: node },
});

const byNode = (o: KubeObject): string[] => {
  const n = (o.spec as { nodeName?: string }).nodeName;
  return n ? [n] : [];
};

describe('store', () => {
  it.each([
    [{ metadata: { namespace: 'ns', name: 'a' } }, 'ns/a'],
    [{ metadata: { name: 'node-1' } }, 'node-1'],
  ])('objectKey(%j) = %s', (obj, key) => {
    expect(objectKey(obj)).toBe(key);
    const { namespace, name } = splitKey(key);
    expect(name).toBe(obj.metadata.name);
    expect(namespace).toBe((obj.metadata as { namespace?: string }).namespace ?? '');
  });

  it('indexes by namespace and by custom indexers, and re-indexes on update', () => {
    const store = createStore({ node: byNode });
    store.upsert(pod('a', 'p1', 'n1'));
    store.upsert(pod('a', 'p2', 'n2'));
    store.upsert(pod('b', 'p3', 'n1'));
    expect(store.byIndex(NAMESPACE_INDEX, 'a').map(objectKey).sort()).toEqual(['a/p1', 'a/p2']);
    expect(store.byIndex('node', 'n1').map(objectKey).sort()).toEqual(['a/p1', 'b/p3']);
    store.upsert(pod('a', 'p1', 'n2', '2'));
    expect(store.indexKeys('node', 'n1')).toEqual(['b/p3']);
    expect(store.indexKeys('node', 'n2').sort()).toEqual(['a/p1', 'a/p2']);
    store.remove('b/p3');
    expect(store.indexKeys('node', 'n1')).toEqual([]);
    expect(store.size).toBe(2);
    expect(() => store.byIndex('nope', 'x')).toThrow(/no index/);
  });

  it('an indexer added later covers existing objects', () => {
    const store = createStore();
    store.upsert(pod('a', 'p1', 'n1'));
    store.addIndexer('node', byNode);
    expect(store.indexKeys('node', 'n1')).toEqual(['a/p1']);
  });

  it('hands out frozen objects; clone() gives a mutable copy', () => {
    const store = createStore();
    store.upsert(pod('a', 'p1', 'n1'));
    const cached = store.get('a/p1')!;
    expect(() => {
      (cached.spec as { nodeName: string }).nodeName = 'x';
    }).toThrow(TypeError);
    const copy = clone(cached);
    (copy.spec as { nodeName: string }).nodeName = 'x';
    expect((store.getByName('a', 'p1')!.spec as { nodeName: string }).nodeName).toBe('n1');
  });
});

describe('store indexes via the informer contract', () => {
  it('hasIndex reports built-in and added indexes', () => {
    const store = createStore();
    expect(store.hasIndex(NAMESPACE_INDEX)).toBe(true);
    expect(store.hasIndex('node')).toBe(false);
    store.addIndexer('node', byNode);
    expect(store.hasIndex('node')).toBe(true);
    expect(() => store.addIndexer('node', byNode)).toThrow(/already exists/);
  });
});
