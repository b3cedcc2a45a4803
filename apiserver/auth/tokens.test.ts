import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import {
  ADMIN_USER,
  bearerToken,
  createTokenAuthenticator,
  ensureAdminToken,
  loadTokenFile,
  parseTokenFile,
} from './tokens.js';

describe('parseCsv', () => {
  it.each([
    { text: '', records: [] },
    { text: 'a,b,c', records: [['a', 'b', 'c']] },
    { text: 'a,b,c\n', records: [['a', 'b', 'c']] },
    { text: 'a,b\r\n\n\nc,d\r\n', records: [['a', 'b'], ['c', 'd']] },
    { text: 'a,"g1,g2"', records: [['a', 'g1,g2']] },
    { text: '"say ""hi""",x', records: [['say "hi"', 'x']] },
    { text: '"two\nlines",x', records: [['two\nlines', 'x']] },
    { text: 'a,,', records: [['a', '', '']] },
    { text: ' a , b', records: [[' a ', ' b']] },
    { text: '"",x', records: [['', 'x']] },
  ])('reads $text', ({ text, records }) => {
    expect(parseCsv(text)).toEqual(records);
  });

  it.each([
    { text: 'a"b,c', error: /line 1: bare " in non-quoted-field/ },
    { text: 'x\n"a"b,c', error: /line 2: extraneous or missing " in quoted-field/ },
    { text: '"open', error: /extraneous or missing "/ },
  ])('rejects $text', ({ text, error }) => {
    expect(() => parseCsv(text)).toThrow(error);
  });
});

describe('parseTokenFile', () => {
  it('reads token,user,uid and optional groups; skips empty tokens; the last duplicate wins', () => {
    const text = [
      't1,alice,uid-a,"dev,ops"',
      't2,bob,uid-b',
      ',nobody,uid-n',
      't3,carol,,',
      't1,alice2,uid-a2',
    ].join('\n');
    expect(parseTokenFile(text, 'f.csv')).toEqual([
      { token: 't2', user: { username: 'bob', uid: 'uid-b', groups: [] } },
      { token: 't3', user: { username: 'carol', groups: [] } },
      { token: 't1', user: { username: 'alice2', uid: 'uid-a2', groups: [] } },
    ]);
  });

  it('rejects a line with fewer than three columns, as kube-apiserver does', () => {
    expect(() => parseTokenFile('t1,alice\n', 'f.csv')).toThrow(
      "token file 'f.csv' must have at least 3 columns (token, user name, user uid), found 2",
    );
  });
});

describe('bearerToken', () => {
  it.each([
    { header: undefined, token: null },
    { header: '', token: null },
    { header: 'Bearer abc', token: 'abc' },
    { header: 'bearer abc', token: 'abc' },
    { header: '  BEARER abc  ', token: 'abc' },
    { header: 'Bearer abc extra', token: 'abc' },
    { header: 'Bearer', token: null },
    { header: 'Bearer  abc', token: null },
    { header: 'Basic YWRtaW46YWRtaW4=', token: null },
    { header: ['Bearer first', 'Bearer second'], token: 'first' },
  ])('reads $header', ({ header, token }) => {
    expect(bearerToken({ authorization: header })).toBe(token);
  });
});

describe('createTokenAuthenticator', () => {
  const authenticate = createTokenAuthenticator([
    { token: 'admin-token', user: ADMIN_USER },
    { token: 'dev-token', user: { username: 'dev', uid: '42', groups: ['devs'] } },
    { token: '', user: { username: 'empty', groups: [] } },
  ]);

  it.each([
    { header: 'Bearer admin-token', user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } },
    { header: 'Bearer dev-token', user: { username: 'dev', uid: '42', groups: ['devs', 'system:authenticated'] } },
    { header: 'Bearer admin-toke', user: null },
    { header: 'Bearer admin-token2', user: null },
    { header: 'Bearer ', user: null },
    { header: undefined, user: null },
  ])('$header → $user.username', ({ header, user }) => {
    expect(authenticate({ authorization: header })).toEqual(user);
  });

  it('hands out copies: a caller changing the groups does not change the next answer', () => {
    authenticate({ authorization: 'Bearer dev-token' })!.groups.push('system:masters');
    expect(authenticate({ authorization: 'Bearer dev-token' })!.groups).toEqual(['devs', 'system:authenticated']);
  });
});

describe('token files on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-tokens-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ensureAdminToken creates a 32-byte token with mode 0600 and reuses it', async () => {
    const token = await ensureAdminToken(dir);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const path = join(dir, 'pki', 'admin.token');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(token);
    expect(await ensureAdminToken(dir)).toBe(token);
    expect(await ensureAdminToken(await mkdtemp(join(dir, 'other-')))).not.toBe(token);
  });

  it('loadTokenFile reads a file', async () => {
    const path = join(dir, 'tokens.csv');
    await writeFile(path, 'secret,jane,1,"a,b"\n');
    expect(await loadTokenFile(path)).toEqual([{ token: 'secret', user: { username: 'jane', uid: '1', groups: ['a', 'b'] } }]);
  });
});
