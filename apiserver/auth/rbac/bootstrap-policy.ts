import type { PolicyRule } from '../../../api/rbac/index.js';
import type { KubeObject } from '../../../api/types.js';
import { CONTROLLER_CLUSTER_ROLE_BINDINGS, CONTROLLER_CLUSTER_ROLES } from './controller-policy.js';

/**
 * kube-apiserver's bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy),
 * the part Kubeling's API serves: the user-facing roles (cluster-admin, admin, edit, view,
 * the latter three aggregated from system:aggregate-to-*), the discovery and self-review
 * roles every authenticated user has, and the component roles. Created at start when
 * missing (the rbac/bootstrap-roles post-start hook); edits are kept, as kube keeps them
 * unless autoupdate is on.
 */

const RBAC = 'rbac.authorization.k8s.io';
const ALL_VERBS = ['*'];
const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

function clusterRole(name: string, rules: PolicyRule[], extra: { labels?: Record<string, string>; aggregateTo?: string } = {}): KubeObject {
  const labels = { ...BOOTSTRAP_LABELS, ...(extra.labels ?? {}) };
  const obj: KubeObject & Record<string, unknown> = { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name, labels, annotations: { ...AUTOUPDATE } }, rules };
  if (extra.aggregateTo) {
    obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`${RBAC}/aggregate-to-${extra.aggregateTo}`]: 'true' } }] };
    obj.rules = [];
  }
  return obj;
}

function clusterRoleBinding(name: string, role: string, subjects: Array<{ kind: 'User' | 'Group'; name: string } | { kind: 'ServiceAccount'; name: string; namespace: string }>): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS }, annotations: { ...AUTOUPDATE } },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) => (s.kind === 'ServiceAccount' ? { ...s } : { apiGroup: RBAC, ...s })),
  } as KubeObject;
}

const aggregateLabel = (to: string) => ({ [`${RBAC}/aggregate-to-${to}`]: 'true' });

/** Namespaced workload and config kinds a namespace user reads and writes. */
const CORE_NAMESPACED = ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'replicationcontrollers', 'replicationcontrollers/scale', 'persistentvolumeclaims', 'configmaps', 'endpoints', 'secrets', 'serviceaccounts', 'services', 'services/proxy'];
const APPS = ['deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale', 'daemonsets', 'controllerrevisions'];

const sa = (namespace: string, name: string) => ({ kind: 'ServiceAccount' as const, name, namespace });

/**
 * The add-ons' roles as their upstream manifests ship them (metrics-server's
 * components.yaml, ingress-nginx's deploy.yaml, cluster-autoscaler's and the cloud
 * provider's example RBAC), bound to the ServiceAccounts those manifests run them as.
 * kube-apiserver does not create these; `kubeling up` runs the add-ons, so the apiserver
 * keeps their policy with its own, created when missing and kept when edited.
 */
