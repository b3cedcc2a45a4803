import type { PolicyRule } from '../../api/rbac/index.js';
import type { KubeObject } from '../../api/types.js';
import type { UserInfo } from './authenticator.js';
import type { Authorizer, Decision } from './rbac/authorizer.js';
import { ruleAllows, type RequestAttributes } from './rbac/rule-match.js';

/**
 * kube's Node authorizer (plugin/pkg/auth/authorizer/node): a kubelet (user
 * `system:node:NAME` in group `system:nodes`) reads a Secret, ConfigMap,
 * PersistentVolumeClaim or PersistentVolume, or mints a ServiceAccount token, only when a
 * pod bound to its node refers to it; it reaches only its own Lease; everything else it
 * may do is the fixed node rule set (kube's NodeRules). A request it does not allow goes
 * on to RBAC with the reason kept for the 403 message, as kube's union authorizer does.
 * Kube walks a graph kept from informers; here the node's pods are listed when a
 * kubelet asks for one of those objects, which the kubelet-sim rarely does (its shared
 * informers read them under their own identity).
 */

export const NODES_GROUP = 'system:nodes';
const NODE_USER_PREFIX = 'system:node:';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The node a user is a kubelet of (kube's NodeIdentifier), or undefined. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.username.startsWith(NODE_USER_PREFIX)) return undefined;
  const name = user.username.slice(NODE_USER_PREFIX.length);
  return name === '' ? undefined : name;
}

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });

