import type { Registries } from './registries.js';
import { ApiError } from '../errors.js';
import type { KubeObject } from '../../api/types.js';
import { priorityClassResource, SYSTEM_PRIORITY_CLASSES } from '../../api/scheduling/index.js';
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from '../auth/rbac/bootstrap-policy.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/**
 * What kube-apiserver's bootstrap controllers ensure at start: the system namespaces and
 * the `kubernetes` Service in `default` at the Service range's first address. Idempotent; safe with several apiservers.
 */
export async function bootstrap(reg: Registries, servingPort: number): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(() => reg.namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  }
  // kube-apiserver's rbac/bootstrap-roles: missing default roles and bindings are created.
  const clusterRoles = reg.forKind('rbac.authorization.k8s.io', 'ClusterRole');
  for (const role of BOOTSTRAP_CLUSTER_ROLES) await ensure(() => clusterRoles.create(undefined, structuredClone(role)));
  const clusterRoleBindings = reg.forKind('rbac.authorization.k8s.io', 'ClusterRoleBinding');
  for (const binding of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) await ensure(() => clusterRoleBindings.create(undefined, structuredClone(binding)));
  // kube-apiserver's scheduling bootstrap: the two system PriorityClasses.
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    await ensure(() => reg.for(priorityClassResource).create(undefined, structuredClone(pc)));
  }
  const svc: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: reg.serviceIpRange.kubernetesServiceIP,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: servingPort }],
      sessionAffinity: 'None',
    },
  };
  // Look first: the Service hook checks the clusterIP before the name, as kube-apiserver
  // does, so a plain create of an existing `kubernetes` Service fails on its IP.
  const services = reg.forKind('', 'Service');
  try {
    await services.get('default', 'kubernetes');
    return;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
  await ensure(() => services.create('default', svc));
}

async function ensure(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (err instanceof ApiError && err.code === 409) return;
    throw err;
  }
}
