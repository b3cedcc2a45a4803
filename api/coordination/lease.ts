import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema, timeSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { invalid } from '../validation.js';

/**
 * coordination.k8s.io/v1 Lease: node heartbeats (kube-node-lease) and leader election.
 * acquireTime/renewTime are MicroTime strings (RFC 3339 with microseconds,
 * e.g. `2024-05-01T10:00:00.123456Z`).
 */

export const leaseSpecSchema = z.object({
  holderIdentity: z.string().optional(),
  leaseDurationSeconds: z.number().int().optional(),
  acquireTime: timeSchema,
  renewTime: timeSchema,
  leaseTransitions: z.number().int().optional(),
  // Coordinated leader election (alpha in 1.32); kept so they round-trip.
  strategy: z.string().optional(),
  preferredHolder: z.string().optional(),
});

export const leaseSchema = objectSchema({ spec: leaseSpecSchema.optional() });
export type Lease = z.infer<typeof leaseSchema>;
export type LeaseSpec = z.infer<typeof leaseSpecSchema>;

/** Lease MicroTime: RFC 3339 in UTC with exactly six fractional digits, as Go marshals it. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** ValidateLeaseSpec: leaseDurationSeconds > 0, leaseTransitions ≥ 0. */
export function validateLease(obj: KubeObject): FieldError[] {
  const spec = (obj as Lease).spec ?? {};
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** printLease: NAME HOLDER AGE. */
export function leaseRow(obj: KubeObject, now: number): unknown[] {
  const lease = obj as Lease;
  return [lease.metadata.name ?? '', lease.spec?.holderIdentity ?? '', age(obj, now)];
}

export const leaseResource: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  listKind: 'LeaseList',
  plural: 'leases',
  singular: 'lease',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: leaseSchema,
  subresources: {},
  hasGeneration: false,
  defaults() {
    // coordination/v1 has no defaults.
  },
  validate: validateLease,
  tableColumns: [
    nameColumn,
    column(
      'Holder',
      'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
    ),
    ageColumn,
  ],
  tableRow: leaseRow,
};
