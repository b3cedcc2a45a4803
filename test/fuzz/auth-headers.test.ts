import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apiserver/app.js';
import { createSqliteStore } from '../../apiserver/storage/sqlite-store.js';
import type { Store } from '../../apiserver/storage/store.js';
import { ADMIN_USER, createTokenAuthenticator } from '../../apiserver/auth/tokens.js';
import { generateServiceAccountKey } from '../../apiserver/auth/serviceaccount/signing-key.js';
import { signJwt } from '../../apiserver/auth/serviceaccount/jwt.js';
import { Prng } from './prng.js';
import { componentToken, createComponentTokenAuthenticator, unionAuthenticator } from '../../apiserver/auth/component-tokens.js';

/** The component-token key the app trusts; the fuzzed tokens are signed with another or forged. */
const COMPONENT_KEY = 'ab'.repeat(32);

// Authentication and impersonation headers, random and crafted: every answer is a
// Status (401, 403 or 400), never a 500, and a write under a bad credential changes
// nothing. The seed is printed with a failure; FUZZ_SEED replays it.

const SEED = Number(process.env.FUZZ_SEED ?? 1207);
const ROUNDS = 300;
const serverErrors: string[] = [];
const logger = pino({ level: 'error' }, { write: (line: string) => void serverErrors.push(line) });
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const otherKey = generateServiceAccountKey();

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = createSqliteStore({ path: ':memory:' });
  app = await buildApp({ store, logger, authenticator: unionAuthenticator(createTokenAuthenticator([{ token: 'admin-token', user: ADMIN_USER }]), createComponentTokenAuthenticator(COMPONENT_KEY)) });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

function authorization(r: Prng): string {
  const sa = { iss: 'https://kubernetes.default.svc.cluster.local', aud: ['https://kubernetes.default.svc.cluster.local'], sub: 'system:serviceaccount:default:default', exp: 4e9, 'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'default', uid: 'x' } } };
  switch (r.int(0, 14)) {
    // Component tokens (auth/component-tokens.ts): another key, a forged payload, garbage parts.
    case 12: return `Bearer ${componentToken('cd'.repeat(32), { username: 'system:node:n1', groups: ['system:nodes', 'system:masters'] })}`;
    case 13: return `Bearer kcc.${b64(JSON.stringify({ u: 'kubernetes-admin', g: ['system:masters'] }))}.${componentToken(COMPONENT_KEY, { username: 'x' }).split('.')[2]}`;
    case 14: return `Bearer kcc.${r.bytes(r.int(0, 40)).toString('base64url')}.${r.bytes(r.int(0, 40)).toString('base64url')}`;
    case 0: return `Bearer ${r.bytes(r.int(1, 64)).toString('base64')}`;
    case 1: return `Bearer ${b64('{"alg":"none"}')}.${b64(JSON.stringify(sa))}.`;
    case 2: return `Bearer ${b64('{"alg":"HS256"}')}.${b64(JSON.stringify(sa))}.${b64('sig')}`;
    case 3: return `Bearer ${signJwt(sa, otherKey)}`; // a well-formed token of another key
    case 4: return `Bearer ${b64(r.bytes(20).toString('latin1'))}.${b64('[1,2]')}.${b64('x')}`;
    case 5: return `Bearer ${'a.'.repeat(r.int(1, 2000))}`;
    case 6: return `bearer  admin-token`; // two spaces: no token
    case 7: return `Bearer admin-token${String.fromCharCode(r.int(33, 126))}`;
    case 8: return `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    case 9: return `Bearer ${b64('{"alg":"RS256","kid":"' + 'k'.repeat(r.int(0, 300)) + '"}')}.${b64('null')}.${b64('')}`;
    case 10: return `Bearer ${b64(JSON.stringify({ alg: 'RS256' }))}.${b64(JSON.stringify({ ...sa, iss: 'kubernetes/serviceaccount' }))}.AAAA`;
    default: return `Bearer \u00e9\u00e8${r.bytes(4).toString('hex')}`;
  }
}

describe('fuzzed authentication headers', () => {
  it(`answers each with a Status and writes nothing (seed ${SEED})`, async () => {
    const r = new Prng(SEED);
    const failures: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const headers: Record<string, string> = { authorization: authorization(r), 'content-type': 'application/json' };
      if (r.bool(0.2)) headers['impersonate-user'] = r.pick(['system:admin', '', ',', 'a,b', 'x'.repeat(500)]);
      if (r.bool(0.1)) headers['impersonate-group'] = 'system:masters';
      const name = `fuzz-${i}`;
      const res = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', headers, payload: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }) });
      let body: { kind?: string; code?: number } = {};
      try {
        body = JSON.parse(res.body) as typeof body;
      } catch {
        failures.push(`#${i} ${headers.authorization.slice(0, 60)}: body is not JSON`);
        continue;
      }
      if (![400, 401, 403].includes(res.statusCode) || body.kind !== 'Status' || body.code !== res.statusCode) {
        failures.push(`#${i} ${headers.authorization.slice(0, 60)}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    const list = await app.inject({ url: '/api/v1/namespaces/default/configmaps', headers: { authorization: 'Bearer admin-token' } });
    const names = (JSON.parse(list.body).items as Array<{ metadata: { name: string } }>).map((c) => c.metadata.name);
    expect(names.filter((n) => n.startsWith('fuzz-'))).toEqual([]);
    expect(failures).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});
