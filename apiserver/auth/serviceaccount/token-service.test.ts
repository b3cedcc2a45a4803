import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock.js';
import { ApiError } from '../../errors.js';
import type { Registries } from '../../registry/registries.js';
import { generateServiceAccountKey } from './signing-key.js';
import { createServiceAccountTokens, TOKEN_SUCCESS_TTL_MS } from './token-service.js';
import { DEFAULT_ISSUER, issueToken } from './tokens.js';

/** Registries holding one ServiceAccount, counting reads; `accounts.delete` removes it. */
function fakeRegistries() {
  const accounts = new Map([['team/dev', { metadata: { name: 'dev', namespace: 'team', uid: 'sa-uid' } }]]);
  const reads = { count: 0 };
  const registries = {
    forKind: () => ({
      async get(ns: string, name: string) {
        reads.count++;
        const obj = accounts.get(`${ns}/${name}`);
        if (!obj) throw new ApiError(404, 'NotFound', `serviceaccounts "${name}" not found`);
        return obj;
      },
    }),
  } as unknown as Registries;
  return { registries, accounts, reads };
}

describe('ServiceAccount token authentication cache (kube-apiserver: 10 s for successes)', () => {
  const key = generateServiceAccountKey();

  it('authenticates a token once per 10 s; a deleted account is refused once the entry expires, while TokenReview sees it at once', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 7));
    const { registries, accounts, reads } = fakeRegistries();
    const tokens = createServiceAccountTokens({ key, registries, clock });
    const token = issueToken({ namespace: 'team', serviceAccount: { name: 'dev', uid: 'sa-uid' }, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, nowSeconds: Math.floor(clock.now() / 1000) }, key).token;

    expect(await tokens.verifier(token)).toMatchObject({ username: 'system:serviceaccount:team:dev' });
    expect(await tokens.verifier(token)).toMatchObject({ username: 'system:serviceaccount:team:dev' });
    expect(reads.count).toBe(1);

    accounts.delete('team/dev');
    expect(await tokens.review(token)).toEqual({ error: 'service account team/dev has been deleted' });
    expect(await tokens.verifier(token)).toMatchObject({ username: 'system:serviceaccount:team:dev' });
    clock.advance(TOKEN_SUCCESS_TTL_MS);
    expect(await tokens.verifier(token)).toEqual({ error: 'service account team/dev has been deleted' });
  });

  it('never caches a refusal: a bad token is checked every time', async () => {
    const clock = new FakeClock();
    const { registries, reads } = fakeRegistries();
    const tokens = createServiceAccountTokens({ key, registries, clock });
    const wrongAccount = issueToken({ namespace: 'team', serviceAccount: { name: 'dev', uid: 'old-uid' }, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, nowSeconds: Math.floor(clock.now() / 1000) }, key).token;
    expect(await tokens.verifier(wrongAccount)).toEqual({ error: 'service account team/dev has been deleted' });
    expect(await tokens.verifier(wrongAccount)).toEqual({ error: 'service account team/dev has been deleted' });
    expect(reads.count).toBe(2);
  });
});
