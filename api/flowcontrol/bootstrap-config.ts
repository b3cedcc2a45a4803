import type { FlowSchema, FlowSubject, PriorityLevelConfiguration, ResourceRule } from './schemas.js';

/**
 * The configuration kube-apiserver creates at start (its apis/flowcontrol/bootstrap):
 * the mandatory objects (`exempt` and `catch-all`, which every cluster has) and the
 * suggested ones, with kube's names, precedences, shares and queue shapes, so
 * `kubectl get flowschemas,prioritylevelconfigurations` lists what a kube cluster lists.
 * Values are kube's defaults for flowcontrol/v1 (written here from its documentation).
 */

const AUTOUPDATE = { 'apf.kubernetes.io/autoupdate-spec': 'true' };
const meta = (name: string) => ({ name, annotations: { ...AUTOUPDATE } });

function limited(name: string, shares: number, lendablePercent: number, queuing?: { queues: number; handSize: number; queueLengthLimit: number }): PriorityLevelConfiguration {
  return {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: meta(name),
    spec: {
      type: 'Limited',
      limited: {
        nominalConcurrencyShares: shares,
        lendablePercent,
        limitResponse: queuing ? { type: 'Queue', queuing } : { type: 'Reject' },
      },
    },
  };
}

export const MANDATORY_PRIORITY_LEVELS: PriorityLevelConfiguration[] = [
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: meta('exempt'),
    spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } },
  },
  limited('catch-all', 5, 0),
];

export const SUGGESTED_PRIORITY_LEVELS: PriorityLevelConfiguration[] = [
  limited('system', 30, 33, { queues: 64, handSize: 6, queueLengthLimit: 50 }),
  limited('node-high', 40, 25, { queues: 64, handSize: 6, queueLengthLimit: 50 }),
  limited('leader-election', 10, 0, { queues: 16, handSize: 4, queueLengthLimit: 50 }),
  limited('workload-high', 40, 50, { queues: 128, handSize: 6, queueLengthLimit: 50 }),
  limited('workload-low', 100, 90, { queues: 128, handSize: 6, queueLengthLimit: 50 }),
  limited('global-default', 20, 50, { queues: 128, handSize: 6, queueLengthLimit: 50 }),
];

const user = (name: string): FlowSubject => ({ kind: 'User', user: { name } });
const group = (name: string): FlowSubject => ({ kind: 'Group', group: { name } });
const serviceAccount = (namespace: string, name: string): FlowSubject => ({ kind: 'ServiceAccount', serviceAccount: { namespace, name } });
const ALL = ['*'];
const everything = { resourceRules: [{ verbs: ALL, apiGroups: ALL, resources: ALL, clusterScope: true, namespaces: ALL }], nonResourceRules: [{ verbs: ALL, nonResourceURLs: ALL }] };
const rule = (verbs: string[], apiGroups: string[], resources: string[], namespaces?: string[]): ResourceRule =>
  namespaces ? { verbs, apiGroups, resources, namespaces } : { verbs, apiGroups, resources, clusterScope: true, namespaces: ALL };
const LEADER_ELECTION = ['get', 'create', 'update'];

function flowSchema(name: string, priorityLevel: string, precedence: number, distinguisher: 'ByUser' | 'ByNamespace' | undefined, rules: FlowSchema['spec']['rules']): FlowSchema {
  return {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'FlowSchema',
    metadata: meta(name),
    spec: {
      priorityLevelConfiguration: { name: priorityLevel },
      matchingPrecedence: precedence,
      ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}),
      rules,
    },
  };
}

export const MANDATORY_FLOW_SCHEMAS: FlowSchema[] = [
  flowSchema('exempt', 'exempt', 1, undefined, [{ subjects: [group('system:masters')], ...everything }]),
  flowSchema('catch-all', 'catch-all', 10000, 'ByUser', [{ subjects: [group('system:unauthenticated'), group('system:authenticated')], ...everything }]),
];

export const SUGGESTED_FLOW_SCHEMAS: FlowSchema[] = [
  flowSchema('probes', 'exempt', 2, undefined, [
    { subjects: [group('system:unauthenticated'), group('system:authenticated')], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }] },
  ]),
  flowSchema('system-leader-election', 'leader-election', 100, 'ByUser', [
    {
      subjects: [user('system:kube-controller-manager'), user('system:kube-scheduler')],
      resourceRules: [rule(LEADER_ELECTION, [''], ['endpoints', 'configmaps'], ['kube-system']), rule(LEADER_ELECTION, ['coordination.k8s.io'], ['leases'], ['kube-system'])],
    },
  ]),
  flowSchema('endpoint-controller', 'workload-high', 150, 'ByUser', [
    {
      subjects: [user('system:kube-controller-manager'), serviceAccount('kube-system', 'endpoint-controller')],
      resourceRules: [rule(LEADER_ELECTION, [''], ['endpoints'])],
    },
  ]),
  flowSchema('workload-leader-election', 'leader-election', 200, 'ByUser', [
    {
      subjects: [serviceAccount('kube-system', '*')],
      resourceRules: [rule(LEADER_ELECTION, [''], ['endpoints', 'configmaps'], ['kube-system']), rule(LEADER_ELECTION, ['coordination.k8s.io'], ['leases'], ['kube-system'])],
    },
  ]),
  flowSchema('system-node-high', 'node-high', 400, 'ByUser', [
    {
      subjects: [group('system:nodes')],
      resourceRules: [rule(ALL, [''], ['nodes', 'nodes/status']), rule(ALL, ['coordination.k8s.io'], ['leases'], ALL)],
    },
  ]),
  flowSchema('system-nodes', 'system', 500, 'ByUser', [{ subjects: [group('system:nodes')], ...everything }]),
  flowSchema('kube-controller-manager', 'workload-high', 800, 'ByNamespace', [{ subjects: [user('system:kube-controller-manager')], ...everything }]),
  flowSchema('kube-scheduler', 'workload-high', 800, 'ByNamespace', [{ subjects: [user('system:kube-scheduler')], ...everything }]),
  flowSchema('kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', [{ subjects: [serviceAccount('kube-system', '*')], ...everything }]),
  flowSchema('service-accounts', 'workload-low', 9000, 'ByUser', [{ subjects: [group('system:serviceaccounts')], ...everything }]),
  flowSchema('global-default', 'global-default', 9900, 'ByUser', [{ subjects: [group('system:unauthenticated'), group('system:authenticated')], ...everything }]),
];
