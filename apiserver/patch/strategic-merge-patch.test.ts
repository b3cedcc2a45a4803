import { describe, expect, it } from 'vitest';
import { PatchError } from './errors.js';
import { patchMetaFor } from '../../api/patch-meta.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

type Obj = Record<string, any>;

const deploymentMeta = patchMetaFor('apps', 'Deployment');
const podMeta = patchMetaFor('', 'Pod');

/** A Deployment with containers nginx (port 80, env A) and sidecar, one volume. */
function makeDeployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a.example.com/x'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.14',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }],
            },
            { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'] },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  };
}

const podSpecOf = (o: Obj): Obj => o.spec.template.spec;
const smp = (obj: Obj, patch: unknown, meta = deploymentMeta): Obj => applyStrategicMergePatch(obj, patch, meta);

describe('applyStrategicMergePatch: what kubectl sends', () => {
  it('kubectl apply: one container image changed, with $setElementOrder/containers', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}\n' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.16', name: 'nginx' }],
          },
        },
      },
    };
    const out = smp(makeDeployment(), patch);
    expect(podSpecOf(out).containers).toEqual([
      { name: 'nginx', image: 'nginx:1.16', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'] },
    ]);
    expect(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe('{"kind":"Deployment"}\n');
    expect(out.metadata.labels).toEqual({ app: 'web' });
    expect(out.spec.replicas).toBe(2);
  });

  it('kubectl apply: a container removed from the config', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }],
            containers: [{ $patch: 'delete', name: 'sidecar' }],
          },
        },
      },
    };
    expect(podSpecOf(smp(makeDeployment(), patch)).containers.map((c: Obj) => c.name)).toEqual(['nginx']);
  });

  it('kubectl apply: a container added first and the list reordered', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'init' }, { name: 'sidecar' }, { name: 'nginx' }],
            containers: [{ name: 'init', image: 'alpine' }],
          },
        },
      },
    };
    const out = smp(makeDeployment(), patch);
    expect(podSpecOf(out).containers.map((c: Obj) => c.name)).toEqual(['init', 'sidecar', 'nginx']);
    expect(podSpecOf(out).containers[2].image).toBe('nginx:1.14');
  });

  it('kubectl set image', () => {
    const patch = { spec: { template: { spec: { containers: [{ image: 'nginx:1.17', name: 'nginx' }] } } } };
    const out = smp(makeDeployment(), patch);
    expect(podSpecOf(out).containers.map((c: Obj) => [c.name, c.image])).toEqual([
      ['nginx', 'nginx:1.17'],
      ['sidecar', 'busybox'],
    ]);
    expect(podSpecOf(out).containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('kubectl label / annotate: set, overwrite and remove keys', () => {
    const patch = { metadata: { labels: { tier: 'frontend', app: null }, annotations: { note: 'hi' } } };
    const out = smp(makeDeployment(), patch);
    expect(out.metadata.labels).toEqual({ tier: 'frontend' });
    expect(out.metadata.annotations).toEqual({ note: 'hi' });
  });

  it('kubectl scale / patch a scalar; null deletes a field', () => {
    const out = smp(makeDeployment(), { spec: { replicas: 5, strategy: null } });
    expect(out.spec.replicas).toBe(5);
    expect(out.spec).not.toHaveProperty('strategy');
  });

  it('env merges by name', () => {
    const patch = {
      spec: { template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: '2' }, { name: 'A', value: 'x' }] }] } } },
    };
    const env = podSpecOf(smp(makeDeployment(), patch)).containers[0].env;
    expect(env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: 'x' },
    ]);
  });

  it('container ports merge by containerPort', () => {
    const patch = {
      spec: { template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 443 }, { containerPort: 80, name: 'http' }] }] } } },
    };
    expect(podSpecOf(smp(makeDeployment(), patch)).containers[0].ports).toEqual([
      { containerPort: 443 },
      { containerPort: 80, protocol: 'TCP', name: 'http' },
    ]);
  });

  it('tolerations have no merge key: the patch list replaces', () => {
    const patch = { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } };
    expect(podSpecOf(smp(makeDeployment(), patch)).tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('$retainKeys: kubectl apply switching the rollout strategy to Recreate', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } };
    expect(smp(makeDeployment(), patch).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('$retainKeys in a volume: emptyDir swapped for hostPath', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/volumes': [{ name: 'data' }],
            volumes: [{ $retainKeys: ['hostPath', 'name'], hostPath: { path: '/tmp' }, name: 'data' }],
          },
        },
      },
    };
    expect(podSpecOf(smp(makeDeployment(), patch)).volumes).toEqual([{ name: 'data', hostPath: { path: '/tmp' } }]);
  });

  it('finalizers merge as a set; $deleteFromPrimitiveList removes', () => {
    const added = smp(makeDeployment(), { metadata: { finalizers: ['b.example.com/y', 'a.example.com/x'] } });
    expect(added.metadata.finalizers).toEqual(['b.example.com/y', 'a.example.com/x']);
    const removed = smp(added, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'], '$setElementOrder/finalizers': ['b.example.com/y'] },
    });
    expect(removed.metadata.finalizers).toEqual(['b.example.com/y']);
    // A new item the live list lacks goes before the server-only items (Kubernetes' order).
    const appended = smp(makeDeployment(), { metadata: { finalizers: ['c'] } });
    expect(appended.metadata.finalizers).toEqual(['c', 'a.example.com/x']);
  });

  it('$patch: replace in a map replaces it', () => {
    const out = smp(makeDeployment(), { metadata: { labels: { $patch: 'replace', only: 'this' } } });
    expect(out.metadata.labels).toEqual({ only: 'this' });
  });

  it('$patch: delete in a map empties it', () => {
    const out = smp(makeDeployment(), { spec: { selector: { $patch: 'delete' } } });
    expect(out.spec.selector).toEqual({});
  });

  it('$patch: merge in a map is an ordinary merge', () => {
    const out = smp(makeDeployment(), { metadata: { labels: { $patch: 'merge', x: 'y' } } });
    expect(out.metadata.labels).toEqual({ app: 'web', x: 'y' });
  });

  it('{$patch: replace} as a list item replaces the whole list', () => {
    const patch = { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'i' }] } } } };
    expect(podSpecOf(smp(makeDeployment(), patch)).containers).toEqual([{ name: 'only', image: 'i' }]);
  });

  it('server-only items are interleaved as Kubernetes orders them', () => {
    const obj = { spec: { containers: ['a', 'b', 'c'].map((name) => ({ name })) } };
    const out = smp(obj, { spec: { containers: [{ name: 'b', image: 'x' }, { name: 'd' }] } }, podMeta);
    expect(out.spec.containers).toEqual([{ name: 'a' }, { name: 'b', image: 'x' }, { name: 'd' }, { name: 'c' }]);
  });

  it('$setElementOrder alone reorders', () => {
    const obj = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const out = smp(obj, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } }, podMeta);
    expect(out.spec.containers).toEqual([{ name: 'b' }, { name: 'a' }]);
  });

  it('directives in a value the original lacks are applied, not stored', () => {
    const obj = { spec: {} };
    const out = smp(obj, { spec: { containers: [{ name: 'a' }, { name: 'gone', $patch: 'delete' }] } }, podMeta);
    expect(out.spec.containers).toEqual([{ name: 'a' }]);
  });

  it('a value of another type replaces', () => {
    const out = smp({ spec: { x: [1, 2] } }, { spec: { x: { a: 1 } } }, {});
    expect(out.spec.x).toEqual({ a: 1 });
  });
});

