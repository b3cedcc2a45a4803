import { describe, expect, it } from 'vitest';
import { createRequestAuthenticator, ANONYMOUS_USER } from './request-authenticator.js';
import { createTokenAuthenticator } from './tokens.js';
import { userFromCertificate, certificateOutcome } from './x509-auth.js';

const tokens = createTokenAuthenticator([{ token: 'good', user: { username: 'dev', groups: ['devs'] } }]);
const certSocket = (authorized: boolean, subject: Record<string, string | string[]>, authorizationError?: string) => ({
  authorized,
  authorizationError,
  getPeerCertificate: () => ({ subject, serialNumber: '0A' }),
});
const noCertSocket = { authorized: false, getPeerCertificate: () => ({}) };
const serviceAccounts = async (token: string) => (token === 'sa.jwt.token' ? { username: 'system:serviceaccount:ns:sa', groups: ['system:serviceaccounts'] } : token.includes('.') ? { error: 'service account token has expired' } : null);

describe('request authentication chain', () => {
  const authenticate = createRequestAuthenticator({ tokens, serviceAccounts, x509: true });

  it.each([
    ['a client certificate', { socket: certSocket(true, { CN: 'alice', O: ['a', 'b'] }) }, { kind: 'user', user: { username: 'alice', groups: ['a', 'b', 'system:authenticated'] } }],
    ['a static token', { headers: { authorization: 'Bearer good' } }, { kind: 'user', user: { username: 'dev' } }],
    ['a ServiceAccount token', { headers: { authorization: 'Bearer sa.jwt.token' } }, { kind: 'user', user: { username: 'system:serviceaccount:ns:sa' } }],
    ['an expired ServiceAccount token', { headers: { authorization: 'Bearer a.b.c' } }, { kind: 'error', message: 'service account token has expired' }],
    ['an unknown token', { headers: { authorization: 'Bearer nope' } }, { kind: 'error', message: 'invalid bearer token' }],
    ['a certificate of another CA', { socket: certSocket(false, { CN: 'mallory' }, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') }, { kind: 'error' }],
    ['a bad certificate but a good token (union: the token wins)', { socket: certSocket(false, { CN: 'x' }), headers: { authorization: 'Bearer good' } }, { kind: 'user', user: { username: 'dev' } }],
    ['no credentials', { socket: noCertSocket }, { kind: 'anonymous', user: ANONYMOUS_USER }],
    ['a Basic header (not a bearer token)', { headers: { authorization: 'Basic YTpi' } }, { kind: 'anonymous' }],
  ])('%s', async (_name, req, want) => {
    expect(await authenticate({ headers: {}, ...req } as never)).toMatchObject(want);
  });

  it('refuses anonymous requests with --anonymous-auth=false', async () => {
    const strict = createRequestAuthenticator({ tokens, anonymous: false });
    expect(await strict({ headers: {} })).toMatchObject({ kind: 'error' });
  });

  it('ignores certificates without --client-ca-file', async () => {
    const tokensOnly = createRequestAuthenticator({ tokens });
    expect(await tokensOnly({ headers: {}, socket: certSocket(true, { CN: 'alice' }) })).toMatchObject({ kind: 'anonymous' });
  });
});

describe('x509 user mapping', () => {
  it('takes CN as the user and each O as a group', () => {
    expect(userFromCertificate({ subject: { CN: 'kubernetes-admin', O: 'system:masters' } } as never)).toEqual({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    expect(userFromCertificate({ subject: { O: 'x' } } as never)).toBeNull();
  });

  it('reports a verified certificate without CN as an error', () => {
    expect(certificateOutcome(certSocket(true, { O: 'x' }))).toMatchObject({ kind: 'error' });
    expect(certificateOutcome(undefined)).toEqual({ kind: 'none' });
  });
});
