import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KubeObject } from '../../../api/types.js';
import type { CertificateSigningRequest } from '../../../api/certificates/index.js';
import type { Clock } from '../../../lib/clock.js';
import type { KindHooks } from '../../registry/generic-registry.js';
import type { Registries } from '../../registry/registries.js';
import { formatTime } from '../../registry/object-meta.js';
import { badRequest, methodNotAllowed } from '../../errors.js';
import { parseBody } from '../../rest/body.js';
import { sendBody } from '../../rest/respond.js';
import { dryRunParam, type Query } from '../../rest/query.js';
import type { ResourceRequestInfo } from '../../rest/request-info.js';
import { currentUser } from '../request-user.js';
import type { PemPair } from '../x509.js';
import { CLIENT_SIGNER, signClientCsr } from './signer.js';

/**
 * CertificateSigningRequest behaviour in the apiserver: who asked is recorded at create
 * (kube's strategy overwrites spec.username/uid/groups/extra with the requesting user and
 * drops any status); updates of the object itself change only metadata; the `approval`
 * subresource (`kubectl certificate approve|deny`) changes the conditions. The
 * kube-apiserver-client signer runs when a request is approved (kube runs it in the
 * controller manager, a moment later; here it is part of the approval write).
 */

type Csr = KubeObject & CertificateSigningRequest;

export function csrHooks(): KindHooks {
  return {
    async beforeCreate(obj) {
      const csr = obj as Csr;
      const user = currentUser();
      if (user) {
        csr.spec.username = user.username;
        if (user.uid) csr.spec.uid = user.uid;
        else delete csr.spec.uid;
        csr.spec.groups = [...user.groups];
        if (user.extra) csr.spec.extra = user.extra;
        else delete csr.spec.extra;
      }
      delete (csr as { status?: unknown }).status;
    },
    prepareUpdate(next, live, _proposed, subresource) {
      if (subresource === undefined) (next as Csr).spec = structuredClone((live as Csr).spec);
      if (subresource === 'status') (next as Csr).spec = structuredClone((live as Csr).spec);
    },
  };
}

export function isCsrApproval(info: ResourceRequestInfo): boolean {
  return info.group === 'certificates.k8s.io' && info.resource === 'certificatesigningrequests' && info.subresource === 'approval';
}

export async function serveCsrApproval(
  deps: { registries: Registries; clock: Clock; ca?: PemPair },
  req: FastifyRequest,
  reply: FastifyReply,
  info: ResourceRequestInfo,
): Promise<void> {
  const reg = deps.registries.forKind('certificates.k8s.io', 'CertificateSigningRequest');
  const name = info.name!;
  if (info.verb === 'get') {
    sendBody(reply, 200, await reg.get(undefined, name));
    return;
  }
  if (info.verb !== 'update') throw methodNotAllowed(info.verb, 'certificatesigningrequests/approval');
  const body = parseBody(req.body, req.headers['content-type']);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('CertificateSigningRequest in version "v1" cannot be handled as a CertificateSigningRequest: the object provided is not a JSON object');
  }
  const proposed = body as Partial<Csr>;
  if (proposed.metadata?.name && proposed.metadata.name !== name) {
    throw badRequest(`the name of the object (${proposed.metadata.name}) does not match the name on the URL (${name})`);
  }
  const live = (await reg.get(undefined, name)) as Csr;
  const next = structuredClone(live);
  if (proposed.metadata?.resourceVersion) next.metadata.resourceVersion = proposed.metadata.resourceVersion;
  const now = deps.clock.now();
  const conditions = (proposed.status?.conditions ?? []).map((c) => ({ ...c, lastUpdateTime: c.lastUpdateTime ?? formatTime(now), lastTransitionTime: c.lastTransitionTime ?? formatTime(now) }));
  next.status = { ...(live.status ?? {}), conditions };
  signIfApproved(next, deps.ca, now);
  const updated = await reg.update(undefined, name, next, { dryRun: dryRunParam(req.query as Query, 'UpdateOptions'), subresource: 'status' });
  sendBody(reply, 200, updated);
}

/** The kube-apiserver-client signer's step for one request (no-op unless approved and unsigned). */
export function signIfApproved(csr: Csr, ca: PemPair | undefined, now: number): void {
  const conditions = csr.status?.conditions ?? [];
  const approved = conditions.some((c) => c.type === 'Approved' && c.status === 'True');
  const done = Boolean(csr.status?.certificate) || conditions.some((c) => c.type === 'Failed' || c.type === 'Denied');
  if (!approved || done || !ca || csr.spec.signerName !== CLIENT_SIGNER) return;
  const pem = Buffer.from(csr.spec.request, 'base64').toString('utf8');
  const result = signClientCsr(ca, pem, csr.spec.usages ?? [], csr.spec.expirationSeconds, now);
  if ('cert' in result) {
    csr.status!.certificate = Buffer.from(result.cert, 'utf8').toString('base64');
    return;
  }
  conditions.push({ type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: result.error, lastUpdateTime: formatTime(now), lastTransitionTime: formatTime(now) });
}
