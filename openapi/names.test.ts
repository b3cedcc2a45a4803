import { describe, expect, it } from 'vitest';
import { groupFriendlyName, operationId, packageOf, shortDefinitionName, tagOf, type OperationIdParts } from './names.js';

describe('packageOf', () => {
  it.each([
    ['', 'v1', 'io.k8s.api.core.v1'],
    ['apps', 'v1', 'io.k8s.api.apps.v1'],
    ['autoscaling', 'v2', 'io.k8s.api.autoscaling.v2'],
    ['rbac.authorization.k8s.io', 'v1', 'io.k8s.api.rbac.v1'],
    ['coordination.k8s.io', 'v1', 'io.k8s.api.coordination.v1'],
    ['stable.example.com', 'v1beta1', 'com.example.stable.v1beta1'],
  ])('%s %s → %s', (group, version, expected) => {
    expect(packageOf(group, version)).toBe(expected);
  });
});

describe('groupFriendlyName and tagOf', () => {
  it.each([
    ['', 'Core', 'core_v1'],
    ['apps', 'Apps', 'apps_v1'],
    ['rbac.authorization.k8s.io', 'RbacAuthorization', 'rbacAuthorization_v1'],
    ['discovery.k8s.io', 'Discovery', 'discovery_v1'],
    ['flowcontrol.apiserver.k8s.io', 'FlowcontrolApiserver', 'flowcontrolApiserver_v1'],
  ])('%s', (group, friendly, tag) => {
    expect(groupFriendlyName(group)).toBe(friendly);
    expect(tagOf(group, 'v1')).toBe(tag);
  });
});

describe('operationId', () => {
  const pod = { group: '', version: 'v1', kind: 'Pod', namespaced: true } as const;
  it.each<[Partial<OperationIdParts> & Pick<OperationIdParts, 'verb'>, string]>([
    [{ verb: 'read' }, 'readCoreV1NamespacedPod'],
    [{ verb: 'list' }, 'listCoreV1NamespacedPod'],
    [{ verb: 'list', namespaced: false, forAllNamespaces: true }, 'listCoreV1PodForAllNamespaces'],
    [{ verb: 'deletecollection' }, 'deleteCoreV1CollectionNamespacedPod'],
    [{ verb: 'patch', subresource: 'status' }, 'patchCoreV1NamespacedPodStatus'],
    [{ verb: 'create', subresource: 'eviction' }, 'createCoreV1NamespacedPodEviction'],
    [{ verb: 'read', namespaced: false, kind: 'Node' }, 'readCoreV1Node'],
    [{ verb: 'deletecollection', namespaced: false, kind: 'Node' }, 'deleteCoreV1CollectionNode'],
    [{ verb: 'replace', group: 'apps', kind: 'Deployment', subresource: 'scale' }, 'replaceAppsV1NamespacedDeploymentScale'],
    [{ verb: 'patch', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespaced: false }, 'patchRbacAuthorizationV1ClusterRole'],
    [{ verb: 'read', group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' }, 'readAutoscalingV2NamespacedHorizontalPodAutoscaler'],
  ])('%j → %s', (parts, expected) => {
    expect(operationId({ ...pod, ...parts })).toBe(expected);
  });
});

describe('shortDefinitionName', () => {
  it.each([
    ['io.k8s.api.core.v1.Pod', 'core.v1.Pod'],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'meta.v1.ObjectMeta'],
    ['io.k8s.apimachinery.pkg.util.intstr.IntOrString', 'util.intstr.IntOrString'],
    ['com.example.stable.v1.CronTab', 'com.example.stable.v1.CronTab'],
  ])('%s → %s', (name, short) => {
    expect(shortDefinitionName(name)).toBe(short);
  });
});
