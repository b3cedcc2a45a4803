import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, resourceListSchema, type ResourceList } from '../meta.js';
import { column, nameColumn } from '../printers.js';
import { invalid, forbidden, required, isQualifiedName } from '../validation.js';
import { isValidQuantity, parseQuantity } from '../quantity.js';

/**
 * core/v1 LimitRange: per-namespace defaults and bounds for container, pod and claim
 * resources, enforced by the LimitRanger admission plugin (apiserver/admission/limit-ranger.ts).
 */

export const limitRangeItemSchema = z.object({
  type: z.string(),
  max: resourceListSchema.optional(),
  min: resourceListSchema.optional(),
  default: resourceListSchema.optional(),
  defaultRequest: resourceListSchema.optional(),
  maxLimitRequestRatio: resourceListSchema.optional(),
});
export type LimitRangeItem = z.infer<typeof limitRangeItemSchema>;

export const limitRangeSchema = objectSchema({
  spec: z.object({ limits: z.array(limitRangeItemSchema).optional() }).optional(),
});
export type LimitRange = z.infer<typeof limitRangeSchema>;

export const LIMIT_TYPE_CONTAINER = 'Container';
export const LIMIT_TYPE_POD = 'Pod';
export const LIMIT_TYPE_PVC = 'PersistentVolumeClaim';

const asLimitRange = (o: KubeObject) => o as unknown as LimitRange;

/**
 * kube's SetDefaults_LimitRangeItem for Container items: a missing default limit takes the
 * max, a missing default request takes the default limit, else the min.
 */
export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== LIMIT_TYPE_CONTAINER) continue;
    const def: ResourceList = { ...(item.default ?? {}) };
    const defReq: ResourceList = { ...(item.defaultRequest ?? {}) };
    for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in defReq)) defReq[k] = v;
    if (Object.keys(def).length > 0) item.default = def;
    if (Object.keys(defReq).length > 0) item.defaultRequest = defReq;
  }
}

type Values = Record<string, number>;

function quantities(list: ResourceList | undefined, field: string, errors: FieldError[]): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(list ?? {})) {
    const path = `${field}[${k}]`;
    for (const msg of isQualifiedName(k)) errors.push(invalid(path, k, msg));
    if (!isValidQuantity(v)) {
      errors.push(invalid(path, String(v), 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''));
      continue;
    }
    const n = parseQuantity(v);
    if (n < 0) errors.push(invalid(path, String(v), 'must be greater than or equal to 0'));
    out[k] = n;
  }
  return out;
}

/** kube's ValidateLimitRange: types, the forbidden fields per type, min ≤ defaultRequest ≤ default ≤ max, ratios ≥ 1. */
export function validateLimitRange(lr: LimitRange): FieldError[] {
  const errors: FieldError[] = [];
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const base = `spec.limits[${i}]`;
    if (!item.type) errors.push(required(`${base}.type`));
    else for (const msg of isQualifiedName(item.type)) errors.push(invalid(`${base}.type`, item.type, msg));
    const max = quantities(item.max, `${base}.max`, errors);
    const min = quantities(item.min, `${base}.min`, errors);
    const def = quantities(item.default, `${base}.default`, errors);
    const defReq = quantities(item.defaultRequest, `${base}.defaultRequest`, errors);
    const ratio = quantities(item.maxLimitRequestRatio, `${base}.maxLimitRequestRatio`, errors);
    const raw = (list: ResourceList | undefined, k: string) => String(list?.[k] ?? '');
    if (item.type === LIMIT_TYPE_POD) {
      if (Object.keys(def).length > 0) errors.push(forbidden(`${base}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(defReq).length > 0) errors.push(forbidden(`${base}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    }
    if (item.type === LIMIT_TYPE_PVC) {
      const hasMin = 'storage' in min;
      const hasMax = 'storage' in max;
      if (!hasMin && !hasMax) errors.push(required(`${base}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const keys = new Set([...Object.keys(max), ...Object.keys(min), ...Object.keys(def), ...Object.keys(defReq), ...Object.keys(ratio)]);
    for (const k of keys) {
      const q = (n: number | undefined, list: ResourceList | undefined) => (n === undefined ? undefined : raw(list, k));
      const [mx, mn, d, dr, r] = [max[k], min[k], def[k], defReq[k], ratio[k]];
      if (mn !== undefined && mx !== undefined && mn > mx) errors.push(invalid(`${base}.min[${k}]`, q(mn, item.min), `min value ${q(mn, item.min)} is greater than max value ${q(mx, item.max)}`));
      if (dr !== undefined) {
        if (mn !== undefined && mn > dr) errors.push(invalid(`${base}.defaultRequest[${k}]`, q(dr, item.defaultRequest), `min value ${q(mn, item.min)} is greater than default request value ${q(dr, item.defaultRequest)}`));
        if (mx !== undefined && dr > mx) errors.push(invalid(`${base}.defaultRequest[${k}]`, q(dr, item.defaultRequest), `default request value ${q(dr, item.defaultRequest)} is greater than max value ${q(mx, item.max)}`));
        if (d !== undefined && dr > d) errors.push(invalid(`${base}.defaultRequest[${k}]`, q(dr, item.defaultRequest), `default request value ${q(dr, item.defaultRequest)} is greater than default limit value ${q(d, item.default)}`));
      }
      if (d !== undefined) {
        if (mn !== undefined && mn > d) errors.push(invalid(`${base}.default[${k}]`, q(d, item.default), `min value ${q(mn, item.min)} is greater than default value ${q(d, item.default)}`));
        if (mx !== undefined && d > mx) errors.push(invalid(`${base}.default[${k}]`, q(d, item.default), `default value ${q(d, item.default)} is greater than max value ${q(mx, item.max)}`));
      }
      if (r !== undefined) {
        if (r < 1) errors.push(invalid(`${base}.maxLimitRequestRatio[${k}]`, q(r, item.maxLimitRequestRatio), `ratio ${q(r, item.maxLimitRequestRatio)} is less than 1`));
        if (mn !== undefined && mx !== undefined && mn > 0 && r > mx / mn) {
          errors.push(invalid(`${base}.maxLimitRequestRatio[${k}]`, q(r, item.maxLimitRequestRatio), `ratio ${q(r, item.maxLimitRequestRatio)} is greater than max/min = ${(mx / mn).toFixed(6)}`));
        }
      }
    }
  });
  return errors;
}

export const limitRangeResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  listKind: 'LimitRangeList',
  plural: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: limitRangeSchema,
  subresources: {},
  hasGeneration: false,
  defaults: (o) => defaultLimitRange(asLimitRange(o)),
  validate: (o) => validateLimitRange(asLimitRange(o)),
  tableColumns: [nameColumn, column('Created At', 'Timestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
  tableRow: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''],
};
