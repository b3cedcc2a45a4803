import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { column, nameColumn } from '../printers.js';
import { formatValue, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, validateImmutable } from '../validation.js';
import { validateStructural } from './structural.js';
import { compileRules } from './cel-rules.js';
import type { JSONSchemaProps } from './schema-types.js';

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition: the kind, its defaults and kube's
 * validation (names, versions, structural schemas, CEL rules). Serving the custom
 * resources is apiserver/crd/.
 */

const schemaProps = z.record(z.string(), z.unknown());

const columnSchema = z.object({
  name: z.string(),
  type: z.string(),
  format: z.string().optional(),
  description: z.string().optional(),
  priority: z.number().int().optional(),
  jsonPath: z.string(),
});

const versionSchema = z.object({
  name: z.string(),
  served: z.boolean(),
  storage: z.boolean(),
  deprecated: z.boolean().optional(),
  deprecationWarning: z.string().optional(),
  schema: z.object({ openAPIV3Schema: schemaProps.optional() }).optional(),
  subresources: z
    .object({
      status: z.record(z.string(), z.unknown()).optional(),
      scale: z.object({ specReplicasPath: z.string(), statusReplicasPath: z.string(), labelSelectorPath: z.string().optional() }).optional(),
    })
    .optional(),
  additionalPrinterColumns: z.array(columnSchema).optional(),
  selectableFields: z.array(z.object({ jsonPath: z.string() })).optional(),
});

const namesSchema = z.object({
  plural: z.string(),
  singular: z.string().optional(),
  shortNames: z.array(z.string()).optional(),
  kind: z.string(),
  listKind: z.string().optional(),
  categories: z.array(z.string()).optional(),
});

const webhookClientConfig = z.object({
  url: z.string().optional(),
  service: z.object({ namespace: z.string(), name: z.string(), path: z.string().optional(), port: z.number().int().optional() }).optional(),
  caBundle: z.string().optional(),
});

export const crdSchema = objectSchema({
  spec: z.object({
    group: z.string(),
    names: namesSchema,
    scope: z.string(),
    versions: z.array(versionSchema),
    conversion: z
      .object({
        strategy: z.string(),
        webhook: z.object({ clientConfig: webhookClientConfig.optional(), conversionReviewVersions: z.array(z.string()) }).optional(),
      })
      .optional(),
    preserveUnknownFields: z.boolean().optional(),
  }),
  status: z
    .object({
      conditions: z.array(z.object({ type: z.string(), status: z.string(), lastTransitionTime: z.string().nullable().optional(), reason: z.string().optional(), message: z.string().optional() })).optional(),
      acceptedNames: namesSchema.partial().optional(),
      storedVersions: z.array(z.string()).optional(),
    })
    .optional(),
});

export type CRD = z.infer<typeof crdSchema>;
export type CRDVersion = CRD['spec']['versions'][number];
export type CRDNames = CRD['spec']['names'];
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export function crdDefaults(obj: KubeObject): void {
  const crd = obj as unknown as CRD;
  const spec = crd.spec;
  if (!spec) return;
  spec.conversion ??= { strategy: 'None' };
  if (spec.conversion.strategy === 'Webhook' && spec.conversion.webhook?.clientConfig?.service && spec.conversion.webhook.clientConfig.service.port === undefined) {
    spec.conversion.webhook.clientConfig.service.port = 443;
  }
  if (spec.names) {
    if (!spec.names.singular) spec.names.singular = (spec.names.kind ?? '').toLowerCase();
    if (!spec.names.listKind && spec.names.kind) spec.names.listKind = `${spec.names.kind}List`;
  }
  for (const v of spec.versions ?? []) {
    for (const c of v.additionalPrinterColumns ?? []) c.priority ??= 0;
  }
}

const API_APPROVED = 'api-approved.kubernetes.io';