describe('applyStrategicMergePatch: other kinds', () => {
  it('Service ports merge by port', () => {
    const svc = {
      spec: {
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        ],
      },
    };
    const out = smp(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, patchMetaFor('', 'Service'));
    expect(out.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
    ]);
  });

  it('node status conditions merge by type (the kubelet status patch)', () => {
    const node = {
      status: {
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'True', reason: 'KubeletReady' },
        ],
      },
    };
    const out = smp(node, { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } }, patchMetaFor('', 'Node'));
    expect(out.status.conditions).toEqual([
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
    ]);
  });

  it('ownerReferences merge by uid', () => {
    const obj = { metadata: { ownerReferences: [{ uid: '1', name: 'rs-a', kind: 'ReplicaSet' }] } };
    const out = smp(obj, { metadata: { ownerReferences: [{ uid: '2', name: 'rs-b', kind: 'ReplicaSet' }] } }, podMeta);
    expect(out.metadata.ownerReferences.map((o: Obj) => o.uid)).toEqual(['2', '1']);
    expect(out.metadata.ownerReferences[1]).toEqual({ uid: '1', name: 'rs-a', kind: 'ReplicaSet' });
  });

  it('a PDB selector is replaced, not merged', () => {
    const pdb = { spec: { selector: { matchLabels: { a: '1' } } } };
    const out = smp(pdb, { spec: { selector: { matchLabels: { b: '2' } } } }, patchMetaFor('policy', 'PodDisruptionBudget'));
    expect(out.spec.selector).toEqual({ matchLabels: { b: '2' } });
  });

  it('unknown kinds: lists replace, maps merge', () => {
    const meta = patchMetaFor('example.com', 'Widget');
    expect(meta).toEqual({});
    const obj = { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const out = smp(obj, { metadata: { labels: { b: '2' } }, spec: { containers: [{ name: 'c' }] } }, meta);
    expect(out.metadata.labels).toEqual({ a: '1', b: '2' });
    expect(out.spec.containers).toEqual([{ name: 'c' }]);
  });
});

