import type { z } from 'zod';
import {
  conditionSchema,
  deleteOptionsSchema,
  intOrStringSchema,
  labelSelectorRequirementSchema,
  labelSelectorSchema,
  listMetaSchema,
  localObjectReferenceSchema,
  objectMetaSchema,
  objectReferenceSchema,
  ownerReferenceSchema,
  preconditionsSchema,
  quantitySchema,
  timeSchema,
} from '../api/meta.js';
import { INTSTR, META_V1, RESOURCE } from './names.js';

/**
 * The shared building blocks of api/meta.ts under their Kubernetes definition names. Every
 * kind's schema reuses these zod instances, so they become `$ref`s everywhere.
 */
export function wellKnownSchemas(): Map<z.ZodType, string> {
  return new Map<z.ZodType, string>([
    [objectMetaSchema, `${META_V1}.ObjectMeta`],
    [listMetaSchema, `${META_V1}.ListMeta`],
    [ownerReferenceSchema, `${META_V1}.OwnerReference`],
    [labelSelectorSchema, `${META_V1}.LabelSelector`],
    [labelSelectorRequirementSchema, `${META_V1}.LabelSelectorRequirement`],
    [conditionSchema, `${META_V1}.Condition`],
    [preconditionsSchema, `${META_V1}.Preconditions`],
    [deleteOptionsSchema, `${META_V1}.DeleteOptions`],
    [timeSchema, `${META_V1}.Time`],
    [intOrStringSchema, `${INTSTR}.IntOrString`],
    [quantitySchema, `${RESOURCE}.Quantity`],
    [objectReferenceSchema, 'io.k8s.api.core.v1.ObjectReference'],
    [localObjectReferenceSchema, 'io.k8s.api.core.v1.LocalObjectReference'],
  ]);
}

const QUANTITY_DOC =
  'A fixed-point amount with an optional unit suffix: decimal SI (k, M, G, T, P, E), binary (Ki, Mi, Gi, Ti, Pi, Ei) or milli (m). For example 500m CPU, 128Mi memory, or 2.';
const INT_OR_STRING_DOC = 'Either a whole number or a string, such as a port number or a port name, or a count or a percentage.';

/**
 * Definitions whose JSON form is not what their zod schema says: zod sees unions and
 * nullable strings, Kubernetes documents scalars. In OpenAPI v3 Kubernetes gives the two
 * union scalars a `oneOf` and no `type`, which is also what makes kubectl explain print
 * their names (`<map[string]Quantity>`, `<IntOrString>`) instead of `<string>`.
 */
export const scalarDefinitions: Readonly<Record<string, Record<string, unknown>>> = {
  [`${META_V1}.Time`]: {
    type: 'string',
    format: 'date-time',
    description: 'A timestamp in RFC 3339 form (for example 2024-05-01T12:00:00Z), always in UTC, with second precision.',
  },
  [`${INTSTR}.IntOrString`]: {
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    description: INT_OR_STRING_DOC,
  },
  [`${RESOURCE}.Quantity`]: {
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: QUANTITY_DOC,
  },
};

/** The same scalars in Swagger 2.0, which has no oneOf. */
export const scalarDefinitionsV2: Readonly<Record<string, Record<string, unknown>>> = {
  [`${INTSTR}.IntOrString`]: { type: 'string', format: 'int-or-string', description: INT_OR_STRING_DOC },
  [`${RESOURCE}.Quantity`]: { type: 'string', description: QUANTITY_DOC },
};

/** meta/v1 Status, the body of errors and of most DELETE answers. */
export const statusDefinitions: Readonly<Record<string, Record<string, unknown>>> = {
  [`${META_V1}.Status`]: {
    type: 'object',
    description: 'The result of an operation that does not return an object: the outcome, a reason and a message.',
    properties: {
      apiVersion: { type: 'string', description: 'The version of this representation.' },
      kind: { type: 'string', description: 'Always Status.' },
      metadata: { allOf: [{ $ref: `#/components/schemas/${META_V1}.ListMeta` }], description: 'List metadata, rarely set.' },
      status: { type: 'string', description: 'Success or Failure.' },
      message: { type: 'string', description: 'A human-readable explanation of the outcome.' },
      reason: { type: 'string', description: 'A machine-readable, CamelCase reason for a failure, such as NotFound or AlreadyExists.' },
      details: { allOf: [{ $ref: `#/components/schemas/${META_V1}.StatusDetails` }], description: 'More about the failure, depending on the reason.' },
      code: { type: 'integer', format: 'int32', description: 'The HTTP status code of the answer.' },
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  },
  [`${META_V1}.StatusDetails`]: {
    type: 'object',
    description: 'Which object a failure concerns, and its causes.',
    properties: {
      name: { type: 'string', description: 'The name of the object concerned.' },
      group: { type: 'string', description: 'The API group of the object concerned.' },
      kind: { type: 'string', description: 'The kind of the object concerned.' },
      uid: { type: 'string', description: 'The UID of the object concerned.' },
      causes: {
        type: 'array',
        items: { allOf: [{ $ref: `#/components/schemas/${META_V1}.StatusCause` }] },
        description: 'Each problem found, for example one per invalid field.',
      },
      retryAfterSeconds: { type: 'integer', format: 'int32', description: 'When the client may retry, in seconds.' },
    },
  },
  [`${META_V1}.StatusCause`]: {
    type: 'object',
    description: 'One cause of a failure.',
    properties: {
      reason: { type: 'string', description: 'A machine-readable cause, such as FieldValueInvalid.' },
      message: { type: 'string', description: 'A human-readable description of the cause.' },
      field: { type: 'string', description: 'The field path of the cause, such as spec.containers[0].image.' },
    },
  },
  [`${META_V1}.Patch`]: {
    type: 'object',
    description: 'The body of a PATCH request, in the format its Content-Type names.',
  },
};
