import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ClientConfig } from './rest-client.js';

/**
 * Reads a kubeconfig file the way kubectl does for the fields Kubeling uses:
 * current-context (or `context`) → cluster (server, certificate-authority[-data],
 * insecure-skip-tls-verify) and user (token, tokenFile, client-certificate[-data],
 * client-key[-data]). Relative file paths resolve against the kubeconfig's folder.
 */

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  context?: T;
  user?: T;
}

interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Named<Record<string, unknown>>[];
  contexts?: Named<Record<string, unknown>>[];
  users?: Named<Record<string, unknown>>[];
}

export function loadKubeconfig(path: string, options: { context?: string } = {}): ClientConfig {
  const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigFile;
  const base = dirname(path);
  const contextName = options.context ?? doc['current-context'];
  if (!contextName) throw new Error(`${path}: no current-context`);
  const context = doc.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`${path}: context "${contextName}" not found`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`${path}: cluster "${String(context.cluster)}" not found`);
  const user = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  if (typeof cluster.server !== 'string') throw new Error(`${path}: cluster "${String(context.cluster)}" has no server`);

  const file = (p: unknown): string | undefined =>
    typeof p === 'string' && p !== '' ? readFileSync(isAbsolute(p) ? p : resolve(base, p), 'utf8') : undefined;
  const data = (d: unknown): string | undefined =>
    typeof d === 'string' && d !== '' ? Buffer.from(d, 'base64').toString('utf8') : undefined;

  const config: ClientConfig = { server: cluster.server };
  const ca = data(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']);
  if (ca) config.caCert = ca;
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTLSVerify = true;
  const token = typeof user.token === 'string' && user.token !== '' ? user.token : file(user.tokenFile)?.trim();
  if (token) config.token = token;
  const cert = data(user['client-certificate-data']) ?? file(user['client-certificate']);
  const key = data(user['client-key-data']) ?? file(user['client-key']);
  if (cert) config.clientCert = cert;
  if (key) config.clientKey = key;
  if (typeof context.namespace === 'string' && context.namespace !== '') config.namespace = context.namespace;
  return config;
}