describe('applyStrategicMergePatch: errors', () => {
  const pod = { spec: { containers: [{ name: 'a', image: 'x' }] } };
  const cases: Array<[string, unknown, PatchError['reason'], string]> = [
    ['an item without its merge key', { spec: { containers: [{ image: 'nginx' }] } }, 'InternalError', 'map: map[image:nginx] does not contain declared merge key: name'],
    ['an unknown $patch in a map', { spec: { $patch: 'bogus' } }, 'InternalError', 'unknown patch type: bogus in map: map[$patch:bogus]'],
    ['$patch: merge as a list item', { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }, 'InternalError', 'merging lists cannot yet be specified in the patch'],
    ['$retainKeys that is not a list', { spec: { $retainKeys: 'x' } }, 'BadRequest', 'invalid patch format of retainKeys'],
    ['a patched key outside $retainKeys', { spec: { $retainKeys: ['a'], b: 1 } }, 'BadRequest', 'invalid patch format of retainKeys'],
    ['$deleteFromPrimitiveList without a field', { metadata: { $deleteFromPrimitiveList: ['a'] } }, 'BadRequest', 'invalid patch format of primitive list'],
    ['$setElementOrder without a field', { spec: { $setElementOrder: [] } }, 'BadRequest', 'invalid patch format of setElementOrder list'],
    ['a list of lists', { spec: { containers: [[1]] } }, 'UnprocessableEntity', 'lists of lists are not supported'],
    ['a body that is not an object', [{ op: 'add' }], 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ];
  it.each(cases)('%s', (_name, patch, reason, message) => {
    try {
      applyStrategicMergePatch(pod, patch, podMeta);
      expect.unreachable('patch applied');
    } catch (err) {
      expect(err).toBeInstanceOf(PatchError);
      expect((err as PatchError).reason).toBe(reason);
      expect((err as PatchError).message).toBe(message);
    }
  });

  it('maps 500s to the InternalError Status', () => {
    try {
      applyStrategicMergePatch(pod, { spec: { containers: [{ image: 'nginx' }] } }, podMeta);
    } catch (err) {
      const status = (err as PatchError).toApiError().toStatus();
      expect(status.code).toBe(500);
      expect(status.reason).toBe('InternalError');
      expect(status.message).toBe('Internal error occurred: map: map[image:nginx] does not contain declared merge key: name');
    }
    expect.assertions(3);
  });
});

describe('applyStrategicMergePatch: purity', () => {
  it('never mutates its inputs', () => {
    const obj = makeDeployment();
    const before = structuredClone(obj);
    const patch = {
      metadata: { labels: { x: 'y' }, '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'] },
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'sidecar', $patch: 'delete' }] } },
      },
    };
    const patchBefore = structuredClone(patch);
    const out = applyStrategicMergePatch(obj, patch, deploymentMeta);
    expect(obj).toEqual(before);
    expect(patch).toEqual(patchBefore);
    expect(out).not.toBe(obj);
    expect(out.spec.template.spec.containers).toHaveLength(1);
  });

  it('null patch is a no-op copy', () => {
    const obj = makeDeployment();
    const out = applyStrategicMergePatch(obj, null, deploymentMeta);
    expect(out).toEqual(obj);
    expect(out).not.toBe(obj);
  });
});
