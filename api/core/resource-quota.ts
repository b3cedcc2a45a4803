import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, resourceListSchema, type ResourceList } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid, isQualifiedName, notSupported } from '../validation.js';
import { formatQuantity, isValidQuantity, parseQuantity } from '../quantity.js';

/**
 * core/v1 ResourceQuota: hard limits per namespace. status.hard mirrors spec.hard and
 * status.used is kept by the resourcequota controller (controllers/resourcequota) and
 * charged at admission (apiserver/admission/resource-quota.ts).
 */

export const scopedResourceSelectorRequirementSchema = z.object({
  scopeName: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
});

export const resourceQuotaSchema = objectSchema({
  spec: z
    .object({
      hard: resourceListSchema.optional(),
      scopes: z.array(z.string()).optional(),
      scopeSelector: z.object({ matchExpressions: z.array(scopedResourceSelectorRequirementSchema).optional() }).optional(),
    })
    .optional(),
  status: z.object({ hard: resourceListSchema.optional(), used: resourceListSchema.optional() }).optional(),
});
export type ResourceQuota = z.infer<typeof resourceQuotaSchema>;

export const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'] as const;

/** kube's standard quota resource names (helper.IsStandardQuotaResourceName). */
const STANDARD_QUOTA_NAMES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
/** Quota names whose values count objects (helper.IsIntegerResourceName). */
const INTEGER_NAMES = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers']);

export function isIntegerQuotaName(name: string): boolean {
  return INTEGER_NAMES.has(name) || name.startsWith('count/') || name.endsWith('.storageclass.storage.k8s.io/persistentvolumeclaims');
}

const asQuota = (o: KubeObject) => o as unknown as ResourceQuota;

function validateHard(list: ResourceList | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(list ?? {})) {
    const path = `${field}[${k}]`;
    const qualified = isQualifiedName(k.startsWith('count/') ? k.slice('count/'.length) || '-' : k);
    for (const msg of qualified) errors.push(invalid(path, k, msg));
    if (qualified.length === 0 && !k.includes('/') && !STANDARD_QUOTA_NAMES.has(k)) errors.push(invalid(path, k, 'must be a standard resource for quota'));
    if (!isValidQuantity(v)) {
      errors.push(invalid(path, String(v), 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''));
      continue;
    }
    const n = parseQuantity(v);
    if (n < 0) errors.push(invalid(path, String(v), 'must be greater than or equal to 0'));
    else if (isIntegerQuotaName(k) && !Number.isInteger(n)) errors.push(invalid(path, String(v), 'must be an integer'));
  }
  return errors;
}

/** kube's ValidateResourceQuota (names, non-negative values, integer counts, known scopes). */
export function validateResourceQuota(rq: ResourceQuota): FieldError[] {
  const errors = [...validateHard(rq.spec?.hard, 'spec.hard'), ...validateHard(rq.status?.hard, 'status.hard'), ...validateHard(rq.status?.used, 'status.used')];
  const scopes = rq.spec?.scopes ?? [];
  scopes.forEach((s, i) => {
    if (!(QUOTA_SCOPES as readonly string[]).includes(s)) errors.push(invalid(`spec.scopes[${i}]`, s, 'unsupported scope'));
  });
  const all = [...scopes, ...(rq.spec?.scopeSelector?.matchExpressions ?? []).map((e) => e.scopeName)];
  const conflicting: Array<[string, string]> = [['Terminating', 'NotTerminating'], ['BestEffort', 'NotBestEffort']];
  for (const [a, b] of conflicting) {
    if (all.includes(a) && all.includes(b)) errors.push(invalid('spec.scopes', scopes, `conflicting scopes`));
  }
  (rq.spec?.scopeSelector?.matchExpressions ?? []).forEach((e, i) => {
    const base = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!(QUOTA_SCOPES as readonly string[]).includes(e.scopeName)) errors.push(invalid(`${base}.scopeName`, e.scopeName, 'unsupported scope'));
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) errors.push(notSupported(`${base}.operator`, e.operator, ['DoesNotExist', 'Exists', 'In', 'NotIn']));
  });
  return errors;
}

/** The quota's "used/hard" cells, as kube's printer writes them. */
function usageCell(rq: ResourceQuota, limits: boolean): string {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  return Object.keys(hard)
    .filter((k) => k.startsWith('limits.') === limits)
    .sort()
    .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`)
    .join(', ');
}

export const resourceQuotaResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: resourceQuotaSchema,
  subresources: { status: true },
  hasGeneration: false,
  defaults: () => {},
  validate: (o) => validateResourceQuota(asQuota(o)),
  tableColumns: [
    nameColumn,
    ageColumn,
    column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ],
  tableRow: (o, now) => [o.metadata.name ?? '', age(o, now), usageCell(asQuota(o), false), usageCell(asQuota(o), true)],
};

/** Writes a quota value in the format its hard limit uses (1Gi stays binary, 500m decimal). */
export function formatQuotaValue(value: number, like: string | number | undefined): string {
  const binary = typeof like === 'string' && /(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(like);
  return formatQuantity(value, binary ? 'BinarySI' : 'DecimalSI');
}
