import type { RequestHeaders, UserInfo } from '../auth/authenticator.js';

/**
 * Credentials for GraphQL over WebSocket. Browsers cannot set headers on a WebSocket, so
 * clients (GraphiQL among them: it sends its header editor's headers) pass them in the
 * connection_init payload: `{ Authorization: 'Bearer …' }` or `{ headers: { … } }`.
 */

/** The Authorization value of a connection_init payload, whatever its key's case. */
export function authorizationFromParams(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const record = payload as Record<string, unknown>;
  const nested = record.headers;
  for (const source of [record, nested]) {
    if (source === null || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source)) {
      if (key.toLowerCase() === 'authorization' && typeof value === 'string') return value;
    }
  }
  return undefined;
}

export type ConnectDecision =
  /** No credentials in the payload: the upgrade request's own user (if any) stands. */
  | { kind: 'defer' }
  | { kind: 'accept'; user: UserInfo }
  | { kind: 'reject' };

/**
 * Decides a WebSocket connection_init. Credentials in the payload must authenticate; a
 * connection without any is let through, and each subscription then needs the user of
 * the upgrade request (the resolvers refuse one without a user when auth is required).
 */
export function decideConnect(
  payload: unknown,
  authRequired: boolean,
  authenticate: ((headers: RequestHeaders) => UserInfo | null) | undefined,
): ConnectDecision {
  if (!authRequired) return { kind: 'defer' };
  const authorization = authorizationFromParams(payload);
  if (authorization === undefined) return { kind: 'defer' };
  const user = authenticate?.({ authorization });
  return user ? { kind: 'accept', user } : { kind: 'reject' };
}
