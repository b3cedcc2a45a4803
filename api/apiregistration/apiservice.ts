import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { conditionSchema, objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid, isDNS1035Label, isDNS1123Subdomain, isValidPortNum, required } from '../validation.js';

/**
 * apiregistration.k8s.io/v1 APIService: tells the apiserver which group-version another
 * server answers (API aggregation). `spec.service` null means "served by this apiserver"
 * (Local); otherwise requests under /apis/<group>/<version> are proxied to the Service.
 * How Kubeling reaches that Service on loopback is apiserver/aggregator/backend.ts.
 */

export const serviceReferenceSchema = z.object({
  namespace: z.string().optional(),
  name: z.string().optional(),
  port: z.number().int().optional(),
});

export const apiServiceSpecSchema = z.object({
  service: serviceReferenceSchema.nullable().optional(),
  group: z.string().optional(),
  version: z.string().optional(),
  insecureSkipTLSVerify: z.boolean().optional(),
  /** PEM bundle, base64 in JSON (a []byte). */
  caBundle: z.string().optional(),
  groupPriorityMinimum: z.number().int(),
  versionPriority: z.number().int(),
});

export const apiServiceStatusSchema = z.object({
  conditions: z.array(conditionSchema).optional(),
});

export const apiServiceSchema = objectSchema({
  spec: apiServiceSpecSchema,
  status: apiServiceStatusSchema.optional(),
});
export type APIService = z.infer<typeof apiServiceSchema>;
export type APIServiceSpec = z.infer<typeof apiServiceSpecSchema>;

/** The Available condition, or undefined. */
export function availableCondition(obj: KubeObject): z.infer<typeof conditionSchema> | undefined {
  return (obj as APIService).status?.conditions?.find((c) => c.type === 'Available');
}

/** kube-aggregator's ValidateAPIService (names, group, version, priorities, TLS settings). */
export function validateAPIService(obj: KubeObject): FieldError[] {
  const svc = obj as APIService;
  const spec = svc.spec ?? ({} as APIServiceSpec);
  const errs: FieldError[] = [];
  const group = spec.group ?? '';
  const version = spec.version ?? '';
  const name = svc.metadata.name ?? '';
  // The name *must* be version.group, so that two objects cannot claim one group-version.
  const expected = `${version}.${group}`;
  if (name !== '' && name !== expected) errs.push(invalid('metadata.name', name, 'must be `spec.version+"."+spec.group`'));
  if (group === '' && version !== 'v1') errs.push(required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group !== '') for (const msg of isDNS1123Subdomain(group)) errs.push(invalid('spec.group', group, msg));
  for (const msg of isDNS1035Label(version)) errs.push(invalid('spec.version', version, msg));
  const gpm = spec.groupPriorityMinimum ?? 0;
  if (gpm <= 0 || gpm > 20000) errs.push(invalid('spec.groupPriorityMinimum', gpm, 'must be positive and less than 20000'));
  const vp = spec.versionPriority ?? 0;
  if (vp <= 0 || vp > 1000) errs.push(invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  const caBytes = spec.caBundle ? Buffer.from(spec.caBundle, 'base64').length : 0;
  if (!spec.service) {
    if (caBytes > 0) errs.push(invalid('spec.caBundle', `${caBytes} bytes`, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify) errs.push(invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  if (!spec.service.namespace) errs.push(required('spec.service.namespace'));
  if (!spec.service.name) errs.push(required('spec.service.name'));
  const port = spec.service.port ?? 443;
  const portErrs = isValidPortNum(port);
  if (portErrs.length > 0) errs.push(invalid('spec.service.port', port, `port is not valid: ${portErrs.join(', ')}`));
  if (spec.insecureSkipTLSVerify && caBytes > 0) errs.push(invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  return errs;
}

/** The SERVICE and AVAILABLE cells as kube-aggregator prints them. */
export function apiServiceRow(obj: KubeObject, now: number): unknown[] {
  const svc = obj as APIService;
  const service = svc.spec?.service ? `${svc.spec.service.namespace}/${svc.spec.service.name}` : 'Local';
  const cond = availableCondition(obj);
  let available = 'Unknown';
  if (cond) available = cond.status === 'True' ? 'True' : `${cond.status} (${cond.reason ?? ''})`;
  return [svc.metadata.name ?? '', service, available, age(obj, now)];
}

export const apiServiceResource: ResourceType = {
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  listKind: 'APIServiceList',
  plural: 'apiservices',
  singular: 'apiservice',
  shortNames: [],
  categories: ['api-extensions'],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: apiServiceSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults(obj) {
    const spec = (obj as APIService).spec;
    if (spec?.service && spec.service.port === undefined) spec.service.port = 443;
  },
  validate: validateAPIService,
  tableColumns: [
    nameColumn,
    column('Service', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'Whether this service is available.'),
    ageColumn,
  ],
  tableRow: apiServiceRow,
  prepareForCreate(obj) {
    delete obj['status'];
  },
};

