import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { conditionSchema, intOrStringSchema, objectSchema, stringMapSchema } from '../meta.js';
import { age, ageColumn, column, formatLabels, nameColumn } from '../printers.js';
import {
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  notSupported,
  required,
  validateLabels,
} from '../validation.js';
import { supportedPortProtocols } from './pod-validation.js';

export const servicePortSchema = z.object({
  name: z.string().optional(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
  port: z.number().int(),
  targetPort: intOrStringSchema.optional(),
  nodePort: z.number().int().optional(),
});
export type ServicePort = z.infer<typeof servicePortSchema>;

export const serviceSpecSchema = z.object({
  ports: z.array(servicePortSchema).optional(),
  selector: stringMapSchema.optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  type: z.string().optional(),
  externalIPs: z.array(z.string()).optional(),
  sessionAffinity: z.string().optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
  externalName: z.string().optional(),
  externalTrafficPolicy: z.string().optional(),
  healthCheckNodePort: z.number().int().optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  sessionAffinityConfig: z.object({ clientIP: z.object({ timeoutSeconds: z.number().int().optional() }).optional() }).optional(),
  ipFamilies: z.array(z.string()).optional(),
  ipFamilyPolicy: z.string().optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  loadBalancerClass: z.string().optional(),
  internalTrafficPolicy: z.string().optional(),
  trafficDistribution: z.string().optional(),
});
export type ServiceSpec = z.infer<typeof serviceSpecSchema>;

export const loadBalancerIngressSchema = z.object({
  ip: z.string().optional(),
  hostname: z.string().optional(),
  ipMode: z.string().optional(),
  ports: z.array(z.object({ port: z.number().int(), protocol: z.string(), error: z.string().optional() })).optional(),
});

export const serviceStatusSchema = z.object({
  loadBalancer: z.object({ ingress: z.array(loadBalancerIngressSchema).optional() }).optional(),
  conditions: z.array(conditionSchema).optional(),
});

export const serviceSchema = objectSchema({
  spec: serviceSpecSchema.optional(),
  status: serviceStatusSchema.optional(),
});
export type Service = z.infer<typeof serviceSchema>;

export const DefaultClientIPServiceAffinitySeconds = 10800;

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None' || svc.spec?.clusterIPs?.[0] === 'None';
}

function externallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
}

/**
 * SetDefaults_Service plus what the service REST storage fills before allocation:
 * clusterIP/clusterIPs kept in step and the single-stack IPv4 family defaults.
 */
export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DefaultClientIPServiceAffinitySeconds } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (!spec.internalTrafficPolicy && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
  }
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  if (spec.type !== 'ExternalName') {
    // A selector-less headless service takes both families; everything else here is IPv4 single-stack.
    const headlessNoSelector = isHeadless(svc) && Object.keys(spec.selector ?? {}).length === 0;
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = headlessNoSelector ? 'RequireDualStack' : 'SingleStack';
    if (!spec.ipFamilies?.length) spec.ipFamilies = headlessNoSelector ? ['IPv4', 'IPv6'] : ['IPv4'];
  }
}

/**
 * On update, Kubernetes keeps what the apiserver allocated when the new object leaves it
 * out (kubectl apply of a manifest without clusterIP/nodePort). The apiserver's service
 * strategy calls this with the stored object before defaults and validation.
 */