/** What any kubelet may do besides the graph-checked reads (kube's bootstrappolicy NodeRules). */
export const NODE_RULES: PolicyRule[] = [
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
  rule(['get', 'list', 'watch'], [''], ['services']),
  rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
  rule(['update', 'patch'], [''], ['nodes/status']),
  rule(['update', 'patch'], [''], ['nodes']),
  rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
  rule(['get', 'list', 'watch'], [''], ['pods']),
  rule(['create', 'delete'], [''], ['pods']),
  rule(['update', 'patch'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction']),
  rule(['get'], [''], ['endpoints']),
  rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  rule(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
  rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
  rule(['get', 'list', 'watch'], ['node.k8s.io'], ['runtimeclasses']),
  rule(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
  rule(['get', 'watch', 'list'], ['storage.k8s.io'], ['csidrivers']),
];

/** The pods bound to a node, in one namespace or (undefined) in all. */
export type NodePods = (nodeName: string, namespace: string | undefined) => Promise<KubeObject[]>;

interface PodSpecRefs {
  serviceAccountName?: string;
  imagePullSecrets?: Array<{ name?: string }>;
  volumes?: Array<Record<string, any>>;
  containers?: Array<Record<string, any>>;
  initContainers?: Array<Record<string, any>>;
  ephemeralContainers?: Array<Record<string, any>>;
}

/** The names of the objects of one kind a pod refers to (kube's graph edges pod → object). */
export function podReferences(pod: KubeObject, kind: 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'serviceaccounts'): Set<string> {
  const spec = ((pod as { spec?: PodSpecRefs }).spec ?? {}) as PodSpecRefs;
  const out = new Set<string>();
  const add = (name: unknown) => {
    if (typeof name === 'string' && name !== '') out.add(name);
  };
  if (kind === 'serviceaccounts') {
    add(spec.serviceAccountName || 'default');
    return out;
  }
  if (kind === 'secrets') for (const s of spec.imagePullSecrets ?? []) add(s.name);
  for (const v of spec.volumes ?? []) {
    if (kind === 'secrets') {
      add(v.secret?.secretName);
      for (const src of v.projected?.sources ?? []) add(src.secret?.name);
      for (const key of ['azureFile', 'cephfs', 'cinder', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos', 'csi']) {
        add(v[key]?.secretRef?.name);
        add(v[key]?.nodePublishSecretRef?.name);
      }
      add(v.azureFile?.secretName);
    } else if (kind === 'configmaps') {
      add(v.configMap?.name);
      for (const src of v.projected?.sources ?? []) add(src.configMap?.name);
    } else {
      add(v.persistentVolumeClaim?.claimName);
      if (v.ephemeral) add(`${pod.metadata.name}-${v.name}`);
    }
  }
  if (kind === 'persistentvolumeclaims') return out;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const from of c.envFrom ?? []) add(kind === 'secrets' ? from.secretRef?.name : from.configMapRef?.name);
    for (const env of c.env ?? []) add(kind === 'secrets' ? env.valueFrom?.secretKeyRef?.name : env.valueFrom?.configMapKeyRef?.name);
  }
  return out;
}

const noOpinion = (reason: string): Decision => ({ allowed: false, reason });
const ALLOW: Decision = { allowed: true, reason: '' };

/**
 * The Node authorizer's decision for a kubelet's request; `undefined` when the user is no
 * kubelet (the authorizer has no opinion and says nothing).
 */
export async function authorizeNode(user: UserInfo, attrs: RequestAttributes, nodePods: NodePods, pvcVolume: (namespace: string, claim: string) => Promise<string | undefined>): Promise<Decision | undefined> {
  const nodeName = nodeNameOf(user);
  if (nodeName === undefined) return undefined;
  if (attrs.kind === 'nonResource') return noOpinion('');
  const core = attrs.group === '';
  const referenced = async (kind: 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'serviceaccounts'): Promise<Decision> => {
    if (!attrs.name) return noOpinion('No Object name found');
    const pods = await nodePods(nodeName, attrs.namespace);
    const found = pods.some((p) => podReferences(p, kind).has(attrs.name!));
    return found ? ALLOW : noOpinion(`no relationship found between node '${nodeName}' and this object`);
  };
  const readNamespaced = async (kind: 'secrets' | 'configmaps' | 'persistentvolumeclaims'): Promise<Decision> => {
    if (!['get', 'list', 'watch'].includes(attrs.verb)) return noOpinion('can only read resources of this type');
    if (attrs.subresource) return noOpinion('cannot read subresource');
    if (!attrs.namespace) return noOpinion('can only read namespaced object of this type');
    return referenced(kind);
  };
  if (core && attrs.resource === 'secrets') return readNamespaced('secrets');
  if (core && attrs.resource === 'configmaps') return readNamespaced('configmaps');
  if (core && attrs.resource === 'persistentvolumeclaims' && attrs.subresource !== 'status') return readNamespaced('persistentvolumeclaims');
  if (core && attrs.resource === 'persistentvolumes') {
    if (attrs.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (attrs.subresource) return noOpinion('cannot get subresource');
    if (!attrs.name) return noOpinion('No Object name found');
    for (const pod of await nodePods(nodeName, undefined)) {
      for (const claim of podReferences(pod, 'persistentvolumeclaims')) {
        if ((await pvcVolume(pod.metadata.namespace!, claim)) === attrs.name) return ALLOW;
      }
    }
    return noOpinion(`no relationship found between node '${nodeName}' and this object`);
  }
  if (core && attrs.resource === 'serviceaccounts' && attrs.subresource === 'token') {
    if (attrs.verb !== 'create') return noOpinion('can only create tokens for individual service accounts');
    return referenced('serviceaccounts');
  }
  if (attrs.group === 'coordination.k8s.io' && attrs.resource === 'leases') {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
    if (attrs.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
    if (attrs.verb !== 'create' && attrs.name !== nodeName) return noOpinion('can only access node lease with the same name as the requesting node');
    return ALLOW;
  }
  return NODE_RULES.some((r) => ruleAllows(r, attrs)) ? ALLOW : noOpinion('');
}

/**
 * kube's authorizer chain with the Node authorizer first: Node, then (for what it does
 * not allow) RBAC, whose denial keeps the Node authorizer's reason.
 */
export function withNodeAuthorizer(rbac: Authorizer, nodePods: NodePods, pvcVolume: (namespace: string, claim: string) => Promise<string | undefined>): Authorizer {
  return {
    ...rbac,
    async authorize(user, attrs) {
      const node = await authorizeNode(user, attrs, nodePods, pvcVolume);
      if (node?.allowed) return node;
      const decision = await rbac.authorize(user, attrs);
      if (decision.allowed || !node) return decision;
      return { allowed: false, reason: node.reason };
    },
  };
}
