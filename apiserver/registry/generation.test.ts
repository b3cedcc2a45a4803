import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { bumpsGeneration } from './generation.js';

const obj = (annotations: Record<string, string> | undefined, replicas: number, status?: unknown): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', ...(annotations ? { annotations } : {}) }, spec: { replicas }, ...(status ? { status } : {}) }) as KubeObject;

const DEPLOYMENT = { group: 'apps', kind: 'Deployment' };
const REPLICASET = { group: 'apps', kind: 'ReplicaSet' };

describe('bumpsGeneration', () => {
  it.each<[string, { group: string; kind: string }, KubeObject, KubeObject, boolean]>([
    ['spec change', DEPLOYMENT, obj(undefined, 2), obj(undefined, 1), true],
    ['no change', DEPLOYMENT, obj({ a: '1' }, 1), obj({ a: '1' }, 1), false],
    ['annotation added to a Deployment', DEPLOYMENT, obj({ a: '1' }, 1), obj(undefined, 1), true],
    ['annotation changed on a Deployment', DEPLOYMENT, obj({ a: '2' }, 1), obj({ a: '1' }, 1), true],
    ['empty and absent annotations are equal', DEPLOYMENT, obj({}, 1), obj(undefined, 1), false],
    ['annotation change on a ReplicaSet', REPLICASET, obj({ a: '1' }, 1), obj(undefined, 1), false],
    ['status change', DEPLOYMENT, obj(undefined, 1, { replicas: 3 }), obj(undefined, 1), false],
  ])('%s', (_name, target, next, live, want) => {
    expect(bumpsGeneration(target, next, live)).toBe(want);
  });
});
