import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { objectSchema } from '../meta.js';
import { notSupported, required } from '../validation.js';

/**
 * networking.k8s.io/v1 Ingress and IngressClass: schemas, kube's essential validation and
 * Table columns. Served so manifests and `kubectl apply --prune` (whose default allowlist
 * names Ingress) work; no ingress controller serves them yet.
 */

const backendSchema = z.object({
  service: z.object({ name: z.string(), port: z.object({ name: z.string().optional(), number: z.number().int().optional() }).optional() }).optional(),
  resource: z.object({ apiGroup: z.string().optional(), kind: z.string(), name: z.string() }).optional(),
});

export const ingressSchema = objectSchema({
  spec: z
    .object({
      ingressClassName: z.string().optional(),
      defaultBackend: backendSchema.optional(),
      tls: z.array(z.object({ hosts: z.array(z.string()).optional(), secretName: z.string().optional() })).optional(),
      rules: z
        .array(
          z.object({
            host: z.string().optional(),
            http: z.object({ paths: z.array(z.object({ path: z.string().optional(), pathType: z.string().optional(), backend: backendSchema })) }).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  status: z
    .object({
      loadBalancer: z
        .object({ ingress: z.array(z.object({ ip: z.string().optional(), hostname: z.string().optional(), ports: z.array(z.record(z.string(), z.unknown())).optional() })).optional() })
        .optional(),
    })
    .optional(),
});
export type Ingress = z.infer<typeof ingressSchema>;

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

export function validateIngress(obj: KubeObject): FieldError[] {
  const spec = (obj as Ingress).spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.defaultBackend && (spec.rules ?? []).length === 0) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified' });
  }
  if (spec.defaultBackend) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  (spec.rules ?? []).forEach((rule, i) => {
    (rule.http?.paths ?? []).forEach((p, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      if (!p.pathType) errs.push(required(`${at}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(p.pathType)) errs.push(notSupported(`${at}.pathType`, p.pathType, PATH_TYPES));
      if (p.pathType !== 'ImplementationSpecific' && !(p.path ?? '').startsWith('/')) {
        errs.push({ type: 'FieldValueInvalid', field: `${at}.path`, message: `Invalid value: ${JSON.stringify(p.path ?? '')}: must be an absolute path` });
      }
      errs.push(...validateIngressBackend(p.backend, `${at}.backend`));
    });
  });
  return errs;
}

type Backend = NonNullable<NonNullable<Ingress['spec']>['defaultBackend']>;

/** validateIngressBackend: exactly one of service (name, and a port name or number) or resource. */
export function validateIngressBackend(b: Backend, at: string): FieldError[] {
  const invalid = (field: string, value: string, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` });
  if (b.service && b.resource) return [invalid(at, '', 'cannot set both resource and service backends')];
  if (b.resource) {
    const errs: FieldError[] = [];
    if (!b.resource.kind) errs.push(required(`${at}.resource.kind`, 'kind is required'));
    else if (/[/%]/.test(b.resource.kind) || b.resource.kind === '.' || b.resource.kind === '..') errs.push(invalid(`${at}.resource.kind`, b.resource.kind, 'may not contain \'/\''));
    if (!b.resource.name) errs.push(required(`${at}.resource.name`, 'name is required'));
    return errs;
  }
  if (b.service) {
    const errs: FieldError[] = [];
    if (!b.service.name) errs.push(required(`${at}.service.name`));
    const name = b.service.port?.name ?? '';
    const num = b.service.port?.number ?? 0;
    if (name && num) errs.push(invalid(at, '', 'cannot set both port name & port number'));
    else if (!name && !num) errs.push(required(`${at}.service.port`, 'port name or number is required'));
    else if (num && (num < 1 || num > 65535)) errs.push({ type: 'FieldValueInvalid', field: `${at}.service.port.number`, message: `Invalid value: ${num}: must be between 1 and 65535, inclusive` });
    return errs;
  }
  return [invalid(at, '', 'resource or service backend is required')];
}

const MAX_HOSTS_SHOWN = 3;

/** printIngress: NAME CLASS HOSTS ADDRESS PORTS AGE. */
export function ingressRow(obj: KubeObject, now: number): unknown[] {
  const ing = obj as Ingress;
  const spec = ing.spec ?? {};
  // At most three hosts; once three are listed, "+ N more..." counts the remaining rules (hosted or not), as kube prints it.
  const rules = spec.rules ?? [];
  const shown: string[] = [];
  let more = false;
  for (const r of rules) {
    if (shown.length === MAX_HOSTS_SHOWN) more = true;
    if (!more && r.host) shown.push(r.host);
  }
  const hostCell = shown.length === 0 ? '*' : more ? `${shown.join(',')} + ${rules.length - MAX_HOSTS_SHOWN} more...` : shown.join(',');
  const addresses = (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
  const ports = (spec.tls ?? []).length > 0 ? '80, 443' : '80';
  return [ing.metadata.name ?? '', spec.ingressClassName ?? '<none>', hostCell, addresses.join(','), ports, age(obj, now)];
}

export const ingressResource: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  listKind: 'IngressList',
  plural: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ingressSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults() {},
  validate: validateIngress,
  tableColumns: [
    nameColumn,
    column('Class', 'The name of the IngressClass resource that should be used to handle this Ingress.'),
    column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  tableRow: ingressRow,
  prepareForCreate(obj) {
    obj['status'] = { loadBalancer: {} };
  },
};

export const ingressClassSchema = objectSchema({
  spec: z
    .object({
      controller: z.string().optional(),
      parameters: z.object({ apiGroup: z.string().optional(), kind: z.string(), name: z.string(), namespace: z.string().optional(), scope: z.string().optional() }).optional(),
    })
    .optional(),
});
export type IngressClass = z.infer<typeof ingressClassSchema>;

export const ingressClassResource: ResourceType = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  listKind: 'IngressClassList',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  shortNames: [],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ingressClassSchema,
  subresources: {},
  hasGeneration: true,
  defaults() {},
  validate(obj) {
    const spec = (obj as IngressClass).spec ?? {};
    return spec.controller ? [] : [required('spec.controller')];
  },
  tableColumns: [
    nameColumn,
    column('Controller', 'Controller that is in charge of handling this ingress class.'),
    column('Parameters', 'A reference to a resource with additional parameters.'),
    ageColumn,
  ],
  tableRow(obj, now) {
    const ic = obj as IngressClass;
    const p = ic.spec?.parameters;
    const params = p ? `${p.kind}.${p.apiGroup ?? ''}/${p.name}` : '<none>';
    return [ic.metadata.name ?? '', ic.spec?.controller ?? '', params, age(obj, now)];
  },
};
