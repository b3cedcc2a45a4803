import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Registries } from '../../registry/registries.js';
import type { Clock } from '../../../lib/clock.js';
import { ApiError } from '../../errors.js';
import type { TokenVerifier } from '../request-authenticator.js';
import { looksLikeJwt } from './jwt.js';
import { DEFAULT_ISSUER, validateToken, type ObjectLookup } from './tokens.js';

/**
 * The apiserver's ServiceAccount token state: the signing key, the issuer and the API
 * audiences (kube's --service-account-issuer, --api-audiences), and the lookups the
 * validator needs, over the registries. One per apiserver; the TokenRequest and
 * TokenReview handlers and the request authenticator share it.
 */
export interface ServiceAccountTokens {
  key: KeyObject;
  publicKeys: KeyObject[];
  issuer: string;
  audiences: string[];
  lookup: ObjectLookup;
  verifier: TokenVerifier;
  /** Validates a token for the given audiences (TokenReview's spec.audiences). */
  review(token: string, audiences?: string[]): ReturnType<TokenVerifier>;
}

export function createServiceAccountTokens(opts: { key: KeyObject; registries: Registries; clock: Clock; issuer?: string; audiences?: string[] }): ServiceAccountTokens {
  const issuer = opts.issuer ?? DEFAULT_ISSUER;
  const audiences = opts.audiences && opts.audiences.length > 0 ? opts.audiences : [issuer];
  const publicKeys = [createPublicKey(opts.key)];
  const lookup: ObjectLookup = async (kind, namespace, name) => {
    try {
      return (await opts.registries.forKind('', kind).get(namespace, name)) as never;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return null;
      throw err;
    }
  };
  const review = async (token: string, wanted?: string[]) => {
    if (!looksLikeJwt(token)) return null;
    return validateToken(token, { publicKeys, issuer, audiences: wanted && wanted.length ? wanted : audiences, nowSeconds: Math.floor(opts.clock.now() / 1000), lookup });
  };
  // kube-apiserver caches successful token authentications for 10 s (its token success
  // cache TTL); without it every request a controller makes costs a signature check and a
  // read of its ServiceAccount. A deleted account's tokens fail within those 10 s, as on
  // kube. TokenReview (review) always validates afresh.
  const authenticated = new Map<string, { user: Exclude<Awaited<ReturnType<TokenVerifier>>, null | { error: string }>; until: number }>();
  const verifier: TokenVerifier = async (token) => {
    const now = opts.clock.now();
    const hit = authenticated.get(token);
    if (hit && hit.until > now) return hit.user;
    const res = await review(token);
    if (res && !('error' in res)) {
      if (authenticated.size >= TOKEN_CACHE_ENTRIES) authenticated.clear();
      authenticated.set(token, { user: res, until: now + TOKEN_SUCCESS_TTL_MS });
    } else if (hit) authenticated.delete(token);
    return res;
  };
  return { key: opts.key, publicKeys, issuer, audiences, lookup, verifier, review };
}

/** kube-apiserver's default token success cache TTL. */
export const TOKEN_SUCCESS_TTL_MS = 10_000;
const TOKEN_CACHE_ENTRIES = 4096;
