import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A throw-away single-member etcd for tests: the Debian `etcd` binary (or $ETCD_BIN) on
 * free loopback ports with a temporary data directory.
 *
 * Tests that need it skip when the binary is missing on a developer machine, but CI (or
 * KUBELING_REQUIRE_ETCD=1) must never silently skip the etcd backend: there etcdAvailable()
 * throws, which fails the test file.
 */
export interface EtcdServer {
  /** Client URL, e.g. http://127.0.0.1:34567. */
  endpoint: string;
  /** The etcd process id (benchmarks read its CPU time). */
  pid: number | undefined;
  /** Kills etcd and removes its data directory; idempotent. */
  stop(): Promise<void>;
}

export function etcdBinary(): string | undefined {
  const candidates = process.env.ETCD_BIN
    ? [process.env.ETCD_BIN]
    : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'etcd')), '/usr/bin/etcd'];
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** True when etcd can be started; throws instead of returning false in CI. */
export function etcdAvailable(): boolean {
  if (etcdBinary()) return true;
  if (process.env.CI || process.env.KUBELING_REQUIRE_ETCD) {
    throw new Error('etcd is required (CI or KUBELING_REQUIRE_ETCD is set) but no etcd binary was found: apt-get install etcd-server, or set ETCD_BIN');
  }
  console.warn('etcd binary not found: skipping the etcd tests (apt-get install etcd-server to run them)');
  return false;
}

export async function startEtcd(options: { startTimeoutMs?: number } = {}): Promise<EtcdServer> {
  const binary = requireEtcdBinary();
  return withFreshPorts(() => launch(binary, options.startTimeoutMs ?? 20_000));
}

/** The etcd binary; throws when there is none (etcdAvailable's own error in CI). */
function requireEtcdBinary(): string {
  const binary = etcdBinary();
  if (!binary) {
    etcdAvailable(); // throws in CI
    throw new Error('etcd binary not found');
  }
  return binary;
}

/** A port picked free can be taken before etcd binds it: up to three launches, each on new ports. */
async function withFreshPorts<T>(launchOnce: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launchOnce();
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function launch(binary: string, timeoutMs: number): Promise<EtcdServer> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-etcd-'));
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    binary,
    [
      '--name=test',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=test=${peer}`,
      '--initial-cluster-state=new',
      // Room for the stores' 4 MiB values plus request overhead.
      '--max-request-bytes=5242880',
      // Progress notifications drive the stores' onProgress (default every 10 minutes).
      '--experimental-watch-progress-notify-interval=1s',
      '--logger=zap',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await kill(child);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitHealthy(endpoint, child, timeoutMs);
  } catch (err) {
    await stop();
    throw new Error(`etcd did not become healthy: ${(err as Error).message}\n${stderr}`);
  }
  return { endpoint, pid: child.pid, stop };
}

/** A throw-away multi-member etcd cluster (see startEtcdCluster). */
export interface EtcdCluster {
  /** Client URLs of every member, in member order. */
  endpoints: string[];
  members: EtcdMember[];
  /** Kills every member and removes the data directories; idempotent. */
  stop(): Promise<void>;
}

export interface EtcdMember {
  name: string;
  endpoint: string;
  /** SIGKILLs this member alone (the cluster keeps quorum while a majority runs). */
  kill(): Promise<void>;
}

/**
 * Starts an n-member etcd cluster on free loopback ports (the static `--initial-cluster`
 * bootstrap, as a docker-compose or systemd setup does) and resolves once every member
 * reports healthy, i.e. the cluster has elected a leader.
 */
export async function startEtcdCluster(n: number, options: { startTimeoutMs?: number } = {}): Promise<EtcdCluster> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`startEtcdCluster: n must be a positive integer (got ${n})`);
  const binary = requireEtcdBinary();
  return withFreshPorts(() => launchCluster(binary, n, options.startTimeoutMs ?? 30_000));
}

async function launchCluster(binary: string, n: number, timeoutMs: number): Promise<EtcdCluster> {
  const token = `kubeling-test-${process.pid}-${Date.now()}`;
  const specs: Array<{ name: string; endpoint: string; peer: string; dataDir: string }> = [];
  for (let i = 0; i < n; i++) {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    specs.push({
      name: `etcd-${i}`,
      endpoint: `http://127.0.0.1:${clientPort}`,
      peer: `http://127.0.0.1:${peerPort}`,
      dataDir: mkdtempSync(join(tmpdir(), 'kubeling-etcd-')),
    });
  }
  const initialCluster = specs.map((s) => `${s.name}=${s.peer}`).join(',');
  const stderr = specs.map(() => '');
  const children = specs.map((s, i) => {
    const child = spawn(
      binary,
      [
        `--name=${s.name}`,
        `--data-dir=${s.dataDir}`,
        `--listen-client-urls=${s.endpoint}`,
        `--advertise-client-urls=${s.endpoint}`,
        `--listen-peer-urls=${s.peer}`,
        `--initial-advertise-peer-urls=${s.peer}`,
        `--initial-cluster=${initialCluster}`,
        `--initial-cluster-token=${token}`,
        '--initial-cluster-state=new',
        '--max-request-bytes=5242880',
        '--experimental-watch-progress-notify-interval=1s',
        '--logger=zap',
        '--log-level=error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr[i] = (stderr[i] + chunk.toString()).slice(-4000);
    });
    return child;
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map((c) => kill(c)));
    for (const s of specs) rmSync(s.dataDir, { recursive: true, force: true });
  };

  try {
    await Promise.all(specs.map((s, i) => waitHealthy(s.endpoint, children[i]!, timeoutMs)));
  } catch (err) {
    await stop();
    throw new Error(`etcd cluster did not become healthy: ${(err as Error).message}\n${stderr.join('\n')}`);
  }
  return {
    endpoints: specs.map((s) => s.endpoint),
    members: specs.map((s, i) => ({ name: s.name, endpoint: s.endpoint, kill: () => kill(children[i]!) })),
    stop,
  };
}

async function waitHealthy(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`etcd exited (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
