import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { Authenticator, UserInfo } from './authenticator.js';
import { bearerToken, AUTHENTICATED_GROUP } from './tokens.js';
import { pkiDir, readIfExists, writeFileAtomic } from './pem-files.js';

/**
 * The credentials of the components `kubeling up` runs next to its apiserver: each
 * (scheduler, controller manager, kube-proxy, every simulated kubelet…) authenticates as
 * its own user, so RBAC, the Node authorizer and priority and fairness apply to it as to
 * any client. kubeadm gives each component a client certificate; a certificate is bound
 * to a TLS connection, but one kubelet-sim client carries 1,000 kubelets, so here a
 * component's credential is a bearer token that names its user and is signed (HMAC-SHA256)
 * with a key kept in the data directory: `kcc.<base64url(JSON {u, g})>.<base64url(mac)>`.
 * Minting one is one HMAC, checking one is one HMAC, and nothing is stored per node.
 * Whoever can read the key can be any component, as whoever can read kubeadm's CA key.
 */

const PREFIX = 'kcc';

/** `<dataDir>/pki/component-credentials.key`: 32 random bytes (hex), mode 0600, made on first start. */
export async function ensureComponentKey(dataDir: string): Promise<string> {
  const path = join(pkiDir(dataDir), 'component-credentials.key');
  const stored = (await readIfExists(path))?.trim();
  if (stored) {
    await chmod(path, 0o600);
    return stored;
  }
  const key = randomBytes(32).toString('hex');
  await writeFileAtomic(path, `${key}\n`, 0o600);
  return key;
}

/** A component user: its name and groups (system:authenticated is added when checked). */
export interface ComponentUser {
  username: string;
  groups?: readonly string[];
}

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', Buffer.from(key, 'hex')).update(payload, 'utf8').digest();
}

/** The bearer token for `user`, signed with `key`. */
export function componentToken(key: string, user: ComponentUser): string {
  const payload = Buffer.from(JSON.stringify({ u: user.username, g: user.groups ?? [] }), 'utf8').toString('base64url');
  return `${PREFIX}.${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * Authenticates component tokens signed with `key`; any other bearer token (or one whose
 * signature or payload does not check) is not ours (null), so the next authenticator
 * of the chain may try it.
 */
export function createComponentTokenAuthenticator(key: string): Authenticator {
  return (headers) => {
    const token = bearerToken(headers);
    if (token === null || !token.startsWith(`${PREFIX}.`)) return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [, payload, signature] = parts as [string, string, string];
    const presented = Buffer.from(signature, 'base64url');
    const expected = mac(key, payload);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const { u, g } = (parsed ?? {}) as { u?: unknown; g?: unknown };
    if (typeof u !== 'string' || u === '' || !Array.isArray(g) || !g.every((x) => typeof x === 'string')) return null;
    const groups = (g as string[]).includes(AUTHENTICATED_GROUP) ? [...(g as string[])] : [...(g as string[]), AUTHENTICATED_GROUP];
    return { username: u, groups } satisfies UserInfo;
  };
}

/** Tries each authenticator in order; the first that knows the request wins. */
export function unionAuthenticator(...all: Authenticator[]): Authenticator {
  return (headers) => {
    for (const a of all) {
      const user = a(headers);
      if (user) return user;
    }
    return null;
  };
}

/** A ServiceAccount's user, as the add-ons' upstream manifests run them (their roles are bound to it). */
function serviceAccountUser(namespace: string, name: string): ComponentUser {
  return { username: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] };
}

/**
 * The users kube gives its components (bootstrap bindings), and for the add-ons the
 * ServiceAccounts their upstream manifests run them as.
 */
export const COMPONENT_USERS = {
  scheduler: { username: 'system:kube-scheduler' },
  controllerManager: { username: 'system:kube-controller-manager' },
  kubeProxy: { username: 'system:kube-proxy' },
  clusterAutoscaler: serviceAccountUser('kube-system', 'cluster-autoscaler'),
  cloudControllerManager: serviceAccountUser('kube-system', 'cloud-controller-manager'),
  ingressController: serviceAccountUser('ingress-nginx', 'ingress-nginx'),
  metricsServer: serviceAccountUser('kube-system', 'metrics-server'),
  /** The kubelet-sim's shared informers (one watch for all its nodes, which no kubelet has). */
  kubeletSim: { username: 'kubeling:kubelet-sim' },
} as const satisfies Record<string, ComponentUser>;

/** A kubelet's user: system:node:NAME in system:nodes, as the Node authorizer expects. */
export function nodeUser(nodeName: string): ComponentUser {
  return { username: `system:node:${nodeName}`, groups: ['system:nodes'] };
}
