import type { KubeObject } from '../../api/types.js';
import type { AdmissionAttributes } from './attributes.js';
import { goJsonSyntaxError } from '../../lib/go-json-syntax.js';

/**
 * admission.k8s.io/v1 AdmissionReview: the request a webhook receives (also CEL's
 * `request` variable) and the checks kube makes on the response it gets back.
 */

export interface AdmissionRequestBody {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind: { group: string; version: string; kind: string };
  requestResource: { group: string; version: string; resource: string };
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: string;
  userInfo: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  options: Record<string, unknown> | null;
}

/** The request as seen in `version` (the one the webhook's rules matched). Objects already converted. */
export function admissionRequest(
  attrs: AdmissionAttributes,
  uid: string,
  version: string,
  object: KubeObject | null,
  oldObject: KubeObject | null,
): AdmissionRequestBody {
  const { rt } = attrs;
  const requestVersion = attrs.request.requestVersion ?? rt.version;
  const kindName = attrs.subresourceKind?.kind ?? attrs.connectKind ?? rt.kind;
  const kindGroup = attrs.subresourceKind ? attrs.subresourceKind.group : attrs.connectKind ? '' : rt.group;
  const body: AdmissionRequestBody = {
    uid,
    kind: { group: kindGroup, version: attrs.subresourceKind?.version ?? version, kind: kindName },
    resource: { group: rt.group, version, resource: rt.plural },
    // A kind also served in another group (events.k8s.io/v1 Event over core/v1): the rules
    // match the stored kind (kube's Equivalent match), requestKind says what the client used.
    requestKind: { group: attrs.subresourceKind ? kindGroup : (attrs.request.requestGroup ?? kindGroup), version: attrs.subresourceKind?.version ?? requestVersion, kind: kindName },
    requestResource: { group: attrs.request.requestGroup ?? rt.group, version: requestVersion, resource: rt.plural },
    operation: attrs.operation,
    userInfo: {
      username: attrs.request.user.username,
      ...(attrs.request.user.uid ? { uid: attrs.request.user.uid } : {}),
      groups: attrs.request.user.groups,
    },
    object,
    oldObject,
    dryRun: attrs.dryRun,
    options: attrs.request.options ?? null,
  };
  if (attrs.subresource) {
    body.subResource = attrs.subresource;
    body.requestSubResource = attrs.subresource;
  }
  if (attrs.name) body.name = attrs.name;
  if (attrs.namespace) body.namespace = attrs.namespace;
  return body;
}

export interface AdmissionResponseBody {
  uid: string;
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string; status?: string; details?: unknown };
  patch?: string;
  patchType?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/** Thrown for answers kube would refuse: "received invalid webhook response: …". */
export class InvalidResponseError extends Error {}

/** kube's VerifyAdmissionResponse for admission.k8s.io/v1. */
export function readAdmissionResponse(body: unknown, uid: string, mutating: boolean): AdmissionResponseBody {
  const review = (body && typeof body === 'object' ? body : {}) as { apiVersion?: unknown; kind?: unknown; response?: unknown };
  const apiVersion = typeof review.apiVersion === 'string' ? review.apiVersion : '';
  const kind = typeof review.kind === 'string' ? review.kind : '';
  if (apiVersion !== 'admission.k8s.io/v1' || kind !== 'AdmissionReview') {
    const [g, v] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    throw new InvalidResponseError(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${g}/${v}, Kind=${kind}`);
  }
  const r = review.response as AdmissionResponseBody | undefined;
  if (!r || typeof r !== 'object') throw new InvalidResponseError('webhook response was absent');
  if (r.uid !== uid) throw new InvalidResponseError(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(r.uid ?? '')}`);
  if (typeof r.allowed !== 'boolean') r.allowed = false;
  if (r.patch !== undefined && r.patch !== '') {
    if (!mutating) throw new InvalidResponseError('validating webhook may not return response.patch');
    if (!r.patchType) throw new InvalidResponseError('webhook returned response.patch but not response.patchType');
    if (r.patchType !== 'JSONPatch') throw new InvalidResponseError(`webhook returned invalid response.patchType of ${JSON.stringify(r.patchType)}`);
  } else if (r.patchType !== undefined && r.patchType !== '' && r.patchType !== 'JSONPatch') {
    throw new InvalidResponseError(`webhook returned invalid response.patchType of ${JSON.stringify(r.patchType)}`);
  }
  if (r.warnings !== undefined && !Array.isArray(r.warnings)) r.warnings = undefined;
  return r;
}

/**
 * Go's encoding/json error for input that JSON.parse refused (lib/go-json-syntax.ts).
 * Both take the same inputs as well-formed; were they ever to differ, the parser's own
 * message (`fallback`) is kept rather than claiming the input is fine.
 */
export function goJsonError(input: string | Uint8Array, fallback = 'unexpected end of JSON input'): string {
  return goJsonSyntaxError(input) ?? fallback;
}