/** kube's protected community groups: k8s.io and kubernetes.io and their subdomains. */
function isProtectedGroup(group: string | undefined): boolean {
  return !!group && (group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io'));
}

type ApprovalState = 'missing' | 'bypassed' | 'approved' | 'invalid';

function approvalState(annotations: Record<string, string> | undefined): ApprovalState {
  const v = annotations?.[API_APPROVED];
  if (v === undefined) return 'missing';
  if (v.startsWith('unapproved')) return 'bypassed';
  try {
    const u = new URL(v);
    return u.protocol && u.host ? 'approved' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * kube's API-approval rule: a CRD in a protected group needs the `api-approved.kubernetes.io`
 * annotation (a URL, or a reason starting with "unapproved"); an update that leaves the
 * approval state as it was is never refused.
 */
function validateApiApproval(crd: CRD, old: CRD | undefined): FieldError[] {
  if (!isProtectedGroup(crd.spec?.group)) return [];
  const state = approvalState(crd.metadata.annotations);
  if (old && approvalState(old.metadata.annotations) === state) return [];
  const field = `metadata.annotations[${API_APPROVED}]`;
  if (state === 'missing') {
    return [{ type: 'FieldValueRequired', field, message: `Required value: protected groups must have approval annotation "${API_APPROVED}", see https://github.com/kubernetes/enhancements/pull/1111` }];
  }
  if (state === 'invalid') {
    return [{ type: 'FieldValueInvalid', field, message: `Invalid value: ${formatValue(crd.metadata.annotations![API_APPROVED]!)}: protected groups must have approval annotation "${API_APPROVED}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111` }];
  }
  return [];
}

/** kube's ValidateCustomResourceDefinition (+ Update). */
export function validateCRD(obj: KubeObject, old?: KubeObject): FieldError[] {
  const crd = obj as unknown as CRD;
  const spec = crd.spec;
  const errs: FieldError[] = [];
  if (!spec) return [{ type: 'FieldValueRequired', field: 'spec', message: 'Required value' }];
  const name = crd.metadata.name ?? '';
  if (name !== '' && name !== `${spec.names?.plural}.${spec.group}`) {
    errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${formatValue(name)}: must be spec.names.plural+"."+spec.group` });
  }
  if (!spec.group) errs.push({ type: 'FieldValueRequired', field: 'spec.group', message: 'Required value' });
  else {
    for (const m of isDNS1123Subdomain(spec.group)) errs.push({ type: 'FieldValueInvalid', field: 'spec.group', message: `Invalid value: ${formatValue(spec.group)}: ${m}` });
    if (spec.group.split('.').length < 2) errs.push({ type: 'FieldValueInvalid', field: 'spec.group', message: `Invalid value: ${formatValue(spec.group)}: should be a domain with at least one dot` });
  }
  errs.push(...validateApiApproval(crd, old as unknown as CRD | undefined));
  if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') {
    errs.push(spec.scope ? { type: 'FieldValueNotSupported', field: 'spec.scope', message: `Unsupported value: ${formatValue(spec.scope)}: supported values: "Cluster", "Namespaced"` } : { type: 'FieldValueRequired', field: 'spec.scope', message: 'Required value' });
  }
  errs.push(...validateNames(spec.names, 'spec.names'));
  const versions = spec.versions ?? [];
  if (versions.length === 0) errs.push({ type: 'FieldValueInvalid', field: 'spec.versions', message: 'Invalid value: []apiextensions.CustomResourceDefinitionVersion(nil): must have exactly one version marked as storage version' });
  else {
    const storage = versions.filter((v) => v.storage).length;
    if (storage !== 1) errs.push({ type: 'FieldValueInvalid', field: 'spec.versions', message: `Invalid value: []apiextensions.CustomResourceDefinitionVersion{${versions.map((v) => `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(v.name)}, Served:${v.served}, Storage:${v.storage}, ...}`).join(', ')}}: must have exactly one version marked as storage version` });
    if (!versions.some((v) => v.served)) errs.push({ type: 'FieldValueInvalid', field: 'spec.versions', message: 'Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have at least one version marked as served' });
  }
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (seen.has(v.name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, message: `Duplicate value: ${formatValue(v.name)}` });
    seen.add(v.name);
    for (const m of isDNS1035Label(v.name ?? '')) errs.push({ type: 'FieldValueInvalid', field: `${p}.name`, message: `Invalid value: ${formatValue(v.name)}: ${m}` });
    const schema = v.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
    if (!schema) {
      errs.push({ type: 'FieldValueRequired', field: `${p}.schema.openAPIV3Schema`, message: 'Required value: schemas are required' });
    } else {
      const base = `${p}.schema.openAPIV3Schema`;
      const structural = validateStructural(schema, base);
      errs.push(...structural);
      if (structural.length === 0) errs.push(...compileRules(schema, base).errors);
    }
    (v.additionalPrinterColumns ?? []).forEach((c, j) => {
      const cp = `${p}.additionalPrinterColumns[${j}]`;
      if (!c.name) errs.push({ type: 'FieldValueRequired', field: `${cp}.name`, message: 'Required value' });
      if (!['integer', 'number', 'string', 'boolean', 'date'].includes(c.type)) errs.push({ type: 'FieldValueNotSupported', field: `${cp}.type`, message: `Unsupported value: ${formatValue(c.type)}: supported values: "boolean", "date", "integer", "number", "string"` });
      if (!c.jsonPath) errs.push({ type: 'FieldValueRequired', field: `${cp}.jsonPath`, message: 'Required value' });
      else if (!c.jsonPath.startsWith('.')) errs.push({ type: 'FieldValueInvalid', field: `${cp}.jsonPath`, message: `Invalid value: ${formatValue(c.jsonPath)}: must be a simple json path starting with .` });
    });
    const scale = v.subresources?.scale;
    if (scale) {
      for (const [k, path] of [['specReplicasPath', scale.specReplicasPath], ['statusReplicasPath', scale.statusReplicasPath]] as const) {
        if (!path || !path.startsWith('.')) errs.push({ type: 'FieldValueInvalid', field: `${p}.subresources.scale.${k}`, message: `Invalid value: ${formatValue(path ?? '')}: should be a json path under .spec` });
      }
      if (scale.specReplicasPath && !scale.specReplicasPath.startsWith('.spec.')) errs.push({ type: 'FieldValueInvalid', field: `${p}.subresources.scale.specReplicasPath`, message: `Invalid value: ${formatValue(scale.specReplicasPath)}: should be a json path under .spec` });
      if (scale.statusReplicasPath && !scale.statusReplicasPath.startsWith('.status.')) errs.push({ type: 'FieldValueInvalid', field: `${p}.subresources.scale.statusReplicasPath`, message: `Invalid value: ${formatValue(scale.statusReplicasPath)}: should be a json path under .status` });
    }
  });
  const strategy = spec.conversion?.strategy ?? 'None';
  if (strategy !== 'None' && strategy !== 'Webhook') errs.push({ type: 'FieldValueNotSupported', field: 'spec.conversion.strategy', message: `Unsupported value: ${formatValue(strategy)}: supported values: "None", "Webhook"` });
  // kube validates the internal type, so its field paths say webhookClientConfig.
  const hook = spec.conversion?.webhook;
  if (strategy === 'Webhook') {
    const cc = hook?.clientConfig;
    if (!cc) errs.push({ type: 'FieldValueRequired', field: 'spec.conversion.webhookClientConfig', message: 'Required value: required when strategy is set to Webhook' });
    else if ((cc.url === undefined) === (cc.service === undefined)) errs.push({ type: 'FieldValueRequired', field: 'spec.conversion.webhookClientConfig', message: 'Required value: exactly one of url or service is required' });
    else if (cc.url !== undefined && !/^https:\/\//.test(cc.url)) errs.push({ type: 'FieldValueInvalid', field: 'spec.conversion.webhookClientConfig.url', message: `Invalid value: ${formatValue(cc.url.split(':', 1)[0])}: 'https' is the only allowed URL scheme` });
    const reviewVersions = hook?.conversionReviewVersions ?? [];
    if (reviewVersions.length === 0) errs.push({ type: 'FieldValueRequired', field: 'spec.conversion.conversionReviewVersions', message: 'Required value: must contain at least one version' });
    else if (!reviewVersions.some((v) => v === 'v1' || v === 'v1beta1')) errs.push({ type: 'FieldValueInvalid', field: 'spec.conversion.conversionReviewVersions', message: `Invalid value: []string{${reviewVersions.map((v) => JSON.stringify(v)).join(', ')}}: must include at least one of v1, v1beta1` });
  } else if (hook?.clientConfig) {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.conversion.webhookClientConfig', message: 'Forbidden: should not be set when strategy is not set to Webhook' });
  }
  if (spec.preserveUnknownFields) errs.push({ type: 'FieldValueInvalid', field: 'spec.preserveUnknownFields', message: 'Invalid value: true: must be false in order to use defaults in the schema' });
  if (old) {
    const o = (old as unknown as CRD).spec;
    errs.push(...validateImmutable(spec.scope, o?.scope, 'spec.scope'));
    // storedVersions must stay in spec.versions
    const stored = (old as unknown as CRD).status?.storedVersions ?? [];
    stored.forEach((sv, i) => {
      if (!versions.some((v) => v.name === sv)) errs.push({ type: 'FieldValueInvalid', field: `status.storedVersions[${i}]`, message: `Invalid value: ${formatValue(sv)}: must appear in spec.versions` });
    });
  }
  return errs;
}

function validateNames(n: CRDNames | undefined, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!n) return [{ type: 'FieldValueRequired', field: p, message: 'Required value' }];
  if (!n.plural) errs.push({ type: 'FieldValueRequired', field: `${p}.plural`, message: 'Required value' });
  else for (const m of isDNS1035Label(n.plural)) errs.push({ type: 'FieldValueInvalid', field: `${p}.plural`, message: `Invalid value: ${formatValue(n.plural)}: ${m}` });
  if (n.singular) for (const m of isDNS1035Label(n.singular)) errs.push({ type: 'FieldValueInvalid', field: `${p}.singular`, message: `Invalid value: ${formatValue(n.singular)}: ${m}` });
  if (!n.kind) errs.push({ type: 'FieldValueRequired', field: `${p}.kind`, message: 'Required value' });
  else for (const m of isDNS1035Label(n.kind.toLowerCase())) errs.push({ type: 'FieldValueInvalid', field: `${p}.kind`, message: `Invalid value: ${formatValue(n.kind)}: ${m}` });
  if (n.listKind && n.kind && n.listKind === n.kind) errs.push({ type: 'FieldValueInvalid', field: `${p}.listKind`, message: `Invalid value: ${formatValue(n.listKind)}: kind and listKind may not be the same` });
  (n.shortNames ?? []).forEach((s, i) => {
    for (const m of isDNS1035Label(s)) errs.push({ type: 'FieldValueInvalid', field: `${p}.shortNames[${i}]`, message: `Invalid value: ${formatValue(s)}: ${m}` });
  });
  (n.categories ?? []).forEach((s, i) => {
    for (const m of isDNS1123Label(s)) errs.push({ type: 'FieldValueInvalid', field: `${p}.categories[${i}]`, message: `Invalid value: ${formatValue(s)}: ${m}` });
  });
  return errs;
}

export const crdResource: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: crdSchema,
  subresources: { status: true },
  hasGeneration: true,
  defaults: crdDefaults,
  validate: validateCRD,
  tableColumns: [nameColumn, column('Created At', 'Creation timestamp', { type: 'date' })],
  tableRow: (obj) => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? ''],
  prepareForCreate(obj) {
    delete obj['status'];
  },
};
