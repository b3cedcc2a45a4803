/**
 * Kubernetes' naming conventions in its OpenAPI documents: definition names (the Go package
 * path reversed, `io.k8s.api.core.v1.Pod`), operation ids (`readCoreV1NamespacedPod`) and
 * tags (`core_v1`). kubectl shows the last segment of a definition name as a field's type
 * (`<[]Container>`), and client libraries key generated code on the operation ids, so both
 * follow Kubernetes exactly. Pure functions only.
 */

export const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const INTSTR = 'io.k8s.apimachinery.pkg.util.intstr';
export const RESOURCE = 'io.k8s.apimachinery.pkg.api.resource';

/** The definition-name prefix of a group-version: `apps`,`v1` → `io.k8s.api.apps.v1`. */
export function packageOf(group: string, version: string): string {
  if (group === '') return `io.k8s.api.core.${version}`;
  // Built-in groups live in k8s.io/api/<first segment>; `rbac.authorization.k8s.io` → rbac.
  if (group.endsWith('.k8s.io') || !group.includes('.')) return `io.k8s.api.${group.split('.')[0]}.${version}`;
  // Other groups (custom resources) use the reversed domain, as kube-apiserver does for CRDs.
  return `${group.split('.').reverse().join('.')}.${version}`;
}

export function definitionName(group: string, version: string, kind: string): string {
  return `${packageOf(group, version)}.${kind}`;
}

/** The key used by the descriptions table: `io.k8s.api.core.v1.Pod` → `core.v1.Pod`. */
export function shortDefinitionName(name: string): string {
  for (const prefix of ['io.k8s.api.', 'io.k8s.apimachinery.pkg.apis.', 'io.k8s.apimachinery.pkg.']) {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
}

const upperFirst = (s: string): string => (s === '' ? s : s[0].toUpperCase() + s.slice(1));

/**
 * The group as it appears inside operation ids: `''` → Core, `rbac.authorization.k8s.io`
 * → RbacAuthorization, `coordination.k8s.io` → Coordination.
 */
export function groupFriendlyName(group: string): string {
  if (group === '') return 'Core';
  const trimmed = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
  return trimmed
    .split(/[.-]/)
    .filter(Boolean)
    .map(upperFirst)
    .join('');
}

/** `core_v1`, `apps_v1`, `rbacAuthorization_v1`: the tag of every operation of a group-version. */
export function tagOf(group: string, version: string): string {
  const friendly = groupFriendlyName(group);
  return `${friendly[0].toLowerCase()}${friendly.slice(1)}_${version}`;
}

export type OperationVerb = 'read' | 'list' | 'create' | 'replace' | 'patch' | 'delete' | 'deletecollection';

export interface OperationIdParts {
  verb: OperationVerb;
  group: string;
  version: string;
  kind: string;
  /** Whether the path has `/namespaces/{namespace}/` before the resource. */
  namespaced: boolean;
  /** `status`, `scale`, `binding`, `eviction`, `finalize`. */
  subresource?: string;
  /** The cluster-wide list of a namespaced kind (`/api/v1/pods`). */
  forAllNamespaces?: boolean;
}

/**
 * Kubernetes' operation id: verb, group, version, `Namespaced` for namespaced paths, kind,
 * subresource, and `ForAllNamespaces` for the cluster-wide list of a namespaced kind:
 * `readCoreV1NamespacedPodStatus`, `listCoreV1PodForAllNamespaces`,
 * `deleteAppsV1CollectionNamespacedDeployment`.
 */
export function operationId(p: OperationIdParts): string {
  const verb = p.verb === 'deletecollection' ? 'deleteCollection' : p.verb;
  const gv = `${groupFriendlyName(p.group)}${upperFirst(p.version)}`;
  const scope = p.namespaced ? 'Namespaced' : '';
  const sub = p.subresource ? upperFirst(p.subresource) : '';
  const suffix = p.forAllNamespaces ? 'ForAllNamespaces' : '';
  if (verb === 'deleteCollection') return `delete${gv}Collection${scope}${p.kind}${sub}`;
  return `${verb}${gv}${scope}${p.kind}${sub}${suffix}`;
}
