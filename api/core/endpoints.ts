import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectReferenceSchema, objectSchema } from '../meta.js';
import { endpointIPErrors } from '../discovery/endpointslice.js';
import { age, ageColumn, column, joinHostPort, nameColumn } from '../printers.js';
import {
  duplicate,
  invalid,
  invalidEach,
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidIP,
  isValidPortNum,
  notSupported,
  required,
} from '../validation.js';
import { supportedPortProtocols } from './pod-validation.js';

export const endpointAddressSchema = z.object({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: objectReferenceSchema.optional(),
});
export type EndpointAddress = z.infer<typeof endpointAddressSchema>;

export const endpointPortSchema = z.object({
  name: z.string().optional(),
  port: z.number().int(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
});
export type EndpointPort = z.infer<typeof endpointPortSchema>;

export const endpointSubsetSchema = z.object({
  addresses: z.array(endpointAddressSchema).optional(),
  notReadyAddresses: z.array(endpointAddressSchema).optional(),
  ports: z.array(endpointPortSchema).optional(),
});
export type EndpointSubset = z.infer<typeof endpointSubsetSchema>;

export const endpointsSchema = objectSchema({
  subsets: z.array(endpointSubsetSchema).optional(),
});
export type Endpoints = z.infer<typeof endpointsSchema>;

export function defaultEndpoints(ep: Endpoints): void {
  for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((s, i) => {
    const sp = `subsets[${i}]`;
    const addrs = [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])];
    if (addrs.length === 0) errs.push(required(sp, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [kind, list] of [['addresses', s.addresses], ['notReadyAddresses', s.notReadyAddresses]] as const) {
      (list ?? []).forEach((a, j) => {
        const ap = `${sp}.${kind}[${j}]`;
        if (!isValidIP(a.ip)) errs.push(invalid(`${ap}.ip`, a.ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
        else for (const detail of endpointIPErrors(a.ip)) errs.push(invalid(`${ap}.ip`, a.ip, detail));
        if (a.hostname) errs.push(...invalidEach(`${ap}.hostname`, a.hostname, isDNS1123Label(a.hostname)));
        if (a.nodeName) errs.push(...invalidEach(`${ap}.nodeName`, a.nodeName, isDNS1123Subdomain(a.nodeName)));
      });
    }
    const ports = s.ports ?? [];
    const names = new Set<string>();
    ports.forEach((p, j) => {
      const pp = `${sp}.ports[${j}]`;
      if (ports.length > 1 && !p.name) errs.push(required(`${pp}.name`));
      else if (p.name) {
        errs.push(...invalidEach(`${pp}.name`, p.name, isDNS1123Label(p.name)));
        if (names.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
        names.add(p.name);
      }
      errs.push(...invalidEach(`${pp}.port`, p.port, isValidPortNum(p.port)));
      if (!p.protocol) errs.push(required(`${pp}.protocol`));
      else if (!supportedPortProtocols.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, supportedPortProtocols));
    });
  });
  return errs;
}

/** ENDPOINTS column: up to three `ip:port`, then ` + N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const s of subsets) {
    const addrs = s.addresses ?? [];
    const ports = s.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, p.port));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

const asEndpoints = (o: KubeObject) => o as unknown as Endpoints;

export const endpointsResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: endpointsSchema,
  subresources: {},
  hasGeneration: false,
  defaults: (o) => defaultEndpoints(asEndpoints(o)),
  validate: (o) => validateEndpoints(asEndpoints(o)),
  tableColumns: [
    nameColumn,
    column(
      'Endpoints',
      'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.',
    ),
    ageColumn,
  ],
  tableRow: (o, now) => [o.metadata.name ?? '', formatEndpoints(asEndpoints(o)), age(o, now)],
};
