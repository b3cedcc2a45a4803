import type { PolicyRule } from '../../../api/rbac/index.js';
import type { KubeObject } from '../../../api/types.js';

/**
 * kube's bootstrap roles for the controllers of kube-controller-manager (bootstrappolicy's
 * controller policy): one ClusterRole `system:controller:<sa>` per controller ServiceAccount,
 * bound to `kube-system/<sa>`. With --use-service-account-credentials (kubeadm's default)
 * each controller writes as that ServiceAccount, so these rules are all it may do; its
 * reads come from the manager's shared informers, which run as system:kube-controller-manager.
 *
 * The roles of kube's GA features, with kube's names and rules, including controllers that
 * Kubeling does not run (a user's own controller may run as those accounts).
 */

const RBAC = 'rbac.authorization.k8s.io';
export const CONTROLLER_ROLE_PREFIX = 'system:controller:';
const LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});

const CORE = '';
const APPS = 'apps';
const EXT = 'extensions';
const BATCH = 'batch';
const STORAGE = 'storage.k8s.io';
const CERTS = 'certificates.k8s.io';
/** kube's eventsRule(): every controller records events in both event APIs. */
const events = (): PolicyRule => r(['create', 'update', 'patch'], [CORE, 'events.k8s.io'], ['events']);

/** ServiceAccount name → rules, in kube's order. */
const CONTROLLER_RULES: ReadonlyArray<readonly [string, PolicyRule[]]> = [
  ['attachdetach-controller', [
    r(['list', 'watch'], [CORE], ['persistentvolumes', 'persistentvolumeclaims']),
    r(['get', 'list', 'watch'], [CORE], ['nodes']),
    r(['patch', 'update'], [CORE], ['nodes/status']),
    r(['list', 'watch'], [CORE], ['pods']),
    events(),
    r(['get', 'create', 'delete', 'list', 'watch'], [STORAGE], ['volumeattachments']),
    r(['get', 'watch', 'list'], [STORAGE], ['csidrivers']),
    r(['get', 'watch', 'list'], [STORAGE], ['csinodes']),
  ]],
  ['clusterrole-aggregation-controller', [r(['escalate', 'get', 'list', 'watch', 'update', 'patch'], [RBAC], ['clusterroles'])]],
  ['cronjob-controller', [
    r(['get', 'list', 'watch', 'update'], [BATCH], ['cronjobs']),
    r(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], [BATCH], ['jobs']),
    r(['update'], [BATCH], ['cronjobs/status']),
    r(['update'], [BATCH], ['cronjobs/finalizers']),
    r(['list', 'watch', 'delete'], [CORE], ['pods']),
    events(),
  ]],
  ['daemon-set-controller', [
    r(['get', 'list', 'watch'], [EXT, APPS], ['daemonsets']),
    r(['update'], [EXT, APPS], ['daemonsets/status']),
    r(['update'], [EXT, APPS], ['daemonsets/finalizers']),
    r(['list', 'watch'], [CORE], ['nodes']),
    r(['list', 'watch', 'create', 'delete', 'patch'], [CORE], ['pods']),
    r(['create'], [CORE], ['pods/binding']),
    r(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], [APPS], ['controllerrevisions']),
    events(),
  ]],
  ['deployment-controller', [
    r(['get', 'list', 'watch', 'update'], [EXT, APPS], ['deployments']),
    r(['update'], [EXT, APPS], ['deployments/status']),
    r(['update'], [EXT, APPS], ['deployments/finalizers']),
    r(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [APPS, EXT], ['replicasets']),
    r(['get', 'list', 'watch', 'update'], [CORE], ['pods']),
    events(),
  ]],
  ['disruption-controller', [
    r(['get', 'list', 'watch'], [EXT, APPS], ['deployments']),
    r(['get', 'list', 'watch'], [APPS, EXT], ['replicasets']),
    r(['get', 'list', 'watch'], [CORE], ['replicationcontrollers']),
    r(['get', 'list', 'watch'], ['policy'], ['poddisruptionbudgets']),
    r(['get', 'list', 'watch'], [APPS], ['statefulsets']),
    r(['update'], ['policy'], ['poddisruptionbudgets/status']),
    r(['patch', 'update'], [CORE], ['pods/status']),
    r(['get'], ['*'], ['*/scale']),
    events(),
  ]],
  ['endpoint-controller', [
    r(['get', 'list', 'watch'], [CORE], ['services', 'pods']),
    r(['get', 'list', 'watch', 'create', 'update', 'delete'], [CORE], ['endpoints']),
    r(['create'], [CORE], ['endpoints/restricted']),
    events(),
  ]],
  ['endpointslice-controller', [
    r(['get', 'list', 'watch'], [CORE], ['services', 'pods', 'nodes']),
    r(['update'], [CORE], ['services/finalizers']),
    r(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    events(),
  ]],
  ['endpointslicemirroring-controller', [
    r(['get', 'list', 'watch'], [CORE], ['services', 'endpoints']),
    r(['update'], [CORE], ['services/finalizers']),
    r(['update'], [CORE], ['endpoints/finalizers']),
    r(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    events(),
  ]],
  ['expand-controller', [
    r(['get', 'list', 'watch', 'update', 'patch'], [CORE], ['persistentvolumes']),
    r(['update', 'patch'], [CORE], ['persistentvolumeclaims/status']),
    r(['get', 'list', 'watch'], [CORE], ['persistentvolumeclaims']),
    events(),
    r(['get'], [CORE], ['services']),
  ]],
  ['ephemeral-volume-controller', [
    r(['get', 'list', 'watch'], [CORE], ['pods']),
    r(['update'], [CORE], ['pods/finalizers']),
    r(['get', 'list', 'watch', 'create'], [CORE], ['persistentvolumeclaims']),
    events(),
  ]],
  ['generic-garbage-collector', [r(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), events()]],
  ['horizontal-pod-autoscaler', [
    r(['get', 'list', 'watch'], ['autoscaling'], ['horizontalpodautoscalers']),
    r(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
    r(['get', 'update'], ['*'], ['*/scale']),
    r(['list', 'watch'], [CORE], ['pods']),
    r(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
    r(['get', 'list', 'watch'], ['custom.metrics.k8s.io'], ['*']),
    r(['get', 'list', 'watch'], ['external.metrics.k8s.io'], ['*']),
    events(),
  ]],
  ['job-controller', [
    r(['get', 'list', 'watch', 'update', 'patch'], [BATCH], ['jobs']),
    r(['update'], [BATCH], ['jobs/status']),
    r(['update'], [BATCH], ['jobs/finalizers']),
    r(['list', 'watch', 'create', 'delete', 'patch'], [CORE], ['pods']),
    events(),
  ]],
  ['namespace-controller', [
    r(['get', 'list', 'watch', 'delete'], [CORE], ['namespaces']),
    r(['update'], [CORE], ['namespaces/finalize', 'namespaces/status']),
    r(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
  ]],
  ['node-controller', [
    r(['get', 'list', 'watch', 'update', 'delete', 'patch'], [CORE], ['nodes']),
    r(['patch', 'update'], [CORE], ['nodes/status']),
    r(['patch', 'update'], [CORE], ['pods/status']),
    r(['list', 'watch', 'get', 'delete'], [CORE], ['pods']),
    events(),
  ]],
  ['persistent-volume-binder', [
    r(['get', 'list', 'watch', 'update', 'create', 'delete'], [CORE], ['persistentvolumes']),
    r(['update'], [CORE], ['persistentvolumes/status']),
    r(['get', 'list', 'watch', 'update'], [CORE], ['persistentvolumeclaims']),
    r(['update'], [CORE], ['persistentvolumeclaims/status']),
    r(['list', 'watch', 'get', 'create', 'delete'], [CORE], ['pods']),
    r(['get', 'list', 'watch'], [STORAGE], ['storageclasses']),
    r(['list', 'watch'], [CORE], ['nodes']),
    events(),
    r(['watch'], [CORE], ['events']),
    r(['get'], [CORE], ['services']),
  ]],
  ['pod-garbage-collector', [
    r(['list', 'watch', 'delete'], [CORE], ['pods']),
    r(['get', 'list', 'watch'], [CORE], ['nodes']),
    r(['patch'], [CORE], ['pods/status']),
  ]],
  ['replicaset-controller', [
    r(['get', 'list', 'watch', 'update'], [APPS, EXT], ['replicasets']),
    r(['update'], [APPS, EXT], ['replicasets/status']),
    r(['update'], [APPS, EXT], ['replicasets/finalizers']),
    r(['list', 'watch', 'patch', 'create', 'delete'], [CORE], ['pods']),
    events(),
  ]],
  ['replication-controller', [
    r(['get', 'list', 'watch', 'update'], [CORE], ['replicationcontrollers']),
    r(['update'], [CORE], ['replicationcontrollers/status']),
    r(['update'], [CORE], ['replicationcontrollers/finalizers']),
    r(['list', 'watch', 'patch', 'create', 'delete'], [CORE], ['pods']),
    events(),
  ]],
  ['resourcequota-controller', [r(['list', 'watch'], ['*'], ['*']), r(['update'], [CORE], ['resourcequotas/status']), events()]],
  ['route-controller', [r(['list', 'watch'], [CORE], ['nodes']), r(['patch'], [CORE], ['nodes/status']), events()]],
  ['service-account-controller', [r(['create'], [CORE], ['serviceaccounts']), events()]],
  ['service-controller', [
    r(['get', 'list', 'watch'], [CORE], ['services']),
    r(['patch', 'update'], [CORE], ['services/status']),
    r(['list', 'watch'], [CORE], ['nodes']),
    events(),
  ]],
  ['statefulset-controller', [
    r(['list', 'watch'], [CORE], ['pods']),
    r(['get', 'list', 'watch'], [APPS], ['statefulsets']),
    r(['update'], [APPS], ['statefulsets/status']),
    r(['update'], [APPS], ['statefulsets/finalizers']),
    r(['get', 'create', 'delete', 'update', 'patch'], [CORE], ['pods']),
    r(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], [APPS], ['controllerrevisions']),
    r(['get', 'create', 'list', 'watch'], [CORE], ['persistentvolumeclaims']),
    r(['update', 'delete'], [CORE], ['persistentvolumeclaims']),
    r(['update'], [CORE], ['pods/finalizers']),
    events(),
  ]],
  ['ttl-controller', [r(['update', 'patch', 'list', 'watch'], [CORE], ['nodes']), events()]],
  ['certificate-controller', [
    r(['get', 'list', 'watch', 'delete'], [CERTS], ['certificatesigningrequests']),
    r(['update'], [CERTS], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
    r(['approve'], [CERTS], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
    r(['sign'], [CERTS], ['signers'], ['kubernetes.io/legacy-unknown', 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
    r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    events(),
  ]],
  ['pvc-protection-controller', [
    r(['get', 'list', 'watch', 'update'], [CORE], ['persistentvolumeclaims']),
    r(['list', 'watch', 'get'], [CORE], ['pods']),
    events(),
  ]],
  ['pv-protection-controller', [r(['get', 'list', 'watch', 'update'], [CORE], ['persistentvolumes']), events()]],
  ['ttl-after-finished-controller', [r(['get', 'list', 'watch', 'delete'], [BATCH], ['jobs']), events()]],
  ['root-ca-cert-publisher', [r(['create', 'update'], [CORE], ['configmaps']), events()]],
  ['validatingadmissionpolicy-status-controller', [
    r(['get', 'list', 'watch'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies']),
    r(['get', 'patch', 'update'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies/status']),
    events(),
  ]],
  ['legacy-service-account-token-cleaner', [
    r(['get'], [CORE], ['configmaps'], ['kube-apiserver-legacy-service-account-token-tracking']),
    r(['patch', 'delete'], [CORE], ['secrets']),
  ]],
];

/** The ServiceAccounts (in kube-system) that have a controller role. */
export const CONTROLLER_SERVICE_ACCOUNTS: readonly string[] = CONTROLLER_RULES.map(([sa]) => sa);

export const CONTROLLER_CLUSTER_ROLES: KubeObject[] = CONTROLLER_RULES.map(([sa, rules]) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRole',
  metadata: { name: `${CONTROLLER_ROLE_PREFIX}${sa}`, labels: { ...LABELS }, annotations: { ...AUTOUPDATE } },
  rules,
}));

export const CONTROLLER_CLUSTER_ROLE_BINDINGS: KubeObject[] = CONTROLLER_RULES.map(([sa]) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { name: `${CONTROLLER_ROLE_PREFIX}${sa}`, labels: { ...LABELS }, annotations: { ...AUTOUPDATE } },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: `${CONTROLLER_ROLE_PREFIX}${sa}` },
  subjects: [{ kind: 'ServiceAccount', name: sa, namespace: 'kube-system' }],
}) as KubeObject);
