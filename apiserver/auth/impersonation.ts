import type { UserInfo } from './authenticator.js';
import type { RequestAttributes } from './rbac/rule-match.js';

/**
 * kube-apiserver's impersonation (`kubectl --as USER --as-group GROUP`): the headers
 * Impersonate-User, Impersonate-Group and Impersonate-Uid name who the request should act
 * as. The caller needs the `impersonate` verb on `users`, `groups` and `uids` (core group)
 * for each value; the impersonated user gets system:authenticated as kube adds it.
 */

export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';

export interface ImpersonationRequest {
  user: UserInfo;
  /** What the caller must be allowed, one check per impersonated value. */
  checks: RequestAttributes[];
}

function values(headers: Record<string, string | string[] | undefined>, name: string): string[] {
  const v = headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** Null when the request impersonates nobody; an error message for malformed headers. */
export function parseImpersonation(headers: Record<string, string | string[] | undefined>): ImpersonationRequest | string | null {
  const users = values(headers, IMPERSONATE_USER);
  const groups = values(headers, IMPERSONATE_GROUP);
  const uids = values(headers, IMPERSONATE_UID);
  if (users.length === 0 && groups.length === 0 && uids.length === 0) return null;
  if (users.length !== 1) return 'requested impersonation of groups or uid without impersonating a user';
  const username = users[0]!;
  const checks: RequestAttributes[] = [{ kind: 'resource', verb: 'impersonate', group: '', resource: 'users', name: username }];
  for (const g of groups) checks.push({ kind: 'resource', verb: 'impersonate', group: '', resource: 'groups', name: g });
  for (const u of uids) checks.push({ kind: 'resource', verb: 'impersonate', group: '', resource: 'uids', name: u });
  const all = username === 'system:anonymous' ? groups : groups.includes('system:authenticated') ? groups : [...groups, 'system:authenticated'];
  return { user: { username, groups: all, ...(uids[0] ? { uid: uids[0] } : {}) }, checks };
}
