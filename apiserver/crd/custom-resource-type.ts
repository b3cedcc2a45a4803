import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType, TableColumnDefinition, VersionConversion } from '../../api/types.js';
import type { CRD, CRDVersion } from '../../api/apiextensions/crd.js';
import type { JSONSchemaProps } from '../../api/apiextensions/schema-types.js';
import { applyDefaults, prunedCopy } from '../../api/apiextensions/prune-default.js';
import { validateObject } from '../../api/apiextensions/validate-object.js';
import { compileRules } from '../../api/apiextensions/cel-rules.js';
import { age, humanDuration } from '../../api/printers.js';
import { evalJsonPath } from './jsonpath.js';
import { webhookConverter, type ConversionEnvironment } from './conversion-webhook.js';

/**
 * A CRD as the ResourceType the generic registry, REST handlers and discovery serve:
 * the storage version is the type's version, other served versions are conversions
 * (strategy None: only apiVersion changes). Decoding prunes unknown fields (so the
 * fieldValidation machinery reports them as for built-ins), defaults apply from the
 * schema, validation is the OpenAPI schema plus x-kubernetes-validations.
 */

const customTypes = new WeakSet<ResourceType>();
const crdOf = new WeakMap<ResourceType, CRD>();

export function isCustomResource(rt: ResourceType): boolean {
  return customTypes.has(rt);
}

export function crdFor(rt: ResourceType): CRD | undefined {
  return crdOf.get(rt);
}

function schemaOf(v: CRDVersion | undefined): JSONSchemaProps | undefined {
  return v?.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
}

/** A zod schema that accepts any JSON object and prunes it by the version's schema. */
function pruningSchema(schema: JSONSchemaProps | undefined): z.ZodType {
  return z
    .custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { message: 'expected an object' })
    .transform((v) => {
      const copy = prunedCopy(v, schema);
      if (copy.metadata && typeof copy.metadata === 'object') {
        // metadata is ObjectMeta: decode it as built-ins do
        const m = copy.metadata as Record<string, unknown>;
        for (const k of Object.keys(m)) if (!META_FIELDS.has(k)) delete m[k];
      }
      return copy;
    });
}

const META_FIELDS = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields']);

export function customResourceType(crd: CRD, env: ConversionEnvironment = {}): ResourceType | undefined {
  const spec = crd.spec;
  const storage = spec.versions.find((v) => v.storage);
  if (!storage) return undefined;
  const names = spec.names;
  const storageSchema = schemaOf(storage);
  const rules = compileRules(storageSchema, '').rules;
  const columns = printerColumns(storage);
  const otherServed = spec.versions.filter((v) => v.served && v.name !== storage.name);
  const viaWebhook = spec.conversion?.strategy === 'Webhook';
  const needsCall = (): never => {
    // Every caller converts through rt.convertObjects when it is set.
    throw new Error(`${names.kind} converts through a webhook: use convertObjects`);
  };
  const conversions: VersionConversion[] = otherServed.map((v) => ({
    version: v.name,
    schema: pruningSchema(schemaOf(v)),
    fromStorage: viaWebhook ? needsCall : (o) => ({ ...o, apiVersion: `${spec.group}/${v.name}` }),
    toStorage: viaWebhook ? needsCall : (o) => ({ ...o, apiVersion: `${spec.group}/${storage.name}` }),
  }));
  const selectable = storage.selectableFields ?? [];
  const fieldSelectors: Record<string, (obj: KubeObject) => string | undefined> = {};
  for (const f of selectable) {
    fieldSelectors[f.jsonPath.replace(/^\./, '')] = (obj) => {
      const v = evalJsonPath(obj, f.jsonPath);
      return v === undefined || v === null ? '' : String(v);
    };
  }
  const scale = storage.subresources?.scale;
  const rt: ResourceType = {
    group: spec.group,
    version: storage.name,
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    namespaced: spec.scope === 'Namespaced',
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    schema: pruningSchema(storageSchema),
    conversions,
    ...(viaWebhook ? { convertObjects: webhookConverter(crd, env) } : {}),
    subresources: {
      ...(storage.subresources?.status ? { status: true } : {}),
      ...(scale ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } } : {}),
    },
    hasGeneration: true,
    defaults(obj) {
      applyDefaults(obj, storageSchema);
    },
    validate(obj, old) {
      const errs: FieldError[] = [];
      if (storageSchema) errs.push(...validateObject(obj, storageSchema));
      if (rules && errs.length === 0) errs.push(...rules.validate(obj, old));
      return errs;
    },
    tableColumns: columns.defs,
    tableRow: (obj, now) => [obj.metadata.name ?? '', ...columns.cells(obj, now)],
    fieldSelectors,
    prepareForCreate(obj) {
      if (storage.subresources?.status) delete obj['status'];
    },
  };
  customTypes.add(rt);
  crdOf.set(rt, crd);
  return rt;
}

function printerColumns(v: CRDVersion): { defs: TableColumnDefinition[]; cells: (obj: KubeObject, now: number) => unknown[] } {
  const nameCol: TableColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 };
  const cols = v.additionalPrinterColumns;
  if (!cols || cols.length === 0) {
    return {
      defs: [nameCol, { name: 'Age', type: 'date', format: '', description: 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp', priority: 0 }],
      cells: (obj, now) => [age(obj, now)],
    };
  }
  return {
    defs: [
      nameCol,
      ...cols.map((c) => ({ name: c.name, type: c.type as TableColumnDefinition['type'], format: c.format ?? '', description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`, priority: c.priority ?? 0 })),
    ],
    cells: (obj, now) =>
      cols.map((c) => {
        const val = evalJsonPath(obj, c.jsonPath);
        if (val === undefined || val === null) return null;
        if (c.type === 'date' && typeof val === 'string') {
          const t = Date.parse(val);
          return Number.isNaN(t) ? val : humanDuration(now - t);
        }
        if (c.type === 'integer') return typeof val === 'number' ? Math.trunc(val) : null;
        if (c.type === 'number') return typeof val === 'number' ? val : null;
        if (c.type === 'boolean') return typeof val === 'boolean' ? val : null;
        return typeof val === 'string' ? val : JSON.stringify(val);
      }),
  };
}

/** The Warning a request to a deprecated CRD version gets (kube's default wording or the CRD's own). */
export function deprecationWarning(rt: ResourceType, version: string): string | undefined {
  const crd = crdOf.get(rt);
  const v = crd?.spec.versions.find((x) => x.name === version);
  if (!crd || !v?.deprecated) return undefined;
  if (v.deprecationWarning) return v.deprecationWarning;
  const better = crd.spec.versions.find((x) => x.served && !x.deprecated && x.storage) ?? crd.spec.versions.find((x) => x.served && !x.deprecated);
  const base = `${crd.spec.group}/${version} ${crd.spec.names.kind} is deprecated`;
  return better ? `${base}; use ${crd.spec.group}/${better.name} ${crd.spec.names.kind}` : base;
}
