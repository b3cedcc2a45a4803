import { randomUUID, type KeyObject } from 'node:crypto';
import type { UserInfo } from '../authenticator.js';
import { AUTHENTICATED_GROUP } from '../tokens.js';
import { signJwt, verifyJwt, type JwtClaims } from './jwt.js';

/**
 * ServiceAccount tokens as kube-apiserver issues and checks them (pkg/serviceaccount):
 * bound tokens from the TokenRequest API (issuer --service-account-issuer, audiences,
 * expiry, optionally bound to a Pod, Secret or Node) and legacy Secret tokens (issuer
 * `kubernetes/serviceaccount`, no expiry, valid while their Secret exists). Pure apart
 * from the lookups the caller passes, so the rules are tested without a server.
 */

/** kubeadm's default --service-account-issuer; also the default API audience. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** Clock skew allowed on exp/nbf, as kube's validator (jwt.DefaultLeeway). */
export const LEEWAY_SECONDS = 60;

export const SA_GROUP = 'system:serviceaccounts';
export const SA_PREFIX = 'system:serviceaccount:';

export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

export interface IssueRequest {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
  bound?: BoundObject;
  /** For a pod-bound token, the node the pod runs on (kube ≥1.30 adds it). */
  node?: { name: string; uid: string };
  nowSeconds: number;
}

export function issueToken(req: IssueRequest, key: KeyObject, issuer = DEFAULT_ISSUER): { token: string; expiresAt: number } {
  const exp = req.nowSeconds + req.expirationSeconds;
  const kube: Record<string, unknown> = {
    namespace: req.namespace,
    serviceaccount: { name: req.serviceAccount.name, uid: req.serviceAccount.uid },
  };
  if (req.bound) kube[req.bound.kind.toLowerCase()] = { name: req.bound.name, uid: req.bound.uid };
  if (req.node && !kube.node) kube.node = { name: req.node.name, uid: req.node.uid };
  const claims: JwtClaims = {
    aud: req.audiences,
    exp,
    iat: req.nowSeconds,
    iss: issuer,
    jti: randomUUID(),
    'kubernetes.io': kube,
    nbf: req.nowSeconds,
    sub: `${SA_PREFIX}${req.namespace}:${req.serviceAccount.name}`,
  };
  return { token: signJwt(claims, key), expiresAt: exp };
}

/** A legacy token for a kubernetes.io/service-account-token Secret (kube's LegacyClaims). */
export function issueLegacyToken(namespace: string, sa: { name: string; uid: string }, secretName: string, key: KeyObject): string {
  return signJwt(
    {
      iss: LEGACY_ISSUER,
      'kubernetes.io/serviceaccount/namespace': namespace,
      'kubernetes.io/serviceaccount/secret.name': secretName,
      'kubernetes.io/serviceaccount/service-account.name': sa.name,
      'kubernetes.io/serviceaccount/service-account.uid': sa.uid,
      sub: `${SA_PREFIX}${namespace}:${sa.name}`,
    },
    key,
  );
}

interface Meta {
  metadata: { uid?: string; deletionTimestamp?: string };
}

/** Reads an object the token names; null when it does not exist. */
export type ObjectLookup = (kind: 'ServiceAccount' | 'Pod' | 'Secret' | 'Node', namespace: string | undefined, name: string) => Promise<(Meta & Record<string, unknown>) | null>;

