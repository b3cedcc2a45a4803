import { parse, stringify } from 'yaml';
import { readIfExists, writeFileAtomic } from './pem-files.js';

export interface KubeconfigEntry {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** PEM of the CA that signed the apiserver's serving certificate. */
  caCert: string;
  /** Bearer token of the user. */
  token: string;
  /**
   * PEM client certificate and key (x509 authentication, as kubeadm's admin.conf). Written
   * beside the token: kubectl then presents both and the certificate is checked first;
   * the token stays for clients that only take one (the GraphQL playground, curl).
   */
  clientCert?: string;
  clientKey?: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

interface Named {
  name: string;
  [field: string]: unknown;
}

/** A kubeconfig (kind Config, v1) as kubectl reads it; unknown fields pass through. */
export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Named[];
  contexts: Named[];
  users: Named[];
  'current-context': string;
  preferences: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * Merges Kubeling's cluster, user and context into a kubeconfig and makes that context
 * current. Entries with other names are kept, so pointing `--kubeconfig` at
 * ~/.kube/config adds Kubeling to it (as kind does) instead of wiping the user's other
 * clusters; entries with the same names are replaced. `existing` is the parsed file
 * (null/undefined when there is none). Pure.
 */
export function mergeKubeconfig(existing: unknown, entry: KubeconfigEntry): Kubeconfig {
  const clusterName = entry.clusterName ?? 'kubeling';
  const userName = entry.userName ?? 'kubeling-admin';
  const contextName = entry.contextName ?? 'kubeling';
  const base = existing === null || existing === undefined ? {} : existing;
  if (typeof base !== 'object' || Array.isArray(base)) throw new Error('not a kubeconfig: expected a mapping');
  const old = base as Record<string, unknown>;
  if (old.kind !== undefined && old.kind !== 'Config') throw new Error(`not a kubeconfig: kind is ${String(old.kind)}`);

  const upsert = (list: unknown, item: Named, field: string): Named[] => {
    if (list !== undefined && list !== null && !Array.isArray(list)) throw new Error(`not a kubeconfig: ${field} is not a list`);
    const kept = ((list as Named[] | null | undefined) ?? []).filter((e) => e?.name !== item.name);
    return [...kept, item];
  };

  return {
    ...old,
    apiVersion: 'v1',
    kind: 'Config',
    clusters: upsert(old.clusters, {
      name: clusterName,
      cluster: {
        server: entry.server,
        'certificate-authority-data': Buffer.from(entry.caCert, 'utf8').toString('base64'),
      },
    }, 'clusters'),
    contexts: upsert(old.contexts, { name: contextName, context: { cluster: clusterName, user: userName } }, 'contexts'),
    users: upsert(old.users, { name: userName, user: userEntry(entry) }, 'users'),
    'current-context': contextName,
    preferences: (old.preferences as Record<string, unknown> | undefined) ?? {},
  };
}

function userEntry(entry: KubeconfigEntry): Record<string, string> {
  const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
  return {
    ...(entry.clientCert && entry.clientKey ? { 'client-certificate-data': b64(entry.clientCert), 'client-key-data': b64(entry.clientKey) } : {}),
    token: entry.token,
  };
}

/**
 * Writes (or merges into) the kubeconfig at `path` with mode 0600: it holds the admin
 * token. Refuses to touch a file that is not a kubeconfig rather than overwrite it.
 */
export async function writeKubeconfig(path: string, entry: KubeconfigEntry): Promise<void> {
  const text = await readIfExists(path);
  let existing: unknown = null;
  if (text !== null) {
    try {
      existing = parse(text);
    } catch (err) {
      throw new Error(`cannot update ${path}: ${(err as Error).message}`);
    }
  }
  let config: Kubeconfig;
  try {
    config = mergeKubeconfig(existing, entry);
  } catch (err) {
    throw new Error(`cannot update ${path}: ${(err as Error).message}`);
  }
  await writeFileAtomic(path, stringify(config), 0o600);
}
