import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, stringMapSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { deepEqual, forbidden, invalid, invalidEach, isConfigMapKey, required, tooLong, validateImmutable } from '../validation.js';
import { MaxDataSize, base64Error, base64Length } from './configmap.js';

export const secretSchema = objectSchema({
  immutable: z.boolean().optional(),
  /** base64-encoded values. */
  data: stringMapSchema.optional(),
  /** Write-only convenience: merged into data (base64) by defaults, never stored. */
  stringData: stringMapSchema.optional(),
  type: z.string().optional(),
});
export type Secret = z.infer<typeof secretSchema>;

export const SecretTypeOpaque = 'Opaque';
export const ServiceAccountNameKey = 'kubernetes.io/service-account.name';

/** Type Opaque by default; stringData entries win over data and are encoded into it. */
export function defaultSecret(secret: Secret): void {
  if (!secret.type) secret.type = SecretTypeOpaque;
  if (secret.stringData) {
    const data = { ...(secret.data ?? {}) };
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
}

function decoded(secret: Secret, key: string): Buffer | undefined {
  const v = secret.data?.[key];
  if (v === undefined || base64Error(v)) return undefined;
  return Buffer.from(v, 'base64');
}

function validateJSONKey(secret: Secret, key: string): FieldError[] {
  const buf = decoded(secret, key);
  if (!secret.data || !(key in secret.data)) return [required(`data[${key}]`)];
  try {
    const v: unknown = JSON.parse(buf?.toString('utf8') ?? '');
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    return [];
  } catch (e) {
    return [invalid(`data[${key}]`, '<secret contents redacted>', (e as Error).message)];
  }
}

export function validateSecret(secret: Secret, old?: Secret): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    errs.push(...invalidEach(`data[${k}]`, k, isConfigMapKey(k)));
    const b64 = base64Error(v);
    if (b64) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', b64));
    else total += base64Length(v);
  }
  if (total > MaxDataSize) errs.push(tooLong('data', MaxDataSize));
  const has = (k: string) => secret.data !== undefined && k in secret.data;
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata.annotations?.[ServiceAccountNameKey]) errs.push(required(`metadata.annotations[${ServiceAccountNameKey}]`));
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...validateJSONKey(secret, '.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...validateJSONKey(secret, '.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if ((decoded(secret, 'ssh-privatekey')?.length ?? 0) === 0) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(required('data[tls.key]'));
      break;
  }
  if (old) {
    errs.push(...validateImmutable(secret.type, old.type, 'type'));
    if (old.immutable) {
      if (!secret.immutable) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!deepEqual(secret.data ?? {}, old.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}

const asSecret = (o: KubeObject) => o as unknown as Secret;

export const secretResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: secretSchema,
  subresources: {},
  hasGeneration: false,
  defaults: (o) => defaultSecret(asSecret(o)),
  validate: (o, old) => validateSecret(asSecret(o), old ? asSecret(old) : undefined),
  tableColumns: [
    nameColumn,
    column('Type', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
    column(
      'Data',
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
    ),
    ageColumn,
  ],
  tableRow: (o, now) => {
    const s = asSecret(o);
    return [s.metadata.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, age(o, now)];
  },
  fieldSelectors: {
    type: (o) => asSecret(o).type ?? '',
  },
};
