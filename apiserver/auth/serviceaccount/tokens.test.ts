import { describe, expect, it } from 'vitest';
import { generateServiceAccountKey } from './signing-key.js';
import { signJwt, looksLikeJwt, keyId } from './jwt.js';
import { issueLegacyToken, issueToken, validateToken, DEFAULT_ISSUER, type ObjectLookup } from './tokens.js';
import { createPublicKey } from 'node:crypto';

const key = generateServiceAccountKey();
const otherKey = generateServiceAccountKey();
const publicKeys = [createPublicKey(key)];
const NOW = 1_800_000_000;

type Obj = { metadata: { uid?: string; deletionTimestamp?: string }; data?: Record<string, string> };
function lookupOf(objects: Record<string, Obj>): ObjectLookup {
  return async (kind, ns, name) => (objects[`${kind}/${ns ?? ''}/${name}`] as never) ?? null;
}
const world: Record<string, Obj> = {
  'ServiceAccount/team/dev': { metadata: { uid: 'sa-uid' } },
  'Pod/team/web': { metadata: { uid: 'pod-uid' } },
  'Pod/team/dying': { metadata: { uid: 'dying-uid', deletionTimestamp: '2027-01-01T00:00:00Z' } },
};

const issue = (over: Partial<Parameters<typeof issueToken>[0]> = {}, signer = key, issuer = DEFAULT_ISSUER) =>
  issueToken({ namespace: 'team', serviceAccount: { name: 'dev', uid: 'sa-uid' }, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, nowSeconds: NOW, ...over }, signer, issuer).token;

const validate = (token: string, opts: { now?: number; audiences?: string[]; objects?: Record<string, Obj> } = {}) =>
  validateToken(token, { publicKeys, nowSeconds: opts.now ?? NOW + 10, lookup: lookupOf(opts.objects ?? world), ...(opts.audiences ? { audiences: opts.audiences } : {}) });

describe('ServiceAccount tokens', () => {
  it('issues a JWT kube clients can read, and it authenticates as the ServiceAccount', async () => {
    const token = issue();
    expect(looksLikeJwt(token)).toBe(true);
    const [h, c] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(h).toEqual({ alg: 'RS256', kid: keyId(createPublicKey(key)) });
    expect(c).toMatchObject({ iss: DEFAULT_ISSUER, aud: [DEFAULT_ISSUER], sub: 'system:serviceaccount:team:dev', exp: NOW + 3600, 'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'dev', uid: 'sa-uid' } } });
    const user = await validate(token);
    expect(user).toMatchObject({ username: 'system:serviceaccount:team:dev', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] });
  });

  it('binds to a pod: the pod name and uid become user extras', async () => {
    const user = await validate(issue({ bound: { kind: 'Pod', name: 'web', uid: 'pod-uid' } }));
    expect(user).toMatchObject({ extra: { 'authentication.kubernetes.io/pod-name': ['web'], 'authentication.kubernetes.io/pod-uid': ['pod-uid'] } });
  });

  it.each([
    ['signed by another key', () => issue({}, otherKey), /cryptographic/],
    ['expired (beyond the 60 s leeway)', () => issue({ expirationSeconds: 600 }), /expired/, NOW + 600 + 61],
    ['not valid yet', () => issue({ nowSeconds: NOW + 1000 }), /not valid yet/],
    ['for another audience', () => issue({ audiences: ['vault'] }), /audiences/],
    ['of a deleted ServiceAccount', () => issue({ serviceAccount: { name: 'gone', uid: 'x' } }), /has been deleted/],
    ['of a recreated ServiceAccount (uid differs)', () => issue({ serviceAccount: { name: 'dev', uid: 'old-uid' } }), /has been deleted/],
    ['bound to a pod that is gone', () => issue({ bound: { kind: 'Pod', name: 'nope', uid: 'u' } }), /pods "nope" not found/],
    ['bound to a pod that was recreated', () => issue({ bound: { kind: 'Pod', name: 'web', uid: 'old' } }), /uid mismatch/],
    ['bound to a pod being deleted', () => issue({ bound: { kind: 'Pod', name: 'dying', uid: 'dying-uid' } }), /being deleted/],
    ['with alg none', () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"x"}').toString('base64url')}.AAAA`, /unsupported algorithm/],
    ['with a mangled payload', () => { const p = issue().split('.'); return `${p[0]}.${p[1]!.slice(0, -3)}abc.${p[2]}`; }, /invalid bearer token/],
  ])('refuses a token %s', async (_name, make, message, now?: number) => {
    const result = await validate(make(), { now });
    expect(result).toMatchObject({ error: expect.stringMatching(message) });
  });

  it('leaves tokens of another issuer to other authenticators', async () => {
    expect(await validate(issue({}, key, 'https://elsewhere'))).toBeNull();
  });

  it('checks a legacy Secret token against its Secret', async () => {
    const token = issueLegacyToken('team', { name: 'dev', uid: 'sa-uid' }, 'dev-token', key);
    const withSecret = { ...world, 'Secret/team/dev-token': { metadata: { uid: 's' }, data: { token: Buffer.from(token).toString('base64') } } };
    expect(await validate(token, { objects: withSecret })).toMatchObject({ username: 'system:serviceaccount:team:dev' });
    expect(await validate(token)).toMatchObject({ error: expect.stringMatching(/secret team\/dev-token not found/) });
    const other = { ...world, 'Secret/team/dev-token': { metadata: { uid: 's' }, data: { token: Buffer.from('other').toString('base64') } } };
    expect(await validate(token, { objects: other })).toMatchObject({ error: expect.stringMatching(/does not match/) });
  });

  it('signs with RS256 only through signJwt', () => {
    const token = signJwt({ a: 1 }, key);
    expect(token.split('.')).toHaveLength(3);
    expect(looksLikeJwt('abc')).toBe(false);
    expect(looksLikeJwt('a.b.c')).toBe(false);
  });
});
