import { serviceAccountResource } from '../api/core/serviceaccount.js';
import { isAlreadyExists, isNotFound } from '../client/api-error.js';
import { requestServiceAccountToken, withTokenSource, type HttpRestClient } from '../client/rest-client.js';
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/**
 * kube-controller-manager's --use-service-account-credentials (client-go's
 * SAControllerClientBuilder): each controller gets a client that acts as its own
 * ServiceAccount in kube-system, so the apiserver authorizes it with that account's
 * `system:controller:<name>` role and API Priority and Fairness files its requests under
 * kube-system-service-accounts. The manager's own credential (system:kube-controller-manager,
 * whose role allows creating ServiceAccounts and their tokens) creates the account when
 * missing and asks the TokenRequest API for a token, renewed at 80 % of its lifetime as
 * client-go renews it. The clients share the manager's connection pool.
 */

export type ControllerClients = (serviceAccount: string) => Promise<HttpRestClient>;

export interface ServiceAccountCredentialsOptions {
  /** The manager's client (its own credential). */
  root: HttpRestClient;
  clock: Clock;
  logger: Logger;
  /** Default kube-system. */
  namespace?: string;
  /** Requested token lifetime; default 3600 s, as client-go asks. */
  expirationSeconds?: number;
  /** Wait before retrying a failed account or token request; default 5 s. */
  retryMs?: number;
}

export interface ServiceAccountCredentials {
  /** Resolves with the account's client once its first token is in hand (retrying until then). */
  clientFor: ControllerClients;
  /** The account's current token once clientFor obtained one (for clients other than a RestClient). */
  token(serviceAccount: string): string | undefined;
  /** Stops renewals; pending clientFor calls reject. */
  stop(): void;
}

interface Account {
  token?: string;
  timer?: TimerHandle;
  ready: Promise<HttpRestClient>;
}

export function serviceAccountCredentials(opts: ServiceAccountCredentialsOptions): ServiceAccountCredentials {
  const namespace = opts.namespace ?? 'kube-system';
  const lifetime = opts.expirationSeconds ?? 3600;
  const retryMs = opts.retryMs ?? 5_000;
  const log = opts.logger.child({ component: 'serviceaccount-credentials' });
  const accounts = new Map<string, Account>();
  let stopped = false;

  const ensureAccount = async (name: string): Promise<void> => {
    try {
      await opts.root.get(serviceAccountResource, name, { namespace });
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await opts.root.create(serviceAccountResource, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }, { namespace });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  };

  /** Asks for a token, then schedules the next at 80 % of its lifetime (a retry when it fails). */
  const renew = async (name: string, account: Account): Promise<void> => {
    const issued = await requestServiceAccountToken(opts.root, namespace, name, lifetime);
    account.token = issued.token;
    const expiresAt = Date.parse(issued.expirationTimestamp);
    const validMs = Number.isFinite(expiresAt) ? expiresAt - opts.clock.now() : lifetime * 1000;
    schedule(name, account, Math.max(retryMs, Math.floor(validMs * 0.8)));
  };

  const schedule = (name: string, account: Account, ms: number): void => {
    if (stopped) return;
    account.timer = opts.clock.setTimeout(() => {
      account.timer = undefined;
      renew(name, account).catch((err: unknown) => {
        log.warn({ err, serviceAccount: name }, 'could not renew the controller token; retrying');
        schedule(name, account, retryMs);
      });
    }, ms);
  };

  const start = (name: string): Account => {
    const account: Account = { ready: Promise.resolve(undefined as never) };
    account.ready = (async () => {
      for (;;) {
        if (stopped) throw new Error(`stopped before a token for ${namespace}/${name} was obtained`);
        try {
          await ensureAccount(name);
          await renew(name, account);
          return withTokenSource(opts.root, () => account.token!);
        } catch (err) {
          if (stopped) throw err;
          log.error({ err, serviceAccount: name }, 'could not obtain the controller ServiceAccount token; retrying');
          await new Promise<void>((resolve) => opts.clock.setTimeout(resolve, retryMs));
        }
      }
    })();
    // Callers that give up (a stopped manager) must not leave an unhandled rejection behind.
    account.ready.catch(() => undefined);
    return account;
  };

  return {
    clientFor(name) {
      let account = accounts.get(name);
      if (!account) {
        account = start(name);
        accounts.set(name, account);
      }
      return account.ready;
    },
    token: (name) => accounts.get(name)?.token,
    stop() {
      stopped = true;
      for (const a of accounts.values()) if (a.timer) opts.clock.clearTimeout(a.timer);
    },
  };
}
