import { z } from 'zod';
import type { KubeObject, ResourceType } from '../types.js';
import { localObjectReferenceSchema, objectReferenceSchema, objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';

export const serviceAccountSchema = objectSchema({
  secrets: z.array(objectReferenceSchema).optional(),
  imagePullSecrets: z.array(localObjectReferenceSchema).optional(),
  automountServiceAccountToken: z.boolean().optional(),
});
export type ServiceAccount = z.infer<typeof serviceAccountSchema>;

const asServiceAccount = (o: KubeObject) => o as unknown as ServiceAccount;

export const serviceAccountResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: serviceAccountSchema,
  subresources: {},
  hasGeneration: false,
  defaults: () => {},
  // Metadata (name as DNS subdomain) is the only rule Kubernetes has for ServiceAccounts.
  validate: () => [],
  tableColumns: [
    nameColumn,
    column(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
    ),
    ageColumn,
  ],
  tableRow: (o, now) => [o.metadata.name ?? '', (asServiceAccount(o).secrets ?? []).length, age(o, now)],
};
