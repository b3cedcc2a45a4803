import type { Authenticator, RequestHeaders, UserInfo } from './authenticator.js';
import { bearerToken } from './tokens.js';
import { certificateOutcome } from './x509-auth.js';

/**
 * kube-apiserver's authentication chain for one request: the client certificate (x509),
 * then the bearer token (static tokens, then ServiceAccount JWTs), and, when neither
 * presents any credential, the anonymous user. As kube's union authenticator, the first
 * method that succeeds wins; if none does and one of them was handed a credential it could
 * not accept (a token nobody knows, a certificate of another CA, an expired JWT) the
 * request is 401 — anonymous is only for requests that brought no credential at all.
 */

export const ANONYMOUS_USER: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export type AuthOutcome = { kind: 'user'; user: UserInfo } | { kind: 'anonymous'; user: UserInfo } | { kind: 'error'; message: string };

/** Verifies a bearer token that may be a ServiceAccount JWT: null when it is not one. */
export type TokenVerifier = (token: string) => Promise<UserInfo | { error: string } | null>;

export interface RequestAuthenticatorOptions {
  /** Static bearer tokens (--token-auth-file and the admin token). */
  tokens?: Authenticator;
  /** ServiceAccount tokens (serviceaccount/jwt-authenticator.ts). */
  serviceAccounts?: TokenVerifier;
  /** --client-ca-file is set: client certificates are read. */
  x509?: boolean;
  /** kube's --anonymous-auth (default true). */
  anonymous?: boolean;
}

export interface AuthenticatedRequest {
  headers: RequestHeaders;
  socket?: unknown;
}

export type RequestAuthenticator = (req: AuthenticatedRequest) => Promise<AuthOutcome>;

export function createRequestAuthenticator(opts: RequestAuthenticatorOptions): RequestAuthenticator {
  return async (req) => {
    const errors: string[] = [];
    if (opts.x509) {
      const cert = certificateOutcome(req.socket);
      if (cert.kind === 'user') return { kind: 'user', user: cert.user };
      if (cert.kind === 'error') errors.push(cert.message);
    }
    const token = bearerToken(req.headers);
    if (token !== null) {
      const fromFile = opts.tokens?.(req.headers);
      if (fromFile) return { kind: 'user', user: fromFile };
      const sa = opts.serviceAccounts ? await opts.serviceAccounts(token) : null;
      if (sa && 'username' in sa) return { kind: 'user', user: sa };
      errors.push(sa && 'error' in sa ? sa.error : 'invalid bearer token');
    }
    // An Authorization header that is no bearer token ("Basic …") is ignored, as kube's
    // bearer authenticator ignores it: such a request falls to anonymous.
    if (errors.length > 0) return { kind: 'error', message: errors.join(', ') };
    if (opts.anonymous === false) return { kind: 'error', message: 'no credentials' };
    return { kind: 'anonymous', user: { ...ANONYMOUS_USER, groups: [...ANONYMOUS_USER.groups] } };
  };
}

