import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock.js';
import { ApiError } from '../../errors.js';
import type { Registries } from '../../registry/registries.js';
import { generateServiceAccountKey } from './signing-key.js';
import { createServiceAccountTokens } from './token-service.js';
import { DEFAULT_ISSUER, issueToken } from './tokens.js';

type Account = { metadata: { name: string; namespace: string; uid: string } };

/** Storage and a watched copy of ServiceAccounts, counting storage reads. */
function fakeRegistries(watching: boolean) {
  const stored = new Map<string, Account>([['team/dev', { metadata: { name: 'dev', namespace: 'team', uid: 'sa-uid' } }]]);
  const watched = new Map(stored);
  const reads = { count: 0 };
  const registries = {
    forKind: () => ({
      async get(ns: string, name: string) {
        reads.count++;
        const obj = stored.get(`${ns}/${name}`);
        if (!obj) throw new ApiError(404, 'NotFound', `serviceaccounts "${name}" not found`);
        return obj;
      },
    }),
    watchedObjects: () => (watching ? { get: (ns: string, name: string) => watched.get(`${ns}/${name}`), all: () => [...watched.values()] } : undefined),
  } as unknown as Registries;
  const remove = (key: string) => {
    stored.delete(key);
    watched.delete(key);
  };
  return { registries, reads, remove, stored };
}

describe('ServiceAccount token authentication reads the watched ServiceAccounts', () => {
  const key = generateServiceAccountKey();
  const clock = new FakeClock(Date.UTC(2026, 11, 7));
  const tokenFor = (uid: string) =>
    issueToken({ namespace: 'team', serviceAccount: { name: 'dev', uid }, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, nowSeconds: Math.floor(clock.now() / 1000) }, key).token;

  it('authenticates from the watched copy without a storage read, and refuses a deleted account at once', async () => {
    const { registries, reads, remove } = fakeRegistries(true);
    const tokens = createServiceAccountTokens({ key, registries, clock });
    const token = tokenFor('sa-uid');
    expect(await tokens.verifier(token)).toMatchObject({ username: 'system:serviceaccount:team:dev' });
    expect(await tokens.verifier(token)).toMatchObject({ username: 'system:serviceaccount:team:dev' });
    expect(reads.count).toBe(0);
    remove('team/dev');
    expect(await tokens.verifier(token)).toEqual({ error: 'service account team/dev has been deleted' });
    expect(reads.count).toBe(1);
  });

  it('reads storage when nothing is watched yet or the watched copy misses the account', async () => {
    const { registries, reads, stored } = fakeRegistries(false);
    const tokens = createServiceAccountTokens({ key, registries, clock });
    expect(await tokens.verifier(tokenFor('sa-uid'))).toMatchObject({ username: 'system:serviceaccount:team:dev' });
    expect(reads.count).toBe(1);
    stored.set('team/dev', { metadata: { name: 'dev', namespace: 'team', uid: 'new-uid' } });
    expect(await tokens.verifier(tokenFor('sa-uid'))).toEqual({ error: 'service account team/dev has been deleted' });
  });
});
