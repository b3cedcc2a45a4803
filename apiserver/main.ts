import { parseAdmissionConfiguration } from './admission/admission-config.js';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { buildApp } from './app.js';
import { advertiseAddressFor } from './advertise-address.js';
import { startKubernetesEndpointsReconciler, type KubernetesEndpointsReconciler } from './registry/kubernetes-endpoints.js';
import type { Registries } from './registry/registries.js';
import { realClock } from '../lib/clock.js';
import { writeKubeconfig } from './auth/kubeconfig.js';
import { ensureAdminClientCert, ensureTlsMaterial } from './auth/tls.js';
import { ensureServiceAccountKey } from './auth/serviceaccount/signing-key.js';
import { readFile } from 'node:fs/promises';
import { createComponentTokenAuthenticator, ensureComponentKey, unionAuthenticator } from './auth/component-tokens.js';
import { ADMIN_USER, createTokenAuthenticator, ensureAdminToken, loadTokenFile, type TokenEntry } from './auth/tokens.js';
import type { Store } from './storage/store.js';
import { DEFAULT_SERVICE_CLUSTER_IP_RANGE, parseServiceClusterIpRange } from '../api/networking/service-cidr.js';

export type StoreKind = 'sqlite' | 'etcd';

export interface ApiserverOptions {
  /** Holds pki/, the SQLite database and (by default) the kubeconfig. Created if absent. */
  dataDir: string;
  /** Default 6443; 0 picks any free port (tests). */
  port?: number;
  /** Default 127.0.0.1. */
  bindAddress?: string;
  /** Default 'sqlite' (`<dataDir>/kubeling.db`). */
  store?: StoreKind;
  /** Required for store 'etcd', e.g. ['http://127.0.0.1:2379']. */
  etcdServers?: string[];
  /** Default `<dataDir>/kubeconfig`. */
  kubeconfigPath?: string;
  logger?: Logger;
  clock?: Clock;
  /** A kube-apiserver style CSV of extra bearer tokens (token,user,uid,"groups"). */
  tokenAuthFile?: string;
  /**
   * kube's --client-ca-file: PEM bundle whose client certificates authenticate (CN user,
   * O groups). Default: the cluster CA (`<dataDir>/pki/ca.crt`), as kubeadm sets it.
   */
  clientCaFile?: string;
  /** kube's --anonymous-auth; default true (anonymous requests are authorized as system:anonymous). */
  anonymousAuth?: boolean;
  /**
   * kube-apiserver's --advertise-address: the address the `kubernetes` Service's endpoints
   * list. Default: the bind address unless it is loopback or unspecified, else the
   * simulated control-plane address 10.0.0.2 (registry/kubernetes-endpoints.ts).
   */
  advertiseAddress?: string;
  /**
   * kube's ServiceAccount admission refuses a pod whose ServiceAccount is missing; default
   * true. False for an apiserver run alone (tests), where no controller manager makes the
   * `default` ServiceAccounts.
   */
  refuseMissingServiceAccount?: boolean;
  /** kube's --admission-control-config-file: an AdmissionConfiguration (PodSecurity defaults and exemptions). */
  admissionControlConfigFile?: string;
  /**
   * kube's --service-cluster-ip-range (default kubeadm's 10.96.0.0/12): Service ClusterIPs
   * come from it, the `kubernetes` Service takes its first address (also in the serving
   * certificate). Checked here too, with kube-apiserver's messages.
   */
  serviceClusterIpRange?: string;
}

