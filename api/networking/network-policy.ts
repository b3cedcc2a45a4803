import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { intOrStringSchema, labelSelectorSchema, objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { formatLabelSelector } from '../selector.js';
import { forbidden, invalid, invalidEach, isValidPortName, isValidPortNum, notSupported, required, validateLabelSelector } from '../validation.js';
import { isStrictSubset, parseCidr } from './cidr.js';

/**
 * networking.k8s.io/v1 NetworkPolicy: stored, validated and defaulted as kube-apiserver
 * does (pkg/apis/networking/validation, v1 defaults); evaluated by network/network-policy-eval.ts.
 */

export const networkPolicyPortSchema = z.object({
  protocol: z.string().optional(),
  port: intOrStringSchema.optional(),
  endPort: z.number().int().optional(),
});

export const ipBlockSchema = z.object({
  cidr: z.string(),
  except: z.array(z.string()).optional(),
});

export const networkPolicyPeerSchema = z.object({
  podSelector: labelSelectorSchema.optional(),
  namespaceSelector: labelSelectorSchema.optional(),
  ipBlock: ipBlockSchema.optional(),
});

export const networkPolicyIngressRuleSchema = z.object({
  ports: z.array(networkPolicyPortSchema).optional(),
  from: z.array(networkPolicyPeerSchema).optional(),
});

export const networkPolicyEgressRuleSchema = z.object({
  ports: z.array(networkPolicyPortSchema).optional(),
  to: z.array(networkPolicyPeerSchema).optional(),
});

export const networkPolicySpecSchema = z.object({
  podSelector: labelSelectorSchema.optional(),
  ingress: z.array(networkPolicyIngressRuleSchema).optional(),
  egress: z.array(networkPolicyEgressRuleSchema).optional(),
  policyTypes: z.array(z.string()).optional(),
});

export const networkPolicySchema = objectSchema({
  spec: networkPolicySpecSchema.optional(),
});
export type NetworkPolicy = z.infer<typeof networkPolicySchema>;
export type NetworkPolicySpec = z.infer<typeof networkPolicySpecSchema>;
export type NetworkPolicyPeer = z.infer<typeof networkPolicyPeerSchema>;
export type NetworkPolicyPort = z.infer<typeof networkPolicyPortSchema>;

const protocols = ['SCTP', 'TCP', 'UDP'];
const policyTypes = ['Ingress', 'Egress'];
const cidrExample = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort (v1). */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const np = obj as NetworkPolicy;
  const spec = (np.spec ??= {});
  spec.podSelector ??= {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
  }
  if (!spec.policyTypes || spec.policyTypes.length === 0) {
    spec.policyTypes = spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !protocols.includes(port.protocol)) errs.push(notSupported(`${path}.protocol`, port.protocol, protocols));
  if (port.port === undefined) {
    if (port.endPort !== undefined) errs.push(forbidden(`${path}.endPort`, 'may not be specified when `port` is not specified'));
    return errs;
  }
  if (typeof port.port === 'number') {
    errs.push(...invalidEach(`${path}.port`, port.port, isValidPortNum(port.port)));
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) errs.push(invalid(`${path}.endPort`, port.endPort, 'must be greater than or equal to `port`'));
      errs.push(...invalidEach(`${path}.endPort`, port.endPort, isValidPortNum(port.endPort)));
    }
  } else {
    if (port.endPort !== undefined) errs.push(forbidden(`${path}.endPort`, 'may not be specified when `port` is non-numeric'));
    errs.push(...invalidEach(`${path}.port`, port.port, isValidPortName(port.port)));
  }
  return errs;
}

function validateIPBlock(block: NonNullable<NetworkPolicyPeer['ipBlock']>, path: string): FieldError[] {
  if (!block.cidr) return [required(`${path}.cidr`)];
  const cidr = parseCidr(block.cidr);
  if (!cidr) return [invalid(`${path}.cidr`, block.cidr, cidrExample)];
  const errs: FieldError[] = [];
  (block.except ?? []).forEach((text, i) => {
    const p = `${path}.except[${i}]`;
    const ex = parseCidr(text);
    if (!ex) errs.push(invalid(p, text, cidrExample));
    else if (!isStrictSubset(ex, cidr)) errs.push(invalid(p, text, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (peer.podSelector !== undefined) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector !== undefined) {
    // podSelector and namespaceSelector together count as one peer (both must match).
    if (peer.podSelector === undefined) peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock !== undefined) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (peers === 0) errs.push(required(path, 'must specify a peer'));
  else if (peers > 1) errs.push(forbidden(path, 'may not specify more than 1 peer'));
  return errs;
}

/** ValidateNetworkPolicySpec. */
export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const spec = (obj as NetworkPolicy).spec ?? {};
  const errs: FieldError[] = [...validateLabelSelector(spec.podSelector, 'spec.podSelector')];
  (spec.ingress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.ingress[${i}].ports[${j}]`)));
    (rule.from ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`)));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.egress[${i}].ports[${j}]`)));
    (rule.to ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`)));
  });
  (spec.policyTypes ?? []).forEach((t, i) => {
    if (!policyTypes.includes(t)) errs.push(notSupported(`spec.policyTypes[${i}]`, t, policyTypes));
  });
  if ((spec.policyTypes ?? []).length > 2) errs.push(invalid('spec.policyTypes', spec.policyTypes, 'may not specify more than two policyTypes'));
  return errs;
}

/** printNetworkPolicy: NAME POD-SELECTOR AGE. */
export function networkPolicyRow(obj: KubeObject, now: number): unknown[] {
  const np = obj as NetworkPolicy;
  return [np.metadata.name ?? '', formatLabelSelector(np.spec?.podSelector), age(obj, now)];
}

export const networkPolicyResource: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  listKind: 'NetworkPolicyList',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: networkPolicySchema,
  subresources: {},
  hasGeneration: true,
  defaults: defaultNetworkPolicy,
  validate: validateNetworkPolicy,
  tableColumns: [
    nameColumn,
    column('Pod-Selector', 'The label selector that selects the pods this policy applies to.'),
    ageColumn,
  ],
  tableRow: networkPolicyRow,
};
