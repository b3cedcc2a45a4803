import type { FieldError } from '../types.js';
import type { JSONSchemaProps } from './schema-types.js';

/**
 * Kubernetes' structural-schema rules (apiextensions-apiserver pkg/apiserver/schema
 * validation.go), checked when a CRD is created or updated. Every error's field is under
 * `base` (…openAPIV3Schema) and worded as kube words it.
 */

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const VALUE_VALIDATION_FORBIDDEN = ['type', 'default', 'additionalProperties', 'nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string'] as const;

export function validateStructural(schema: JSONSchemaProps, base: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!schema || typeof schema !== 'object') {
    errs.push({ type: 'FieldValueRequired', field: base, message: 'Required value: schemas are required' });
    return errs;
  }
  if (!schema.type) {
    errs.push({ type: 'FieldValueRequired', field: `${base}.type`, message: 'Required value: must not be empty at the root' });
  } else if (schema.type !== 'object') {
    errs.push({ type: 'FieldValueInvalid', field: `${base}.type`, message: `Invalid value: "${schema.type}": must be object at the root` });
  }
  if (schema.nullable) errs.push({ type: 'FieldValueForbidden', field: `${base}.nullable`, message: 'Forbidden: must be false at the root' });
  const meta = schema.properties?.['metadata'];
  if (meta) {
    const extra = Object.keys(meta).filter((k) => !['type', 'properties', 'description'].includes(k));
    const props = Object.keys(meta.properties ?? {});
    const okProps = props.every((p) => (p === 'name' || p === 'generateName') && isStringOnly(meta.properties![p]!));
    if ((meta.type && meta.type !== 'object') || extra.length > 0 || !okProps) {
      errs.push({ type: 'FieldValueForbidden', field: `${base}.properties[metadata]`, message: 'Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified' });
    }
  }
  walk(schema, base, true, errs);
  return errs;
}

function isStringOnly(s: JSONSchemaProps): boolean {
  return s.type === 'string' && Object.keys(s).every((k) => ['type', 'description', 'maxLength', 'pattern', 'minLength', 'format'].includes(k));
}

