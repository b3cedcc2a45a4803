/**
 * The client's one error type: every failed call (HTTP error, watch ERROR event,
 * connection failure) rejects with an ApiError carrying Kubernetes' `Status`.
 * Callers branch on the helpers below, never on message text.
 */

import type { StatusCause, StatusDetails } from '../api/status.js';
export type { StatusCause, StatusDetails };

/** meta/v1 Status, as the apiserver returns it for failures (and some successes). */
export interface Status {
  kind: 'Status';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** The reason Kubernetes gives a bare HTTP status when the body carries no Status. */
export function reasonForCode(code: number): string {
  switch (code) {
    case 0:
    case 503:
      return 'ServiceUnavailable';
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 406:
      return 'NotAcceptable';
    case 409:
      return 'Conflict';
    case 410:
      return 'Gone';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

export class ApiError extends Error {
  /** HTTP status; 0 when no response arrived (connection refused, reset, timeout). */
  readonly code: number;
  /** Status.reason: NotFound, AlreadyExists, Conflict, Expired, Gone, Invalid, … */
  readonly reason: string;
  readonly status: Status;

  constructor(status: Status, code = status.code ?? 0) {
    super(status.message ?? `${reasonForCode(code)} (${code})`);
    this.name = 'ApiError';
    this.code = code;
    this.reason = status.reason || reasonForCode(code);
    this.status = status;
  }

  /** Builds an ApiError without a server-sent Status (client-side or transport failures). */
  static from(code: number, message: string, reason = reasonForCode(code), details?: StatusDetails): ApiError {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) status.details = details;
    return new ApiError(status, code);
  }
}

function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

export function isNotFound(err: unknown): boolean {
  return isApiError(err) && err.reason === 'NotFound';
}

/** 409 Conflict (a failed compare-and-swap), not AlreadyExists (also a 409). */
export function isConflict(err: unknown): boolean {
  return isApiError(err) && err.reason === 'Conflict';
}

export function isAlreadyExists(err: unknown): boolean {
  return isApiError(err) && err.reason === 'AlreadyExists';
}

/** 410: the resourceVersion (or continue token) is older than the server's history. */
export function isGone(err: unknown): boolean {
  return isApiError(err) && (err.code === 410 || err.reason === 'Gone' || err.reason === 'Expired');
}

/** Same test as isGone, under the name Kubernetes' reason uses. */
export const isExpired = isGone;

export function isInvalid(err: unknown): boolean {
  return isApiError(err) && (err.reason === 'Invalid' || err.code === 422);
}

export function isTooManyRequests(err: unknown): boolean {
  return isApiError(err) && (err.reason === 'TooManyRequests' || err.code === 429);
}

/**
 * Whether retrying the same call later may succeed without any change by the caller:
 * transport failures, throttling, timeouts and server errors.
 */
export function isRetriable(err: unknown): boolean {
  if (!isApiError(err)) return false;
  return err.code === 0 || err.code === 429 || err.code >= 500 || err.reason === 'ServiceUnavailable' || err.reason === 'Timeout';
}