export interface RunningApiserver {
  /** https://127.0.0.1:PORT (the address clients use, even when bound to 0.0.0.0). */
  url: string;
  port: number;
  caCert: string;
  adminToken: string;
  /** Signs the components' credentials (auth/component-tokens.ts); `up` mints one per component and per node. */
  componentKey?: string;
  kubeconfigPath: string;
  app: FastifyInstance;
  /** Stops listening, then closes the store. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 6443;
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';

/**
 * Starts the apiserver: data dir, TLS material, admin token, store, fastify app, listen,
 * kubeconfig, in that order. Whatever was opened is closed again if a later step fails,
 * so a failed start leaves no port bound and no database open.
 */
export async function startApiserver(opts: ApiserverOptions): Promise<RunningApiserver> {
  const dataDir = resolve(opts.dataDir);
  const port = opts.port ?? DEFAULT_PORT;
  const bindAddress = opts.bindAddress ?? DEFAULT_BIND_ADDRESS;
  const kubeconfigPath = resolve(opts.kubeconfigPath ?? join(dataDir, 'kubeconfig'));
  const rootLog = opts.logger ?? rootLogger;
  // buildApp takes its own child of the root logger; this one is for startup lines.
  const logger = rootLog.child({ component: 'apiserver' });

  const serviceIpRange = parseServiceClusterIpRange(opts.serviceClusterIpRange ?? DEFAULT_SERVICE_CLUSTER_IP_RANGE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const tls = await ensureTlsMaterial(dataDir, { hosts: ['localhost', '127.0.0.1', bindAddress, serviceIpRange.kubernetesServiceIP] });
  const adminToken = await ensureAdminToken(dataDir);
  const adminCert = await ensureAdminClientCert(dataDir, { cert: tls.caCert, key: tls.caKey });
  const clientCa = opts.clientCaFile ? await readFile(opts.clientCaFile, 'utf8') : tls.caCert;
  const serviceAccountKey = await ensureServiceAccountKey(dataDir);
  const componentKey = await ensureComponentKey(dataDir);
  const tokens: TokenEntry[] = [{ token: adminToken, user: ADMIN_USER }];
  if (opts.tokenAuthFile) tokens.push(...(await loadTokenFile(opts.tokenAuthFile)));
  const podSecurity = opts.admissionControlConfigFile ? parseAdmissionConfiguration(await readFile(opts.admissionControlConfigFile, 'utf8')) : undefined;

  const store = await openStore({ kind: opts.store ?? 'sqlite', dataDir, etcdServers: opts.etcdServers });
  let app: FastifyInstance | undefined;
  let endpoints: KubernetesEndpointsReconciler | undefined;
  try {
    app = await buildApp({
      store,
      logger: rootLog,
      ...(opts.clock ? { clock: opts.clock } : {}),
      https: { key: tls.key, cert: tls.cert },
      authenticator: unionAuthenticator(createTokenAuthenticator(tokens), createComponentTokenAuthenticator(componentKey)),
      refuseMissingServiceAccount: opts.refuseMissingServiceAccount ?? true,
      clientCa,
      serviceAccountKey,
      caCert: tls.caCert,
      caKey: tls.caKey,
      ...(opts.anonymousAuth === false ? { anonymousAuth: false } : {}),
      ...(podSecurity ? { podSecurity } : {}),
      serviceIpRange,
    });
    await listen(app, port, bindAddress);
    const boundPort = (app.server.address() as AddressInfo).port;
    const url = `https://${clientHost(bindAddress)}:${boundPort}`;
    await writeKubeconfig(kubeconfigPath, { server: url, caCert: tls.caCert, token: adminToken, clientCert: adminCert.cert, clientKey: adminCert.key });
    logger.info({ url, store: store.name, kubeconfig: kubeconfigPath }, 'apiserver listening');
    endpoints = await startKubernetesEndpointsReconciler({
      registries: (app as unknown as { registries: Registries }).registries,
      ip: advertiseAddressFor(bindAddress, opts.advertiseAddress),
      port: boundPort,
      clock: opts.clock ?? realClock,
      logger: rootLog,
    });
    const reconciler = endpoints;

    const running = app;
    let closing: Promise<void> | undefined;
    return {
      url,
      port: boundPort,
      caCert: tls.caCert,
      adminToken,
      componentKey,
      kubeconfigPath,
      app: running,
      close() {
        closing ??= (async () => {
          try {
            await reconciler.stop();
            await running.close();
          } finally {
            await store.close();
          }
        })();
        return closing;
      },
    };
  } catch (err) {
    await endpoints?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** Listens, turning the common bind failures into messages a user can act on. */
async function listen(app: FastifyInstance, port: number, host: string): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`port ${port} is already in use on ${host}: is another kubeling running? use --port`);
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new Error(`cannot listen on ${host}:${port}: no local interface has address ${host}`);
    }
    if (code === 'EACCES') {
      throw new Error(`cannot listen on ${host}:${port}: permission denied (ports below 1024 need privileges)`);
    }
    throw err;
  }
}

/** The host a local client should dial: unspecified bind addresses mean loopback. */
export function clientHost(bindAddress: string): string {
  if (bindAddress === '0.0.0.0' || bindAddress === '::' || bindAddress === '') return '127.0.0.1';
  return isIPv6(bindAddress) ? `[${bindAddress}]` : bindAddress;
}

/**
 * Opens the chosen backend, behind the watch cache. Backends are imported lazily so the
 * SQLite path never loads the gRPC stack and the etcd path never loads the native SQLite
 * module.
 */
export async function openStore(opts: { kind: StoreKind; dataDir: string; etcdServers?: string[] }): Promise<Store> {
  const { withWatchCache } = await import('./storage/watch-cache.js');
  if (opts.kind === 'etcd') {
    if (!opts.etcdServers || opts.etcdServers.length === 0) throw new Error('store etcd needs at least one etcd server URL');
    const { createEtcdStore } = await import('./storage/etcd-store.js');
    return withWatchCache(await createEtcdStore({ endpoints: opts.etcdServers }), { expireBeyondWindow: true });
  }
  const { createSqliteStore } = await import('./storage/sqlite-store.js');
  const { lockDataDir } = await import('./storage/data-dir-lock.js');
  const unlock = await lockDataDir(opts.dataDir);
  let store: Store;
  try {
    store = withWatchCache(createSqliteStore({ path: join(opts.dataDir, 'kubeling.db') }), { expireBeyondWindow: true });
  } catch (err) {
    await unlock();
    throw err;
  }
  const close = store.close.bind(store);
  store.close = async () => {
    try {
      await close();
    } finally {
      await unlock();
    }
  };
  return store;
}
