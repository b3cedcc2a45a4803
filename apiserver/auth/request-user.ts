import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserInfo } from './authenticator.js';

/**
 * The user a REST request is served for, carried through the request's async work, as
 * kube's request context carries user.Info into the registry: the RBAC escalation checks
 * run in the write path and need it. Absent outside a REST request (GraphQL, internal
 * writes), where those checks do not apply.
 */
const storage = new AsyncLocalStorage<UserInfo>();

export function runAsUser<T>(user: UserInfo | undefined, fn: () => Promise<T>): Promise<T> {
  return user ? storage.run(user, fn) : fn();
}

export function currentUser(): UserInfo | undefined {
  return storage.getStore();
}
