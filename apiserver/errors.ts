import type { FieldError } from '../api/types.js';
import { StoreError } from './storage/store.js';
import type { StatusCause, StatusDetails } from '../api/status.js';

/**
 * The apiserver's one error type. Every failure a client can see is an ApiError, turned
 * into a Kubernetes `Status` body once, at the REST (or GraphQL) boundary.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export type { StatusCause, StatusDetails };

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      // Empty for errors kube answers without one (a failed conversion webhook).
      ...(this.reason ? { reason: this.reason } : {}),
      code: this.code,
    };
    if (this.details) body.details = this.details;
    else if (ALWAYS_DETAILED.has(this.reason)) body.details = {};
    return body;
  }
}

/**
 * Reasons whose kube constructors (NewNotFound, NewAlreadyExists, NewConflict, NewInvalid,
 * NewForbidden, NewMethodNotSupported, NewGenericServerResponse) always set `details`, so
 * kube's bodies always carry it, at least as `{}`. Clients rely on it: kubectl debug reads
 * `details.name` of a 404 without a nil check, and panics on a body without details.
 */
const ALWAYS_DETAILED = new Set<StatusReason>(['NotFound', 'AlreadyExists', 'Conflict', 'Invalid', 'Forbidden', 'MethodNotAllowed']);

/** What an error names: the resource (plural, as Kubernetes' qualified resource) and group. */
export interface ResourceName {
  group: string;
  plural: string;
}

function qualified(r: ResourceName): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export function notFound(r: ResourceName, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, {
    name,
    group: r.group || undefined,
    kind: r.plural,
  });
}

export function alreadyExists(r: ResourceName, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, {
    name,
    group: r.group || undefined,
    kind: r.plural,
  });
}

export function conflict(r: ResourceName, name: string, detail: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${detail}`, {
    name,
    group: r.group || undefined,
    kind: r.plural,
  });
}

export const MODIFIED_CONFLICT =
  'the object has been modified; please apply your changes to the latest version and try again';

/**
 * 422 Invalid, worded as Kubernetes: `Pod "x" is invalid: [a: …, b: …]`; the kind is
 * qualified by its group as a GroupKind prints (`Deployment.apps "x" is invalid: …`).
 */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${joined}`, {
    name: name || undefined, // omitted when empty, as Kubernetes' omitempty does
    group: group || undefined,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
  });
}

export function badRequest(message: string, details?: StatusDetails): ApiError {
  return new ApiError(400, 'BadRequest', message, details);
}

export function forbidden(message: string, details?: StatusDetails): ApiError {
  return new ApiError(403, 'Forbidden', message, details);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(verb: string, what: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on ${what}`);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function tooLarge(): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

export function internal(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function unavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/**
 * Translates a StoreError the registry did not handle itself. Registry code handles the
 * expected cases (NotFound, AlreadyExists, Conflict) with resource names; this is the
 * fallback for the rest.
 */
export function fromStoreError(err: StoreError, r?: ResourceName, name?: string): ApiError {
  switch (err.code) {
    case 'NotFound':
      return r && name ? notFound(r, name) : new ApiError(404, 'NotFound', err.message);
    case 'AlreadyExists':
      return r && name ? alreadyExists(r, name) : new ApiError(409, 'AlreadyExists', err.message);
    case 'Conflict':
      return r && name ? conflict(r, name, MODIFIED_CONFLICT) : new ApiError(409, 'Conflict', err.message);
    case 'Expired':
      return expired(err.message);
    case 'TooLarge':
      return tooLarge();
    case 'Unavailable':
      return unavailable(`storage is unavailable: ${err.message}`);
    default:
      return internal(err.message);
  }
}

/** Any thrown value → ApiError (unknown errors become 500 InternalError, and are logged). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreError) return fromStoreError(err);
  const message = err instanceof Error ? err.message : String(err);
  return internal(message);
}
