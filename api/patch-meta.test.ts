import { describe, expect, it } from 'vitest';
import { fieldMeta, patchMetaFor, type FieldPatchMeta } from './patch-meta.js';

describe('patchMetaFor', () => {
  // Kubernetes' patchStrategy/patchMergeKey tags (k8s.io/api), by kind and path.
  const cases: Array<[string, string, string, Pick<FieldPatchMeta, 'strategy' | 'mergeKey'> | undefined]> = [
    ['', 'Pod', 'metadata.finalizers', { strategy: 'merge' }],
    ['', 'Pod', 'metadata.ownerReferences', { strategy: 'merge', mergeKey: 'uid' }],
    ['', 'Pod', 'spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['', 'Pod', 'spec.initContainers', { strategy: 'merge', mergeKey: 'name' }],
    ['', 'Pod', 'spec.ephemeralContainers', { strategy: 'merge', mergeKey: 'name' }],
    ['', 'Pod', 'spec.containers.env', { strategy: 'merge', mergeKey: 'name' }],
    ['', 'Pod', 'spec.containers.ports', { strategy: 'merge', mergeKey: 'containerPort' }],
    ['', 'Pod', 'spec.containers.volumeMounts', { strategy: 'merge', mergeKey: 'mountPath' }],
    ['', 'Pod', 'spec.initContainers.volumeDevices', { strategy: 'merge', mergeKey: 'devicePath' }],
    ['', 'Pod', 'spec.volumes', { strategy: 'merge,retainKeys', mergeKey: 'name' }],
    ['', 'Pod', 'spec.imagePullSecrets', { strategy: 'merge', mergeKey: 'name' }],
    ['', 'Pod', 'spec.topologySpreadConstraints', { strategy: 'merge', mergeKey: 'topologyKey' }],
    ['', 'Pod', 'spec.hostAliases', { strategy: 'merge', mergeKey: 'ip' }],
    ['', 'Pod', 'spec.tolerations', { strategy: 'replace' }],
    ['', 'Pod', 'spec.containers.args', undefined],
    ['', 'Pod', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['', 'Pod', 'status.podIPs', { strategy: 'merge', mergeKey: 'ip' }],
    ['', 'Node', 'spec.taints', { strategy: 'replace' }],
    ['', 'Node', 'spec.podCIDRs', { strategy: 'merge' }],
    ['', 'Node', 'status.addresses', { strategy: 'merge', mergeKey: 'type' }],
    ['', 'Node', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['', 'Service', 'spec.ports', { strategy: 'merge', mergeKey: 'port' }],
    ['', 'ServiceAccount', 'secrets', { strategy: 'merge', mergeKey: 'name' }],
    ['', 'ServiceAccount', 'imagePullSecrets', { strategy: 'replace' }],
    ['', 'Namespace', 'spec.finalizers', { strategy: 'replace' }],
    ['', 'Endpoints', 'subsets', { strategy: 'replace' }],
    ['', 'ConfigMap', 'metadata.finalizers', { strategy: 'merge' }],
    ['apps', 'Deployment', 'spec.strategy', { strategy: 'retainKeys' }],
    ['apps', 'Deployment', 'spec.template.spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['apps', 'Deployment', 'spec.template.spec.containers.env', { strategy: 'merge', mergeKey: 'name' }],
    ['apps', 'Deployment', 'spec.template.metadata.finalizers', { strategy: 'merge' }],
    ['apps', 'Deployment', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['apps', 'ReplicaSet', 'spec.template.spec.volumes', { strategy: 'merge,retainKeys', mergeKey: 'name' }],
    ['autoscaling', 'HorizontalPodAutoscaler', 'spec.metrics', { strategy: 'replace' }],
    ['autoscaling', 'HorizontalPodAutoscaler', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['policy', 'PodDisruptionBudget', 'spec.selector', { strategy: 'replace' }],
    ['discovery.k8s.io', 'EndpointSlice', 'endpoints', { strategy: 'replace' }],
    ['rbac.authorization.k8s.io', 'ClusterRole', 'rules', { strategy: 'replace' }],
    ['coordination.k8s.io', 'Lease', 'metadata.ownerReferences', { strategy: 'merge', mergeKey: 'uid' }],
    ['example.com', 'Widget', 'spec.containers', undefined],
  ];
  it.each(cases)('%s %s %s', (group, kind, path, want) => {
    const got = fieldMeta(patchMetaFor(group, kind), path);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });

  it('carries the server-side apply keys where the list-map has several', () => {
    expect(fieldMeta(patchMetaFor('', 'Service'), 'spec.ports')).toMatchObject({ applyKeys: ['port', 'protocol'] });
    expect(fieldMeta(patchMetaFor('apps', 'Deployment'), 'spec.template.spec.containers.ports')).toMatchObject({
      applyKeys: ['containerPort', 'protocol'],
      applyKeyDefaults: { protocol: 'TCP' },
    });
  });

  it('does not answer for inherited object keys', () => {
    expect(fieldMeta(patchMetaFor('', 'Pod'), 'constructor')).toBeUndefined();
    expect(fieldMeta(patchMetaFor('', 'Pod'), '__proto__')).toBeUndefined();
  });
});
