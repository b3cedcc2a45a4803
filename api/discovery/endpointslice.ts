import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectReferenceSchema, objectSchema, stringMapSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import {
  duplicate,
  invalid,
  invalidEach,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv4,
  isIPv6,
  isQualifiedName,
  nameIsDNSSubdomain,
  notSupported,
  required,
  tooMany,
  validateImmutable,
  validateLabels,
} from '../validation.js';

/**
 * discovery.k8s.io/v1 EndpointSlice. Its fields sit at the top level (no spec/status);
 * endpoints and ports are serialized even when empty (`null`), hence nullable.
 */

export const endpointConditionsSchema = z.object({
  ready: z.boolean().optional(),
  serving: z.boolean().optional(),
  terminating: z.boolean().optional(),
});

export const endpointHintsSchema = z.object({
  forZones: z.array(z.object({ name: z.string() })).optional(),
  forNodes: z.array(z.object({ name: z.string() })).optional(),
});

export const endpointSchema = z.object({
  addresses: z.array(z.string()).optional(),
  conditions: endpointConditionsSchema.optional(),
  hostname: z.string().optional(),
  targetRef: objectReferenceSchema.optional(),
  deprecatedTopology: stringMapSchema.optional(),
  nodeName: z.string().optional(),
  zone: z.string().optional(),
  hints: endpointHintsSchema.optional(),
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const endpointPortSchema = z.object({
  name: z.string().optional(),
  protocol: z.string().optional(),
  port: z.number().int().optional(),
  appProtocol: z.string().optional(),
});
export type EndpointPort = z.infer<typeof endpointPortSchema>;

export const endpointSliceSchema = objectSchema({
  addressType: z.string().optional(),
  endpoints: z.array(endpointSchema).nullable().optional(),
  ports: z.array(endpointPortSchema).nullable().optional(),
});
export type EndpointSlice = z.infer<typeof endpointSliceSchema>;

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const portProtocols = ['SCTP', 'TCP', 'UDP'];
const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 20000;
const maxTopologyLabels = 16;

/** discovery/v1 SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(obj: KubeObject): void {
  for (const p of (obj as EndpointSlice).ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

/** ValidateEndpointIP / ValidateNonSpecialIP: addresses nobody can reach as an endpoint (EndpointSlices and core Endpoints). */
export function endpointIPErrors(ip: string): string[] {
  if (isIPv4(ip)) {
    const [a, b, c] = ip.split('.').map(Number) as [number, number, number];
    const errs: string[] = [];
    if (ip === '0.0.0.0') errs.push(`may not be unspecified (${ip})`);
    if (a === 127) errs.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
    if (a === 169 && b === 254) errs.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
    if (a === 224 && b === 0 && c === 0) errs.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
    return errs;
  }
  const low = ip.toLowerCase();
  const errs: string[] = [];
  if (/^(0*:)*:?0*$/.test(low) || low === '::') errs.push(`may not be unspecified (${ip})`);
  if (low === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(low)) errs.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (/^fe[89ab][0-9a-f]?:/.test(low)) errs.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (/^ff02:/.test(low)) errs.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errs;
}

function validateFQDN(name: string, field: string): FieldError[] {
  if (!name) return [required(field)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length > 0) return invalidEach(field, n, sub);
  const labels = n.split('.');
  if (labels.length < 2) return [invalid(field, n, 'should be a domain with at least two segments separated by dots')];
  return labels.flatMap((l) => invalidEach(field, l, isDNS1123Label(l)));
}

function validateAddress(addressType: string | undefined, address: string, field: string): FieldError[] {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? invalidEach(field, address, endpointIPErrors(address)) : [invalid(field, address, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIPv6(address) ? invalidEach(field, address, endpointIPErrors(address)) : [invalid(field, address, 'must be a valid IPv6 address')];
    case 'FQDN':
      return validateFQDN(address, field);
    default:
      return [];
  }
}

function validateEndpoints(endpoints: Endpoint[], addressType: string | undefined): FieldError[] {
  if (endpoints.length > maxEndpoints) return [tooMany('endpoints', endpoints.length, maxEndpoints)];
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addresses = ep.addresses ?? [];
    if (addresses.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(tooMany(`${p}.addresses`, addresses.length, maxAddresses));
    addresses.forEach((a, j) => errs.push(...validateAddress(addressType, a, `${p}.addresses[${j}]`)));
    if (ep.nodeName !== undefined) errs.push(...invalidEach(`${p}.nodeName`, ep.nodeName, nameIsDNSSubdomain(ep.nodeName, false)));
    const topology = ep.deprecatedTopology ?? {};
    if (Object.keys(topology).length > maxTopologyLabels) {
      errs.push(tooMany(`${p}.deprecatedTopology`, Object.keys(topology).length, maxTopologyLabels));
    }
    errs.push(...validateLabels(topology, `${p}.deprecatedTopology`));
    if (ep.zone !== undefined) errs.push(...validateLabels({ 'topology.kubernetes.io/zone': ep.zone }, `${p}.zone`));
    if (ep.hostname !== undefined) errs.push(...invalidEach(`${p}.hostname`, ep.hostname, isDNS1123Label(ep.hostname)));
  });
  return errs;
}

function validatePorts(ports: EndpointPort[]): FieldError[] {
  if (ports.length > maxPorts) return [tooMany('ports', ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name.length > 0) errs.push(...invalidEach(`${p}.name`, name, isDNS1123Label(name)));
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    if (port.protocol === undefined) errs.push(required(`${p}.protocol`));
    else if (!portProtocols.includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, portProtocols));
    if (port.appProtocol !== undefined) errs.push(...invalidEach(`${p}.appProtocol`, port.appProtocol, isQualifiedName(port.appProtocol)));
  });
  return errs;
}