function walk(s: JSONSchemaProps, path: string, root: boolean, errs: FieldError[]): void {
  if (!s || typeof s !== 'object') return;
  if (s.type !== undefined && s.type !== '' && !TYPES.includes(s.type)) {
    errs.push({ type: 'FieldValueNotSupported', field: `${path}.type`, message: `Unsupported value: "${s.type}": supported values: ${TYPES.map((t) => `"${t}"`).join(', ')}` });
  }
  const typed = !!s.type || !!s['x-kubernetes-int-or-string'] || !!s['x-kubernetes-preserve-unknown-fields'];
  if (!root && !typed) {
    errs.push({ type: 'FieldValueRequired', field: `${path}.type`, message: 'Required value: must not be empty for specified object fields' });
  }
  if (s['x-kubernetes-int-or-string'] && s.type) {
    errs.push({ type: 'FieldValueForbidden', field: `${path}.type`, message: 'Forbidden: must be empty if x-kubernetes-int-or-string is true' });
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push({ type: 'FieldValueInvalid', field: `${path}.x-kubernetes-preserve-unknown-fields`, message: 'Invalid value: false: must be true or undefined' });
  }
  if (s['x-kubernetes-embedded-resource'] && s.type !== 'object') {
    errs.push({ type: 'FieldValueInvalid', field: `${path}.type`, message: `Invalid value: "${s.type ?? ''}": must be object if x-kubernetes-embedded-resource is true` });
  }
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push({ type: 'FieldValueForbidden', field: `${path}.additionalProperties`, message: 'Forbidden: additionalProperties and properties are mutual exclusive' });
  }
  if (s.additionalProperties === false) {
    errs.push({ type: 'FieldValueForbidden', field: `${path}.additionalProperties`, message: 'Forbidden: must not be false' });
  }
  if (s.$ref !== undefined) errs.push({ type: 'FieldValueForbidden', field: `${path}.$ref`, message: '$ref is not supported' });
  if (s.type === 'array' && !s.items) {
    errs.push({ type: 'FieldValueRequired', field: `${path}.items`, message: 'Required value: must be specified' });
  }
  const lt = s['x-kubernetes-list-type'];
  if (lt !== undefined) {
    if (!['atomic', 'set', 'map'].includes(lt)) {
      errs.push({ type: 'FieldValueNotSupported', field: `${path}.x-kubernetes-list-type`, message: `Unsupported value: "${lt}": supported values: "atomic", "set", "map"` });
    } else if (s.type !== 'array') {
      errs.push({ type: 'FieldValueInvalid', field: `${path}.type`, message: `Invalid value: "${s.type ?? ''}": must be array if x-kubernetes-list-type is specified` });
    }
    if (lt === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      if (keys.length === 0) errs.push({ type: 'FieldValueRequired', field: `${path}.x-kubernetes-list-map-keys`, message: 'Required value: must not be empty if x-kubernetes-list-type is map' });
      if (s.items && s.items.type !== 'object') {
        errs.push({ type: 'FieldValueInvalid', field: `${path}.items.type`, message: `Invalid value: "${s.items.type ?? ''}": must be object when x-kubernetes-list-type is map` });
      }
      for (const k of keys) {
        const p = s.items?.properties?.[k];
        if (s.items?.type === 'object' && !p) {
          errs.push({ type: 'FieldValueRequired', field: `${path}.items.properties[${k}]`, message: 'Required value: entries for all x-kubernetes-list-map-keys are required' });
        }
      }
    }
  } else if (s['x-kubernetes-list-map-keys'] !== undefined) {
    errs.push({ type: 'FieldValueForbidden', field: `${path}.x-kubernetes-list-map-keys`, message: 'Forbidden: must be empty if x-kubernetes-list-type is not map' });
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch {
      errs.push({ type: 'FieldValueInvalid', field: `${path}.pattern`, message: `Invalid value: "${s.pattern}": must be a valid regular expression` });
    }
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    (s[key] ?? []).forEach((sub, i) => checkValueValidation(sub, `${path}.${key}[${i}]`, errs));
  }
  if (s.not) checkValueValidation(s.not, `${path}.not`, errs);
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    if (root && (name === 'metadata' || name === 'apiVersion' || name === 'kind') && name === 'metadata') continue;
    walk(prop, `${path}.properties[${name}]`, false, errs);
  }
  if (s.items && typeof s.items === 'object') {
    if (Array.isArray(s.items)) {
      errs.push({ type: 'FieldValueForbidden', field: `${path}.items`, message: 'Forbidden: items must be a schema object and not an array' });
    } else {
      const before = errs.length;
      walk(s.items, `${path}.items`, false, errs);
      // kube words a missing items type apart from a missing property type
      for (let i = before; i < errs.length; i++) {
        const e = errs[i]!;
        if (e.field === `${path}.items.type` && e.type === 'FieldValueRequired') e.message = 'Required value: must not be empty for specified array items';
      }
    }
  }
  if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${path}.additionalProperties`, false, errs);
}

/** Inside allOf/anyOf/oneOf/not only value validations may appear (no types, defaults, …). */
function checkValueValidation(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (!s || typeof s !== 'object') return;
  for (const k of VALUE_VALIDATION_FORBIDDEN) {
    if (s[k] !== undefined && s[k] !== false && s[k] !== '') errs.push({ type: 'FieldValueForbidden', field: `${path}.${k}`, message: 'Forbidden: must be empty to be structural' });
  }
  for (const [name, p] of Object.entries(s.properties ?? {})) checkValueValidation(p, `${path}.properties[${name}]`, errs);
  if (s.items && typeof s.items === 'object') checkValueValidation(s.items, `${path}.items`, errs);
}
