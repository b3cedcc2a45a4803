import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Registries } from '../../registry/registries.js';
import type { Clock } from '../../../lib/clock.js';
import { ApiError } from '../../errors.js';
import { serviceAccountResource } from '../../../api/core/serviceaccount.js';
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
    // The ServiceAccount from the watched copy admission keeps (kube's token authenticator
    // reads an informer too): every request a controller makes would otherwise read its
    // account from storage. A miss reads storage (an account just made elsewhere).
    if (kind === 'ServiceAccount' && namespace) {
      const watched = opts.registries.watchedObjects(serviceAccountResource)?.get(namespace, name);
      if (watched) return watched as never;
    }
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
  return { key: opts.key, publicKeys, issuer, audiences, lookup, verifier: (token) => review(token), review };
}