const ADDON_CLUSTER_ROLES: KubeObject[] = [
  clusterRole('system:metrics-server', [
    rule(['get'], [''], ['nodes/metrics', 'nodes/stats']),
    rule(['get', 'list', 'watch'], [''], ['pods', 'nodes']),
    // metrics-server registers its own APIService and Service here (the manifest does upstream).
    rule(['create', 'get', 'update'], ['apiregistration.k8s.io'], ['apiservices']),
    rule(['create', 'get', 'update'], [''], ['services', 'endpoints']),
  ]),
  clusterRole('ingress-nginx', [
    rule(['list', 'watch'], [''], ['configmaps', 'endpoints', 'nodes', 'pods', 'secrets', 'namespaces']),
    rule(['list', 'watch'], ['coordination.k8s.io'], ['leases']),
    rule(['get'], [''], ['nodes']),
    rule(['get', 'list', 'watch'], [''], ['services']),
    rule(['get', 'list', 'watch'], ['networking.k8s.io'], ['ingresses', 'ingressclasses']),
    rule(['create', 'patch'], [''], ['events']),
    rule(['update'], ['networking.k8s.io'], ['ingresses/status']),
    rule(['list', 'watch', 'get'], ['discovery.k8s.io'], ['endpointslices']),
    // Kubeling's controller installs its IngressClass itself (the manifest does upstream) and
    // routes through the simulated network, which honours NetworkPolicies.
    rule(['create'], ['networking.k8s.io'], ['ingressclasses']),
    rule(['list', 'watch'], ['networking.k8s.io'], ['networkpolicies']),
  ]),
  clusterRole('cluster-autoscaler', [
    rule(['create', 'patch'], [''], ['events', 'endpoints']),
    rule(['create'], [''], ['pods/eviction']),
    rule(['update'], [''], ['pods/status']),
    rule(['get', 'update'], [''], ['endpoints'], ['cluster-autoscaler']),
    rule(['watch', 'list', 'get', 'update', 'patch', 'delete'], [''], ['nodes']),
    rule(['watch', 'list', 'get'], [''], ['namespaces', 'pods', 'services', 'replicationcontrollers', 'persistentvolumeclaims', 'persistentvolumes']),
    rule(['watch', 'list', 'get'], ['apps'], ['statefulsets', 'replicasets', 'daemonsets']),
    rule(['watch', 'list', 'get'], ['policy'], ['poddisruptionbudgets']),
    rule(['watch', 'list', 'get'], ['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities']),
    rule(['get', 'list', 'watch', 'patch'], ['batch'], ['jobs', 'cronjobs']),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['cluster-autoscaler']),
    // Upstream grants these in a kube-system Role: the status and priority-expander ConfigMaps.
    rule(['create', 'list', 'watch', 'get', 'update', 'patch', 'delete'], [''], ['configmaps']),
  ]),
  clusterRole('system:cloud-controller-manager', [
    rule(['create', 'patch', 'update'], [''], ['events']),
    rule(ALL_VERBS, [''], ['nodes']),
    rule(['patch'], [''], ['nodes/status']),
    rule(['list', 'patch', 'update', 'watch'], [''], ['services']),
    rule(['list', 'patch', 'update', 'watch'], [''], ['services/status']),
    rule(['create', 'get'], [''], ['serviceaccounts']),
    rule(ALL_VERBS, [''], ['persistentvolumes']),
    rule(['create', 'get', 'list', 'watch', 'update'], [''], ['endpoints']),
    rule(['get', 'list', 'watch'], [''], ['secrets']),
    rule(['create', 'get', 'list', 'watch', 'update'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], [''], ['serviceaccounts/token']),
  ]),
  // Kubeling's own, a known deviation: its volume binder still writes claim and volume
  // changes as merge patches where kube's binder updates (its role grants update only).
  clusterRole('kubeling:persistent-volume-binder-patch', [rule(['patch'], [''], ['persistentvolumes', 'persistentvolumes/status', 'persistentvolumeclaims', 'persistentvolumeclaims/status'])]),
  // Kubeling's own: its HPA runs beside the controller manager (kube runs it inside) and, as
  // that manager, holds its own Lease.
  clusterRole('kubeling:hpa-leader-election', [rule(['create'], ['coordination.k8s.io'], ['leases']), rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kubeling-hpa'])]),
  // Kubeling's own: kube-proxy also plays the network plugin (flannel routes, NetworkPolicy
  // as a policy CNI such as Calico enforces it), which reads what those plugins' roles grant.
  clusterRole('kubeling:network-plugin', [
    rule(['get', 'list', 'watch'], [''], ['pods', 'namespaces', 'nodes']),
    rule(['get', 'list', 'watch'], ['networking.k8s.io'], ['networkpolicies']),
    // It also publishes the network configuration where kubeadm and flannel's manifest keep
    // it (kube-proxy/network-config.ts): ConfigMaps kube-system/kube-proxy and
    // kube-flannel-cfg. RBAC cannot limit create by name, hence the plain create.
    rule(['get', 'update', 'patch'], [''], ['configmaps'], ['kube-proxy', 'kube-flannel-cfg']),
    rule(['create'], [''], ['configmaps']),
  ]),
  // Kubeling's own: the kubelet-sim's shared informers and event recorder, one list+watch for all the nodes it
  // simulates (a real kubelet watches only its own pods and their volumes' sources, which
  // the Node authorizer allows). Its writes carry each node's credential.
  clusterRole('kubeling:kubelet-sim', [
    rule(['get', 'list', 'watch'], [''], ['nodes', 'pods', 'configmaps', 'secrets', 'services', 'endpoints', 'persistentvolumeclaims', 'persistentvolumes', 'namespaces']),
    // The simulated data plane (traffic between pods) follows Services, slices and policies.
    rule(['get', 'list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    rule(['get', 'list', 'watch'], ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingressclasses']),
    // Its event recorder is shared by the nodes too (each event names its node as source.host).
    rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  ]),
];

const ADDON_CLUSTER_ROLE_BINDINGS: KubeObject[] = [
  clusterRoleBinding('system:metrics-server', 'system:metrics-server', [sa('kube-system', 'metrics-server')]),
  clusterRoleBinding('metrics-server:system:auth-delegator', 'system:auth-delegator', [sa('kube-system', 'metrics-server')]),
  clusterRoleBinding('ingress-nginx', 'ingress-nginx', [sa('ingress-nginx', 'ingress-nginx')]),
  clusterRoleBinding('cluster-autoscaler', 'cluster-autoscaler', [sa('kube-system', 'cluster-autoscaler')]),
  clusterRoleBinding('system:cloud-controller-manager', 'system:cloud-controller-manager', [sa('kube-system', 'cloud-controller-manager')]),
  clusterRoleBinding('kubeling:persistent-volume-binder-patch', 'kubeling:persistent-volume-binder-patch', [sa('kube-system', 'persistent-volume-binder')]),
  clusterRoleBinding('kubeling:hpa-leader-election', 'kubeling:hpa-leader-election', [{ kind: 'User', name: 'system:kube-controller-manager' }, sa('kube-system', 'horizontal-pod-autoscaler')]),
  clusterRoleBinding('kubeling:kubelet-sim', 'kubeling:kubelet-sim', [{ kind: 'User', name: 'kubeling:kubelet-sim' }]),
  clusterRoleBinding('kubeling:network-plugin', 'kubeling:network-plugin', [{ kind: 'User', name: 'system:kube-proxy' }]),
];

export const BOOTSTRAP_CLUSTER_ROLES: KubeObject[] = [
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  clusterRole('admin', [], { aggregateTo: 'admin' }),
  clusterRole('edit', [], { aggregateTo: 'edit', labels: aggregateLabel('admin') }),
  clusterRole('view', [], { aggregateTo: 'view', labels: aggregateLabel('edit') }),
  clusterRole(
    'system:aggregate-to-admin',
    [
      rule(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], [RBAC], ['rolebindings', 'roles']),
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
    ],
    { labels: aggregateLabel('admin') },
  ),
  clusterRole(
    'system:aggregate-to-edit',
    [
      rule([...WRITE], [''], CORE_NAMESPACED),
      rule(['create'], [''], ['pods/eviction', 'serviceaccounts/token']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule([...WRITE], ['apps'], APPS),
      rule([...WRITE], ['autoscaling'], ['horizontalpodautoscalers']),
      rule([...WRITE], ['batch'], ['cronjobs', 'jobs']),
      rule([...WRITE], ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule([...WRITE], ['policy'], ['poddisruptionbudgets']),
      rule([...WRITE], ['coordination.k8s.io'], ['leases']),
      rule([...WRITE], ['discovery.k8s.io'], ['endpointslices']),
      rule([...READ, ...WRITE], ['events.k8s.io'], ['events']),
    ],
    { labels: aggregateLabel('edit') },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      rule(READ, [''], ['pods', 'pods/log', 'pods/status', 'replicationcontrollers', 'replicationcontrollers/scale', 'replicationcontrollers/status', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps', 'endpoints', 'services', 'services/status', 'serviceaccounts', 'bindings', 'events', 'limitranges', 'resourcequotas', 'resourcequotas/status', 'namespaces', 'namespaces/status']),
      rule(READ, ['apps'], [...APPS, 'deployments/status', 'replicasets/status', 'statefulsets/status', 'daemonsets/status']),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(READ, ['events.k8s.io'], ['events']),
      rule(READ, ['coordination.k8s.io'], ['leases']),
    ],
    { labels: aggregateLabel('view') },
  ),
  clusterRole('system:discovery', [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
  clusterRole('system:basic-user', [
    rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ]),
  clusterRole('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
  clusterRole('system:service-account-issuer-discovery', [urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'])]),
  clusterRole('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
  clusterRole('system:kube-scheduler', [
    rule(['create'], ['', 'events.k8s.io'], ['events']),
    rule(['patch', 'update'], ['', 'events.k8s.io'], ['events']),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
    rule(['delete', 'get', 'list', 'watch'], [''], ['nodes']),
    rule(['get', 'list', 'watch'], [''], ['pods', 'namespaces', 'persistentvolumeclaims', 'persistentvolumes', 'replicationcontrollers', 'services']),
    rule(['delete'], [''], ['pods']),
    rule(['create'], [''], ['pods/binding', 'bindings']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['get', 'list', 'watch'], ['apps'], ['replicasets', 'statefulsets']),
    rule(['get', 'list', 'watch'], ['policy'], ['poddisruptionbudgets']),
    rule(['get', 'list', 'watch'], ['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ]),
  // What the scheduler's VolumeBinding PreBind writes (claimRef on volumes, selected-node on claims).
  clusterRole('system:volume-scheduler', [
    rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']),
    rule(['get', 'list', 'watch'], ['storage.k8s.io'], ['storageclasses']),
    rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims']),
  ]),
  clusterRole('system:kube-controller-manager', [
    rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
    rule(['create'], [''], ['secrets', 'serviceaccounts']),
    rule(['delete'], [''], ['secrets']),
    rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
    rule(['update'], [''], ['secrets', 'serviceaccounts']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['create'], [''], ['serviceaccounts/token']),
  ]),
  clusterRole('system:volume-scheduler', [
    rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']),
    rule(['get', 'list', 'watch'], ['storage.k8s.io'], ['storageclasses']),
    rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims']),
  ]),
  clusterRole('system:node-proxier', [
    rule(['list', 'watch'], [''], ['endpoints', 'services']),
    rule(['get', 'list', 'watch'], [''], ['nodes']),
    rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
    rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
  ]),
  clusterRole('system:auth-delegator', [
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ]),
  ...ADDON_CLUSTER_ROLES,
  clusterRole('system:node', [
    rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
    rule(['create', 'get', 'list', 'watch', 'delete', 'patch', 'update'], [''], ['nodes', 'nodes/status']),
    rule(['get', 'list', 'watch'], [''], ['pods', 'services', 'endpoints', 'configmaps', 'secrets', 'persistentvolumeclaims', 'persistentvolumes']),
    rule(['create', 'delete'], [''], ['pods']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['create'], [''], ['pods/eviction', 'serviceaccounts/token']),
    rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
    rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  ]),
  ...CONTROLLER_CLUSTER_ROLES,
];

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: KubeObject[] = [
  clusterRoleBinding('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }]),
  clusterRoleBinding('system:discovery', 'system:discovery', [{ kind: 'Group', name: 'system:authenticated' }]),
  clusterRoleBinding('system:basic-user', 'system:basic-user', [{ kind: 'Group', name: 'system:authenticated' }]),
  clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
    { kind: 'Group', name: 'system:authenticated' },
    { kind: 'Group', name: 'system:unauthenticated' },
  ]),
  clusterRoleBinding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [{ kind: 'Group', name: 'system:serviceaccounts' }]),
  clusterRoleBinding('system:monitoring', 'system:monitoring', [{ kind: 'Group', name: 'system:monitoring' }]),
  clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [{ kind: 'User', name: 'system:kube-scheduler' }]),
  clusterRoleBinding('system:volume-scheduler', 'system:volume-scheduler', [{ kind: 'User', name: 'system:kube-scheduler' }]),
  clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', [{ kind: 'User', name: 'system:kube-controller-manager' }]),
  clusterRoleBinding('system:volume-scheduler', 'system:volume-scheduler', [{ kind: 'User', name: 'system:kube-scheduler' }]),
  clusterRoleBinding('system:node-proxier', 'system:node-proxier', [{ kind: 'User', name: 'system:kube-proxy' }]),
  ...ADDON_CLUSTER_ROLE_BINDINGS,
  ...CONTROLLER_CLUSTER_ROLE_BINDINGS,
];
