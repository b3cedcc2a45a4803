import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Authenticator, RequestHeaders, UserInfo } from './authenticator.js';
import { parseCsv } from './csv.js';
import { pkiDir, readIfExists, writeFileAtomic } from './pem-files.js';

export interface TokenEntry {
  token: string;
  user: UserInfo;
}

/** The cluster admin, as kubeadm names it: `system:masters` is bound to cluster-admin. */
export const ADMIN_USER: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters'] };

/** Every authenticated user is in this group, as in Kubernetes. */
export const AUTHENTICATED_GROUP = 'system:authenticated';

/**
 * The admin's bearer token: 32 random bytes (base64url) in `<dataDir>/pki/admin.token`
 * (mode 0600), created on first start and reused after, so a kubeconfig written earlier
 * keeps working across restarts.
 */
export async function ensureAdminToken(dataDir: string): Promise<string> {
  const path = join(pkiDir(dataDir), 'admin.token');
  const stored = (await readIfExists(path))?.trim();
  if (stored) {
    await chmod(path, 0o600); // in case it was loosened by hand
    return stored;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(path, `${token}\n`, 0o600);
  return token;
}

/**
 * The bearer token from an Authorization header, as Kubernetes reads it: scheme
 * `Bearer` in any case, a single space, a non-empty token; anything else is no token.
 */
export function bearerToken(headers: RequestHeaders): string | null {
  const raw = headers['authorization'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return null;
  const parts = value.split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer' || parts[1] === '') return null;
  return parts[1]!;
}

/**
 * Authenticates `Authorization: Bearer <token>` against a fixed list. Comparison is in
 * constant time: tokens are hashed to equal-length digests, compared with
 * timingSafeEqual, and every entry is compared, so timing reveals neither which entry
 * matched nor how much of a token was right. Later entries win over earlier ones with
 * the same token (as in a token file, where the last line wins).
 * The returned user always carries `system:authenticated`.
 */
export function createTokenAuthenticator(tokens: readonly TokenEntry[]): Authenticator {
  const entries = tokens
    .filter((t) => t.token !== '')
    .map((t) => ({ digest: digest(t.token), user: withAuthenticatedGroup(t.user) }));
  return (headers) => {
    const token = bearerToken(headers);
    if (token === null) return null;
    const presented = digest(token);
    let found: UserInfo | null = null;
    for (const e of entries) {
      if (timingSafeEqual(e.digest, presented)) found = e.user;
    }
    return found === null ? null : { ...found, groups: [...found.groups] };
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function withAuthenticatedGroup(user: UserInfo): UserInfo {
  const groups = user.groups.includes(AUTHENTICATED_GROUP) ? user.groups : [...user.groups, AUTHENTICATED_GROUP];
  return { ...user, groups };
}

/**
 * Reads a kube-apiserver `--token-auth-file`: CSV lines `token,user,uid[,"group1,group2"]`.
 * Blank lines are skipped; a line with fewer than three columns is an error; a line with
 * an empty token is ignored; a repeated token keeps its last line.
 */
export async function loadTokenFile(path: string): Promise<TokenEntry[]> {
  const text = await readFile(path, 'utf8');
  return parseTokenFile(text, path);
}

/** The pure half of loadTokenFile, for tests. `path` only appears in error messages. */
export function parseTokenFile(text: string, path: string): TokenEntry[] {
  const byToken = new Map<string, TokenEntry>();
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    throw new Error(`token file '${path}': ${(err as Error).message}`);
  }
  for (const record of records) {
    if (record.length < 3) {
      throw new Error(
        `token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`,
      );
    }
    const [token, username, uid, groups] = record as [string, string, string, string | undefined];
    if (token === '') continue;
    byToken.delete(token); // keep file order of the last occurrence
    byToken.set(token, {
      token,
      user: {
        username,
        ...(uid === '' ? {} : { uid }),
        groups: groups === undefined ? [] : groups.split(',').filter((g) => g !== ''),
      },
    });
  }
  return [...byToken.values()];
}