export interface ValidateOptions {
  publicKeys: readonly KeyObject[];
  issuer?: string;
  /** kube's --api-audiences; default [issuer]. */
  audiences?: readonly string[];
  nowSeconds: number;
  lookup: ObjectLookup;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const ref = (v: unknown): { name?: string; uid?: string } | undefined => (v !== null && typeof v === 'object' ? (v as { name?: string; uid?: string }) : undefined);

/**
 * The user a ServiceAccount token stands for, null when the token is not one of ours (other
 * issuer: another authenticator may know it), or the reason it is refused (401).
 */
export async function validateToken(token: string, opts: ValidateOptions): Promise<UserInfo | { error: string } | null> {
  const verified = verifyJwt(token, opts.publicKeys);
  if ('error' in verified) return verified;
  const c = verified.claims;
  const issuer = opts.issuer ?? DEFAULT_ISSUER;
  if (c.iss === LEGACY_ISSUER) return validateLegacy(token, c, opts);
  if (c.iss !== issuer) return null;
  const audiences = opts.audiences ?? [issuer];
  const aud = Array.isArray(c.aud) ? c.aud : typeof c.aud === 'string' ? [c.aud] : [];
  if (!aud.some((a) => audiences.includes(a as string))) return { error: 'token audiences is invalid for the target audiences' };
  if (typeof c.exp !== 'number' || opts.nowSeconds > c.exp + LEEWAY_SECONDS) return { error: 'service account token has expired' };
  if (typeof c.nbf === 'number' && opts.nowSeconds < c.nbf - LEEWAY_SECONDS) return { error: 'service account token is not valid yet' };
  const kube = (c['kubernetes.io'] ?? {}) as Record<string, unknown>;
  const namespace = str(kube.namespace);
  const sa = ref(kube.serviceaccount);
  if (!namespace || !sa?.name || !sa.uid) return { error: 'service account token claims are missing the namespace or service account' };
  if (c.sub !== `${SA_PREFIX}${namespace}:${sa.name}`) return { error: 'service account token subject does not match its claims' };
  const saObj = await opts.lookup('ServiceAccount', namespace, sa.name);
  if (!saObj || saObj.metadata.uid !== sa.uid) return { error: `service account ${namespace}/${sa.name} has been deleted` };
  const extra: Record<string, string[]> = {};
  for (const kind of ['Pod', 'Secret', 'Node'] as const) {
    const bound = ref(kube[kind.toLowerCase()]);
    if (!bound?.name) continue;
    // A pod-bound token also names its pod's node: only the pod binding is checked then.
    if (kind === 'Node' && kube.pod) {
      extra['authentication.kubernetes.io/node-name'] = [bound.name];
      if (bound.uid) extra['authentication.kubernetes.io/node-uid'] = [bound.uid];
      continue;
    }
    const obj = await opts.lookup(kind, kind === 'Node' ? undefined : namespace, bound.name);
    if (!obj) return { error: `${kind.toLowerCase()}s "${bound.name}" not found` };
    if (obj.metadata.uid !== bound.uid) return { error: `${kind} ${bound.name} has been deleted (uid mismatch)` };
    if (obj.metadata.deletionTimestamp) return { error: `${kind} ${bound.name} is being deleted` };
    const key = kind.toLowerCase();
    extra[`authentication.kubernetes.io/${key}-name`] = [bound.name];
    extra[`authentication.kubernetes.io/${key}-uid`] = [bound.uid ?? ''];
  }
  if (typeof c.jti === 'string') extra['authentication.kubernetes.io/credential-id'] = [`JTI=${c.jti}`];
  return serviceAccountUser(namespace, sa.name, sa.uid, extra);
}

async function validateLegacy(token: string, c: JwtClaims, opts: ValidateOptions): Promise<UserInfo | { error: string }> {
  const namespace = str(c['kubernetes.io/serviceaccount/namespace']);
  const secretName = str(c['kubernetes.io/serviceaccount/secret.name']);
  const saName = str(c['kubernetes.io/serviceaccount/service-account.name']);
  const saUid = str(c['kubernetes.io/serviceaccount/service-account.uid']);
  if (!namespace || !secretName || !saName || !saUid) return { error: 'service account token claims are missing the namespace or service account' };
  const secret = (await opts.lookup('Secret', namespace, secretName)) as (Meta & { data?: Record<string, string> }) | null;
  if (!secret) return { error: `secret ${namespace}/${secretName} not found` };
  if (secret.metadata.deletionTimestamp) return { error: `secret ${namespace}/${secretName} is being deleted` };
  if (Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8') !== token) return { error: `token does not match the one in secret ${namespace}/${secretName}` };
  const sa = await opts.lookup('ServiceAccount', namespace, saName);
  if (!sa || sa.metadata.uid !== saUid) return { error: `service account ${namespace}/${saName} has been deleted` };
  return serviceAccountUser(namespace, saName, saUid, {});
}

export function serviceAccountUser(namespace: string, name: string, uid: string, extra: Record<string, string[]>): UserInfo {
  return {
    username: `${SA_PREFIX}${namespace}:${name}`,
    uid,
    groups: [SA_GROUP, `${SA_GROUP}:${namespace}`, AUTHENTICATED_GROUP],
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}
