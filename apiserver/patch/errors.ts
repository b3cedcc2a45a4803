import { ApiError, type StatusDetails, type StatusReason } from '../errors.js';

/**
 * Why a patch could not be applied. Each reason maps to the Status kube-apiserver sends
 * for the same failure (apiserver/pkg/endpoints/handlers/patch.go):
 *
 * - BadRequest (400): the patch document itself is malformed (not a JSON patch array, bad
 *   `$retainKeys`/`$setElementOrder`/`$deleteFromPrimitiveList` format, …).
 * - UnprocessableEntity (422): the patch is well-formed but does not apply (a failing
 *   json-patch `test`, a path to a missing member, lists of lists). Kubernetes sends these
 *   as a generic 422: reason `Invalid`, message `the server rejected our request due to an
 *   error in our request`, and the real reason in details.causes[0].message.
 * - Invalid (422): the patched object is not a valid object (message given as is).
 * - Conflict (409), NotFound (404): for callers that need them around a patch.
 * - UnsupportedMediaType (415): a patch Content-Type the apiserver does not accept.
 * - RequestEntityTooLarge (413): more than 10,000 json-patch operations.
 * - InternalError (500): what Kubernetes answers for strategic-merge failures it does not
 *   classify (an item without its merge key, an unknown `$patch` directive, …).
 *
 * `message` is always the specific text (what a log or a test wants); toApiError() builds
 * the Status kube-apiserver would send.
 */
export type PatchErrorReason =
  | 'BadRequest'
  | 'Invalid'
  | 'Conflict'
  | 'NotFound'
  | 'UnprocessableEntity'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'InternalError';

const codes: Record<PatchErrorReason, number> = {
  BadRequest: 400,
  NotFound: 404,
  Conflict: 409,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  UnprocessableEntity: 422,
  InternalError: 500,
};

export const GENERIC_422_MESSAGE = 'the server rejected our request due to an error in our request';

export class PatchError extends Error {
  readonly code: number;

  constructor(
    readonly reason: PatchErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'PatchError';
    this.code = codes[reason];
  }

  /** The Status kube-apiserver sends for this failure. */
  toApiError(): ApiError {
    const statusReason: StatusReason = this.reason === 'UnprocessableEntity' ? 'Invalid' : this.reason;
    switch (this.reason) {
      case 'UnprocessableEntity': {
        // errors.NewGenericServerResponse(422, …): generic message, detail as a cause.
        const details: StatusDetails = { causes: [{ reason: 'UnexpectedServerResponse', message: this.message }] };
        return new ApiError(422, statusReason, GENERIC_422_MESSAGE, details);
      }
      case 'InternalError':
        return new ApiError(500, statusReason, `Internal error occurred: ${this.message}`, {
          causes: [{ message: this.message }],
        });
      default:
        return new ApiError(this.code, statusReason, this.message);
    }
  }
}

export const badRequest = (message: string): PatchError => new PatchError('BadRequest', message);
export const unprocessable = (message: string): PatchError => new PatchError('UnprocessableEntity', message);
export const internalError = (message: string): PatchError => new PatchError('InternalError', message);

/** k8s.io/apimachinery/pkg/util/mergepatch's fixed errors. */
export const mergePatchMessages = {
  badJSONDoc: 'invalid JSON document',
  noListOfLists: 'lists of lists are not supported',
  badPatchFormatForPrimitiveList: 'invalid patch format of primitive list',
  badPatchFormatForRetainKeys: 'invalid patch format of retainKeys',
  badPatchFormatForSetElementOrderList: 'invalid patch format of setElementOrder list',
  patchContentNotMatchRetainKeys: "patch content doesn't match retainKeys list",
} as const;

/**
 * Formats a JSON value as Go's `%v` prints the decoded map[string]interface{} form, for
 * messages that embed it (`map: map[image:nginx] does not contain declared merge key: name`).
 */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${goFormat((v as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(v);
}
