import type { KubeObject, ResourceType } from '../../api/types.js';
import { forbidden } from '../errors.js';
import { nodeNameOf } from '../auth/node-authorizer.js';
import type { AdmissionAttributes, AdmissionHook } from './attributes.js';

/**
 * kube's NodeRestriction admission plugin (plugin/pkg/admission/noderestriction): what
 * the Node authorizer lets a kubelet do by kind, narrowed by object: it writes only its
 * own Node and Lease, the status of pods bound to it, and creates and deletes only
 * mirror pods bound to it. The refusals are kube's messages, as admission.NewForbidden
 * wraps them (`pods "p" is forbidden: node "n1" can only …`).
 */

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Labels a kubelet may not set on its Node (kube's node-restriction.kubernetes.io/ prefix). */
const RESTRICTED_LABEL_PREFIX = 'node-restriction.kubernetes.io/';

type Spec = { nodeName?: string };
const specOf = (o: KubeObject | null): Spec => ((o as { spec?: Spec } | null)?.spec ?? {}) as Spec;

function refuse(attrs: AdmissionAttributes, reason: string): never {
  const resource = attrs.rt.group ? `${attrs.rt.plural}.${attrs.rt.group}` : attrs.rt.plural;
  const head = attrs.name ? `${resource} "${attrs.name}" is forbidden` : `${resource} is forbidden`;
  throw forbidden(`${head}: ${reason}`, { name: attrs.name || undefined, group: attrs.rt.group || undefined, kind: attrs.rt.plural });
}

function checkPod(nodeName: string, attrs: AdmissionAttributes): void {
  const sub = attrs.subresource;
  if (sub === 'status') {
    if (attrs.operation !== 'UPDATE') refuse(attrs, `unexpected operation "${attrs.operation}"`);
    if (specOf(attrs.oldObject).nodeName !== nodeName) refuse(attrs, `node "${nodeName}" can only update pod status for pods with spec.nodeName set to itself`);
    const before = JSON.stringify(attrs.oldObject?.metadata.labels ?? {});
    const after = JSON.stringify(attrs.object?.metadata.labels ?? {});
    if (before !== after) refuse(attrs, `node "${nodeName}" cannot update labels through pod status`);
    return;
  }
  if (sub === 'eviction') {
    if (specOf(attrs.oldObject ?? attrs.object).nodeName !== nodeName) refuse(attrs, `node "${nodeName}" can only evict pods with spec.nodeName set to itself`);
    return;
  }
  if (sub) return; // other subresources are the authorizer's to decide
  if (attrs.operation === 'CREATE') {
    const pod = attrs.object!;
    if (!pod.metadata.annotations?.[MIRROR_ANNOTATION]) refuse(attrs, `pod does not have "${MIRROR_ANNOTATION}" annotation, node "${nodeName}" can only create mirror pods`);
    if (specOf(pod).nodeName !== nodeName) refuse(attrs, `node "${nodeName}" can only create pods with spec.nodeName set to itself`);
    const owners = pod.metadata.ownerReferences ?? [];
    if (owners.length > 1) refuse(attrs, `node "${nodeName}" can only create pods with a single owner reference set to itself`);
    if (owners.length === 1) {
      const o = owners[0]!;
      if (o.apiVersion !== 'v1' || o.kind !== 'Node' || o.name !== nodeName) refuse(attrs, `node "${nodeName}" can only create pods with an owner reference set to itself`);
    }
    return;
  }
  if (attrs.operation === 'DELETE') {
    if (specOf(attrs.oldObject).nodeName !== nodeName) refuse(attrs, `node "${nodeName}" can only delete pods with spec.nodeName set to itself`);
    return;
  }
  refuse(attrs, `unexpected operation "${attrs.operation}", node "${nodeName}" can only create and delete mirror pods`);
}

function checkNode(nodeName: string, attrs: AdmissionAttributes): void {
  const requested = attrs.name || attrs.object?.metadata.name || '';
  if (requested !== nodeName) refuse(attrs, `node "${nodeName}" is not allowed to modify node "${requested}"`);
  if (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE') {
    const labels = attrs.object?.metadata.labels ?? {};
    const old = attrs.oldObject?.metadata.labels ?? {};
    const restricted = Object.keys(labels)
      .filter((k) => k.startsWith(RESTRICTED_LABEL_PREFIX) && labels[k] !== old[k])
      .sort();
    if (restricted.length > 0) {
      const verb = attrs.operation === 'CREATE' ? 'is not allowed to set the following labels' : 'is not allowed to modify labels';
      refuse(attrs, `node "${nodeName}" ${verb}: ${restricted.join(', ')}`);
    }
  }
}

function checkLease(nodeName: string, attrs: AdmissionAttributes): void {
  if (attrs.namespace !== NODE_LEASE_NAMESPACE) refuse(attrs, `can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  if (attrs.operation === 'CREATE' && attrs.object?.metadata.name !== nodeName) refuse(attrs, 'can only access node lease with the same name as the requesting node');
}

const concerns = (rt: ResourceType): boolean =>
  (rt.group === '' && (rt.kind === 'Pod' || rt.kind === 'Node')) || (rt.group === 'coordination.k8s.io' && rt.kind === 'Lease');

function check(attrs: AdmissionAttributes): void {
  const nodeName = nodeNameOf(attrs.request.user);
  if (nodeName === undefined) return;
  if (attrs.rt.kind === 'Pod') checkPod(nodeName, attrs);
  else if (attrs.rt.kind === 'Node') checkNode(nodeName, attrs);
  else checkLease(nodeName, attrs);
}

/**
 * The plugin, for Registries.useAdmissionPlugin. Requests from users that are no kubelet
 * pass untouched. Creates and updates are checked in the mutating phase (kube's Admit,
 * on the object as sent, before the status strategy drops what a status write may not
 * change); deletes in the validating phase, where the live object is known.
 */
export function nodeRestriction(): AdmissionHook {
  return {
    active: concerns,
    async admit(attrs) {
      if (attrs.operation !== 'DELETE') check(attrs);
      return attrs.object;
    },
    async validate(attrs) {
      if (attrs.operation === 'DELETE') check(attrs);
    },
  };
}
