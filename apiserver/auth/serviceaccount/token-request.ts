import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../../lib/clock.js';
import { badRequest, invalid, methodNotAllowed, notFound, ApiError } from '../../errors.js';
import { parseBody } from '../../rest/body.js';
import { sendBody } from '../../rest/respond.js';
import type { ResourceRequestInfo } from '../../rest/request-info.js';
import { formatTime } from '../../registry/object-meta.js';
import { issueToken, type BoundObject } from './tokens.js';
import type { ServiceAccountTokens } from './token-service.js';

/**
 * POST /api/v1/namespaces/NS/serviceaccounts/NAME/token (`kubectl create token`): the
 * TokenRequest API. Defaults and checks as kube's token REST: audiences default to the API
 * audiences, expirationSeconds to 3600 (10 minutes at least, 2^32 s at most); a bound
 * object must be a Pod (running as this ServiceAccount), Secret or Node that exists, with
 * the uid given if one is. Nothing is stored. Returns false for other requests.
 */

export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

interface TokenRequestBody {
  kind?: string;
  apiVersion?: string;
  metadata?: Record<string, unknown>;
  spec?: {
    audiences?: unknown;
    expirationSeconds?: unknown;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
  };
}

export function isTokenRequest(info: ResourceRequestInfo): boolean {
  return info.group === '' && info.resource === 'serviceaccounts' && info.subresource === 'token';
}

export async function serveTokenRequest(
  deps: { tokens: ServiceAccountTokens; clock: Clock },
  req: FastifyRequest,
  reply: FastifyReply,
  info: ResourceRequestInfo,
): Promise<boolean> {
  if (!isTokenRequest(info)) return false;
  if (info.verb !== 'create') throw methodNotAllowed(info.verb, 'serviceaccounts/token');
  const namespace = info.namespace!;
  const name = info.name!;
  const raw = parseBody(req.body, req.headers['content-type']);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('TokenRequest in version "v1" cannot be handled as a TokenRequest: the object provided is not a JSON object');
  }
  const body = raw as TokenRequestBody;
  if (body.kind !== undefined && body.kind !== 'TokenRequest') throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (TokenRequest)`);
  const spec = body.spec ?? {};
  const audiences = spec.audiences === undefined || spec.audiences === null ? [] : spec.audiences;
  if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string')) {
    throw badRequest('TokenRequest in version "v1" cannot be handled as a TokenRequest: spec.audiences: expected a list of strings');
  }
  const expiration = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? DEFAULT_EXPIRATION_SECONDS : spec.expirationSeconds;
  if (typeof expiration !== 'number' || !Number.isInteger(expiration)) {
    throw badRequest('TokenRequest in version "v1" cannot be handled as a TokenRequest: spec.expirationSeconds: expected an integer');
  }
  if (expiration < MIN_EXPIRATION_SECONDS) {
    throw invalid('TokenRequest', 'authentication.k8s.io', '', [{ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expiration}: may not specify a duration less than 10 minutes` }]);
  }
  if (expiration > MAX_EXPIRATION_SECONDS) {
    throw invalid('TokenRequest', 'authentication.k8s.io', '', [{ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expiration}: may not specify a duration larger than 2^32 seconds` }]);
  }

  const sa = await deps.tokens.lookup('ServiceAccount', namespace, name);
  if (!sa) throw notFound({ group: '', plural: 'serviceaccounts' }, name);

  let bound: BoundObject | undefined;
  let node: { name: string; uid: string } | undefined;
  const ref = spec.boundObjectRef;
  if (ref) {
    const kind = ref.kind ?? '';
    const group = (ref.apiVersion ?? 'v1').includes('/') ? ref.apiVersion!.split('/')[0] : '';
    if (group !== '' || (kind !== 'Pod' && kind !== 'Secret' && kind !== 'Node')) {
      throw badRequest(`cannot bind token to object of type ${ref.apiVersion ?? ''}, Kind=${kind}`);
    }
    const refName = ref.name ?? '';
    const obj = await deps.tokens.lookup(kind, kind === 'Node' ? undefined : namespace, refName);
    if (!obj) throw notFound({ group: '', plural: `${kind.toLowerCase()}s` }, refName);
    if (kind === 'Pod') {
      const podSa = (obj as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName ?? 'default';
      if (podSa !== name) throw badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
      const nodeName = (obj as { spec?: { nodeName?: string } }).spec?.nodeName;
      const nodeObj = nodeName ? await deps.tokens.lookup('Node', undefined, nodeName) : null;
      if (nodeName && nodeObj?.metadata.uid) node = { name: nodeName, uid: nodeObj.metadata.uid };
    }
    const uid = obj.metadata.uid ?? '';
    if (ref.uid && ref.uid !== uid) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${kind} "${refName}": the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
        { name: refName, kind },
      );
    }
    bound = { kind, name: refName, uid };
  }

  const nowMs = deps.clock.now();
  const wanted = audiences.length > 0 ? (audiences as string[]) : deps.tokens.audiences;
  const issued = issueToken(
    { namespace, serviceAccount: { name, uid: sa.metadata.uid ?? '' }, audiences: wanted, expirationSeconds: expiration, ...(bound ? { bound } : {}), ...(node ? { node } : {}), nowSeconds: Math.floor(nowMs / 1000) },
    deps.tokens.key,
    deps.tokens.issuer,
  );
  sendBody(reply, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...(body.metadata ?? {}), name, namespace, creationTimestamp: formatTime(nowMs) },
    spec: { audiences: wanted, expirationSeconds: expiration, boundObjectRef: ref ? { kind: ref.kind, apiVersion: ref.apiVersion ?? 'v1', name: ref.name, uid: bound!.uid } : null },
    status: { token: issued.token, expirationTimestamp: formatTime(issued.expiresAt * 1000) },
  });
  return true;
}