export function patchAllocatedServiceValues(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const oldSpec = old.spec ?? {};
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    if (!spec.clusterIP && !spec.clusterIPs?.length) {
      if (oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
      if (oldSpec.clusterIPs) spec.clusterIPs = [...oldSpec.clusterIPs];
    }
  }
  const nodePortType = (t?: string) => t === 'NodePort' || t === 'LoadBalancer';
  if (nodePortType(spec.type) && nodePortType(oldSpec.type)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (oldSpec.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
    if (!spec.healthCheckNodePort && oldSpec.healthCheckNodePort) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const affinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];
const familyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const families = ['IPv4', 'IPv6'];
const ipExample = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

export function validateService(svc: Service, old?: Service): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec ?? {};
  // metadata.name (a DNS-1035 label) is checked by the apiserver's metadata validation.
  const headless = isHeadless(svc);
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));

  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${spec.type} services`));
      break;
    case 'ExternalName': {
      if ((spec.clusterIPs ?? []).length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const clean = (spec.externalName ?? '').replace(/\.$/, '');
      if (!clean) errs.push(required('spec.externalName'));
      else errs.push(...invalidEach('spec.externalName', clean, isDNS1123Subdomain(clean)));
      break;
    }
  }

  const names = new Set<string>();
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${pp}.name`));
    else if (p.name) {
      errs.push(...invalidEach(`${pp}.name`, p.name, isDNS1123Label(p.name)));
      if (names.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    errs.push(...invalidEach(`${pp}.port`, p.port, isValidPortNum(p.port)));
    if (!p.protocol) errs.push(required(`${pp}.protocol`));
    else if (!supportedPortProtocols.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, supportedPortProtocols));
    if (typeof p.targetPort === 'number') errs.push(...invalidEach(`${pp}.targetPort`, p.targetPort, isValidPortNum(p.targetPort)));
    else if (typeof p.targetPort === 'string') errs.push(...invalidEach(`${pp}.targetPort`, p.targetPort, isValidPortName(p.targetPort)));
    if (p.nodePort) {
      if (spec.type === 'ClusterIP') errs.push(forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      const key = `${p.protocol}/${p.nodePort}`;
      if (seenNodePorts.has(key)) errs.push(duplicate(`${pp}.nodePort`, p.nodePort));
      seenNodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (seenPorts.has(key)) errs.push(duplicate(pp, { port: p.port, protocol: p.protocol }));
    seenPorts.add(key);
  });

  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(required('spec.sessionAffinity'));
  else if (!affinities.includes(spec.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, affinities));
  if (!spec.type) errs.push(required('spec.type'));
  else if (!serviceTypes.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, serviceTypes));

  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (i === 0 && ip === 'None') return;
    if (ip && !isValidIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, ipExample));
  });
  if (spec.clusterIP && spec.clusterIPs?.length && spec.clusterIP !== spec.clusterIPs[0]) {
    errs.push(invalid('spec.clusterIPs', spec.clusterIPs, 'first value must match `clusterIP`'));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isValidIP(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, ipExample));
  });
  if (spec.externalTrafficPolicy) {
    if (!trafficPolicies.includes(spec.externalTrafficPolicy)) {
      errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, trafficPolicies));
    } else if (!externallyAccessible(spec)) {
      errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    }
  }
  if (spec.internalTrafficPolicy && !trafficPolicies.includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, trafficPolicies));
  }
  if (spec.ipFamilyPolicy && !familyPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, familyPolicies));
  }
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!families.includes(f)) errs.push(notSupported(`spec.ipFamilies[${i}]`, f, families));
  });

  if (old) {
    const oldSpec = old.spec ?? {};
    const fromOrToExternalName = oldSpec.type === 'ExternalName' || spec.type === 'ExternalName';
    const oldIPs = oldSpec.clusterIPs ?? [];
    const newIPs = spec.clusterIPs ?? [];
    if (!fromOrToExternalName && oldIPs.length > 0 && oldIPs[0] !== newIPs[0]) {
      errs.push(invalid('spec.clusterIPs[0]', newIPs, 'may not change once set'));
    }
    const oldFam = oldSpec.ipFamilies ?? [];
    const newFam = spec.ipFamilies ?? [];
    if (!fromOrToExternalName && oldFam.length > 0 && newFam.length > 0 && oldFam[0] !== newFam[0]) {
      errs.push(invalid('spec.ipFamilies[0]', newFam[0], 'may not change once set'));
    }
  }
  return errs;
}

/** ip or hostname of each load-balancer ingress, sorted and deduplicated. */
function loadBalancerAddresses(svc: Service): string[] {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  return [...set].sort();
}

/** EXTERNAL-IP as the wide printer shows it. */
export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (external.length > 0) return [...lb, ...external].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `80/TCP,443:31443/TCP`, or `<none>`. */
export function servicePorts(svc: Service): string {
  const parts = (svc.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`));
  return parts.length > 0 ? parts.join(',') : '<none>';
}

export const serviceColumns = [
  nameColumn,
  column(
    'Type',
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  ),
  column(
    'Cluster-IP',
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  ),
  column(
    'External-IP',
    'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
  ),
  column('Port(s)', 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
  ageColumn,
  column(
    'Selector',
    'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
    { priority: 1 },
  ),
];

export function serviceTableRow(svc: Service, now: number): unknown[] {
  return [
    svc.metadata.name ?? '',
    svc.spec?.type ?? '',
    svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>',
    serviceExternalIP(svc),
    servicePorts(svc),
    age(svc as unknown as KubeObject, now),
    formatLabels(svc.spec?.selector),
  ];
}

const asService = (o: KubeObject) => o as unknown as Service;

export const serviceResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Service',
  listKind: 'ServiceList',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: serviceSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults: (o) => defaultService(asService(o)),
  validate: (o, old) => validateService(asService(o), old ? asService(old) : undefined),
  tableColumns: serviceColumns,
  tableRow: (o, now) => serviceTableRow(asService(o), now),
  prepareForCreate(o) {
    const svc = asService(o);
    svc.status = { loadBalancer: {} };
  },
};