/** ValidateEndpointSlice[Update]: addressType (immutable), endpoints, ports. */
export function validateEndpointSlice(obj: KubeObject, old?: KubeObject): FieldError[] {
  const eps = obj as EndpointSlice;
  const errs: FieldError[] = [];
  if (!eps.addressType) errs.push(required('addressType'));
  else if (!addressTypes.includes(eps.addressType)) errs.push(notSupported('addressType', eps.addressType, addressTypes));
  errs.push(...validateEndpoints(eps.endpoints ?? [], eps.addressType));
  errs.push(...validatePorts(eps.ports ?? []));
  if (old) errs.push(...validateImmutable(eps.addressType, (old as EndpointSlice).addressType, 'addressType'));
  return errs;
}

/** At most three entries, then ` + N more...`; `<unset>` when empty (listWithMoreString). */
function listWithMore(list: string[]): string {
  const max = 3;
  if (list.length > max) return `${list.slice(0, max).join(',')} + ${list.length - max} more...`;
  return list.length === 0 ? '<unset>' : list.join(',');
}

/** formatDiscoveryPorts: port numbers, a name when the number is unset, else `*`. */
export function formatEndpointSlicePorts(ports: EndpointPort[] | null | undefined): string {
  return listWithMore((ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : '*')));
}

/** formatDiscoveryEndpoints: every address of every endpoint. */
export function formatEndpointSliceEndpoints(endpoints: Endpoint[] | null | undefined): string {
  return listWithMore((endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

/** printEndpointSlice: NAME ADDRESSTYPE PORTS ENDPOINTS AGE. */
export function endpointSliceRow(obj: KubeObject, now: number): unknown[] {
  const eps = obj as EndpointSlice;
  return [eps.metadata.name ?? '', eps.addressType ?? '', formatEndpointSlicePorts(eps.ports), formatEndpointSliceEndpoints(eps.endpoints), age(obj, now)];
}

export const endpointSliceResource: ResourceType = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  plural: 'endpointslices',
  singular: 'endpointslice',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: endpointSliceSchema,
  subresources: {},
  // kube's EndpointSlice strategy bumps generation on any change outside metadata.
  hasGeneration: true,
  defaults: defaultEndpointSlice,
  validate: validateEndpointSlice,
  tableColumns: [
    nameColumn,
    column(
      'AddressType',
      'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
    ),
    column(
      'Ports',
      'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
    ),
    column('Endpoints', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
    ageColumn,
  ],
  tableRow: endpointSliceRow,
};
