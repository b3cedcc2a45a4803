import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, stringMapSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { deepEqual, forbidden, invalid, invalidEach, isConfigMapKey, tooLong } from '../validation.js';

export const configMapSchema = objectSchema({
  immutable: z.boolean().optional(),
  data: stringMapSchema.optional(),
  /** base64-encoded bytes, as JSON carries []byte. */
  binaryData: stringMapSchema.optional(),
});
export type ConfigMap = z.infer<typeof configMapSchema>;

/** ConfigMaps and Secrets share this 1 MiB cap on their data. */
export const MaxDataSize = 1024 * 1024;

const immutableMsg = 'field is immutable when `immutable` is set';

/** Go's base64.StdEncoding: padded, standard alphabet. Returns an error detail or undefined. */
export function base64Error(value: string): string | undefined {
  const v = value.replace(/[\r\n]/g, '');
  const bad = v.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
  const pad = v.indexOf('=');
  if (v.length % 4 !== 0 || (pad >= 0 && pad < v.length - 2) || (pad >= 0 && /[^=]/.test(v.slice(pad)))) {
    return `illegal base64 data at input byte ${pad >= 0 ? pad : v.length - (v.length % 4)}`;
  }
  return undefined;
}

/** Decoded length of a base64 string (assumed valid). */
export function base64Length(value: string): number {
  return Buffer.from(value, 'base64').length;
}

export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    errs.push(...invalidEach(`data[${k}]`, k, isConfigMapKey(k)));
    if (cm.binaryData && k in cm.binaryData) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    errs.push(...invalidEach(`binaryData[${k}]`, k, isConfigMapKey(k)));
    const b64 = base64Error(v);
    if (b64) errs.push(invalid(`binaryData[${k}]`, '<binary data>', b64));
    else total += base64Length(v);
  }
  if (total > MaxDataSize) errs.push(tooLong('', MaxDataSize));
  if (old?.immutable) {
    if (!cm.immutable) errs.push(forbidden('immutable', immutableMsg));
    if (!deepEqual(cm.data ?? {}, old.data ?? {})) errs.push(forbidden('data', immutableMsg));
    if (!deepEqual(cm.binaryData ?? {}, old.binaryData ?? {})) errs.push(forbidden('binaryData', immutableMsg));
  }
  return errs;
}

const asConfigMap = (o: KubeObject) => o as unknown as ConfigMap;

export const configMapResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: configMapSchema,
  subresources: {},
  hasGeneration: false,
  defaults: () => {},
  validate: (o, old) => validateConfigMap(asConfigMap(o), old ? asConfigMap(old) : undefined),
  tableColumns: [
    nameColumn,
    column(
      'Data',
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
    ),
    ageColumn,
  ],
  tableRow: (o, now) => {
    const cm = asConfigMap(o);
    return [cm.metadata.name ?? '', Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(o, now)];
  },
};
