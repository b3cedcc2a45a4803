import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { resourceByKind } from '../../api/registry.js';
import type { Registries } from '../registry/registries.js';
import { andThen, RelationReads } from './relation-reads.js';

/**
 * RelationReads answers from one list per kind and namespace; once that list is read,
 * lookups answer without a promise (so graphql-js completes 1,000 pods' `node` and
 * `events` fields synchronously) and indexes are built once.
 */

const EVENT = resourceByKind('', 'Event');
const NODE = resourceByKind('', 'Node');

function fakeRegistries(objects: Record<string, KubeObject[]>, calls: string[]): Registries {
  return {
    for: (rt: ResourceType) => ({
      list: async (ns?: string) => {
        calls.push(`${rt.plural}/${ns ?? ''}`);
        return { items: (objects[rt.plural] ?? []).filter((o) => ns === undefined || o.metadata.namespace === ns), resourceVersion: '1' };
      },
    }),
  } as unknown as Registries;
}

const event = (name: string, uid: string, at: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' }, involvedObject: { uid }, lastTimestamp: at }) as KubeObject;

describe('RelationReads', () => {
  it('answers a read list synchronously, by name, from one storage list', async () => {
    const calls: string[] = [];
    const reads = new RelationReads(fakeRegistries({ nodes: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }] }, calls));
    const first = reads.get(NODE, undefined, 'n1');
    expect(first).toBeInstanceOf(Promise);
    expect((await first)?.metadata.name).toBe('n1');
    const second = reads.get(NODE, undefined, 'n1');
    expect(second).not.toBeInstanceOf(Promise);
    expect((second as KubeObject).metadata.name).toBe('n1');
    expect(reads.get(NODE, undefined, 'missing')).toBeUndefined();
    expect(calls).toEqual(['nodes/']);
  });

  it('groups by a key once, each group in the given order', async () => {
    const calls: string[] = [];
    const reads = new RelationReads(
      fakeRegistries({ events: [event('a', 'u1', '2026-01-01T00:00:01Z'), event('b', 'u1', '2026-01-01T00:00:03Z'), event('c', 'u2', '2026-01-01T00:00:02Z')] }, calls),
    );
    const keyOf = (o: KubeObject) => (o as { involvedObject?: { uid?: string } }).involvedObject?.uid;
    const order = (x: KubeObject, y: KubeObject) => String((y as { lastTimestamp?: string }).lastTimestamp).localeCompare(String((x as { lastTimestamp?: string }).lastTimestamp));
    const byUid = await reads.index(EVENT, 'default', 'uid', keyOf, order);
    expect(byUid.get('u1')?.map((e) => e.metadata.name)).toEqual(['b', 'a']);
    expect(byUid.get('u2')?.map((e) => e.metadata.name)).toEqual(['c']);
    expect(reads.index(EVENT, 'default', 'uid', keyOf, order)).toBe(byUid);
    expect(calls).toEqual(['events/default']);
  });

  it('forgets a failed read, so the next parent tries again', async () => {
    let fail = true;
    const registries = {
      for: () => ({
        list: async () => {
          if (fail) throw new Error('storage down');
          return { items: [], resourceVersion: '1' };
        },
      }),
    } as unknown as Registries;
    const reads = new RelationReads(registries);
    await expect(reads.list(NODE, undefined)).rejects.toThrow('storage down');
    fail = false;
    expect(await reads.list(NODE, undefined)).toEqual([]);
    expect(reads.listCalls).toBe(2);
  });

  it('andThen applies now to a value and later to a promise', async () => {
    expect(andThen(2, (v) => v + 1)).toBe(3);
    expect(await andThen(Promise.resolve(2), (v) => v + 1)).toBe(3);
  });
});
