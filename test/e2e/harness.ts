import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startApiserver, type RunningApiserver, type StoreKind } from '../../apiserver/main.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import type { E2eComponents, E2eComponentsOptions } from './components.js';

/**
 * The end-to-end harness: a real apiserver listening on loopback (TLS, token auth, a
 * written kubeconfig) and the real kubectl binaries run against it as child processes.
 *
 * Contract for test files: start one cluster per file (useE2eCluster), run kubectl calls
 * one after another. kubectl is always spawned asynchronously: the apiserver runs in the
 * test process, so a synchronous spawn would deadlock it.
 */

/** The kubectl on PATH in CI (1.32 here); KUBECTL overrides it. */
export const DEFAULT_KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
/** Where the versioned binaries live: kubectl.1.27 … kubectl.1.33. */
export const KUBECTL_DIR = process.env.KUBECTL_DIR ?? '/usr/lib/google-cloud-sdk/bin';

/** The binary for a minor version such as '1.27'; the default kubectl when absent. */
export function kubectlBinary(version?: string): string {
  return version ? join(KUBECTL_DIR, `kubectl.${version}`) : DEFAULT_KUBECTL;
}

/** True when the binary exists and is executable (a version loop may skip missing ones). */
export function kubectlAvailable(version?: string): boolean {
  try {
    accessSync(kubectlBinary(version), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface KubectlOptions {
  /** Minor version ('1.27'); absent: DEFAULT_KUBECTL. */
  version?: string;
  /** Written to kubectl's stdin (for `-f -`), then stdin is closed. */
  stdin?: string;
  /** Kill kubectl after this long (default 30 s): a hung command fails its test, not the run. */
  timeoutMs?: number;
}

export interface KubectlResult {
  /** Exit code; null when kubectl was killed (timeout or stop()). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A long-running kubectl (`get -w`): output so far, wait for some, then stop it. */
export interface KubectlProcess {
  output(): string;
  /** Resolves with the stdout once it matches; rejects on timeout or exit without a match. */
  waitFor(match: RegExp | ((stdout: string) => boolean), timeoutMs?: number): Promise<string>;
  /** SIGTERM (then SIGKILL), resolving with everything kubectl wrote. */
  stop(): Promise<KubectlResult>;
}

export interface KubectlRunner {
  /** Runs kubectl to completion. */
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** Starts kubectl and returns at once, for watches. */
  spawnKubectl(args: string[], options?: Omit<KubectlOptions, 'timeoutMs'>): KubectlProcess;
}

export interface E2eCluster extends KubectlRunner {
  url: string;
  kubeconfigPath: string;
  store: StoreKind;
  /** Signs component credentials (auth/component-tokens.ts): cluster-with-components runs the scheduler and each kubelet as themselves. */
  componentKey?: string;
  /** Present when E2eClusterOptions.components asked for any (see components.ts). */
  components?: E2eComponents;
  close(): Promise<void>;
}

export interface E2eClusterOptions {
  /** Default 'sqlite'; 'etcd' starts a throw-away etcd (test/helpers/etcd.ts). */
  store?: StoreKind;
  /** Also run kube-controller-manager, the scheduler and/or kubelet-sim against the apiserver. */
  components?: E2eComponentsOptions;
}

/**
 * The environment of every kubectl: a temporary HOME (so no ~/.kube/config, ~/.kube/cache
 * or gcloud configuration of the developer is read) and no proxies for loopback.
 */
export function kubectlEnv(home: string, kubeconfigPath: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    KUBECONFIG: kubeconfigPath,
    LANG: 'C.UTF-8',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    // The gcloud dispatcher behind /usr/bin/kubectl keeps its state under here.
    CLOUDSDK_CONFIG: join(home, 'gcloud'),
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
  };
}

export async function startE2eCluster(options: E2eClusterOptions = {}): Promise<E2eCluster> {
  const store = options.store ?? 'sqlite';
  const root = await mkdtemp(join(tmpdir(), 'kubeling-e2e-'));
  let etcd: EtcdServer | undefined;
  let api: RunningApiserver | undefined;
  try {
    if (store === 'etcd') etcd = await startEtcd();
    api = await startApiserver({
      dataDir: join(root, 'data'),
      port: 0,
      store,
      ...(etcd ? { etcdServers: [etcd.endpoint] } : {}),
      // Most e2e files run no controller manager to make the default ServiceAccounts.
      refuseMissingServiceAccount: false,
    });
  } catch (err) {
    await etcd?.stop();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const running = api;
  let components: E2eComponents | undefined;
  if (options.components) {
    try {
      // Imported on demand: files without components never load the component code.
      const { startComponents } = await import('./components.js');
      components = await startComponents(running, options.components);
    } catch (err) {
      await running.close();
      await etcd?.stop();
      await rm(root, { recursive: true, force: true });
      throw err;
    }
  }
  const runner = kubectlRunner(root, running.kubeconfigPath);
  return {
    url: running.url,
    kubeconfigPath: running.kubeconfigPath,
    ...(running.componentKey ? { componentKey: running.componentKey } : {}),
    store,
    ...(components ? { components } : {}),
    ...runner,
    async close() {
      try {
        // Components first: their watches end before the apiserver stops listening.
        await components?.stop();
        await running.close();
      } finally {
        await etcd?.stop();
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

/**
 * kubectl bound to one kubeconfig, with HOME and the discovery caches inside `root` (a
 * temporary directory the caller removes). One cache per kubectl version: versions write
 * different cache formats, and nothing leaks between runs or into the real $HOME.
 */
export function kubectlRunner(root: string, kubeconfigPath: string): KubectlRunner {
  const env = kubectlEnv(join(root, 'home'), kubeconfigPath);
  const argv = (args: string[], version?: string): string[] => [
    `--kubeconfig=${kubeconfigPath}`,
    `--cache-dir=${join(root, `cache-${version ?? 'default'}`)}`,
    ...args,
  ];
  return {
    kubectl: (args, opts = {}) => runProcess(kubectlBinary(opts.version), argv(args, opts.version), env, opts),
    spawnKubectl: (args, opts = {}) => startKubectl(kubectlBinary(opts.version), argv(args, opts.version), env, opts.stdin),
  };
}

/**
 * Registers beforeAll/afterAll for one cluster shared by the whole test file and returns
 * an accessor (the cluster exists only once beforeAll has run).
 */
export function useE2eCluster(options: E2eClusterOptions = {}): () => E2eCluster {
  let cluster: E2eCluster | undefined;
  beforeAll(async () => {
    cluster = await startE2eCluster(options);
  });
  afterAll(async () => {
    await cluster?.close();
  });
  return () => {
    if (!cluster) throw new Error('the e2e cluster is not started (call the accessor inside a test)');
    return cluster;
  };
}

/** Runs a command to completion, asynchronously; used for kubectl and the CLI test. */
export function runProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { stdin?: string; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      stderr += `\n[harness] killed after ${opts.timeoutMs ?? 30_000} ms`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // kubectl may exit before reading stdin
    child.stdin.end(opts.stdin ?? '');
  });
}

function startKubectl(file: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): KubectlProcess {
  const child: ChildProcess = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    notify();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let exited = false;
  const closed = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      exited = true;
      notify();
      resolve(code);
    });
    child.once('error', () => {
      exited = true;
      notify();
      resolve(null);
    });
  });
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(stdin ?? '');

  return {
    output: () => stdout,
    waitFor(match, timeoutMs = 15_000) {
      const test = typeof match === 'function' ? match : (s: string) => match.test(s);
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (test(stdout)) {
            done();
            resolve(stdout);
          } else if (exited) {
            done();
            reject(new Error(`kubectl exited (${child.exitCode}) before its output matched\nstdout: ${stdout}\nstderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`kubectl output did not match within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        await closed;
        clearTimeout(force);
      }
      return { code: await closed, stdout, stderr };
    },
  };
}
