import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentName, Topology, TopologyOptions } from './topology.js';

/**
 * The docker-compose implementation of the HA topology (docker-compose.yml, started by
 * compose/up.sh as `npm run compose:up` does): each instance is a container named as
 * compose v1 names them, PROJECT_SERVICE_N. kill is `docker kill` (SIGKILL), stop is
 * `docker stop`, start is `docker start`. The project gets its own name and a free
 * loopback port for the LB, so it can run beside a user's `npm run compose:up`.
 */

/** The repository root: the directory above this file that holds docker-compose.yml. */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'docker-compose.yml')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no docker-compose.yml above ${from}`);
  }
}

/** How many instances `up.sh` starts of each component, and which service runs it. */
export const SERVICES: Record<ComponentName, { service: string; replicas: number; perIndexService?: boolean }> = {
  etcd: { service: 'etcd', replicas: 3, perIndexService: true },
  apiserver: { service: 'apiserver', replicas: 2 },
  lb: { service: 'lb', replicas: 1 },
  'controller-manager': { service: 'controller-manager', replicas: 2 },
  scheduler: { service: 'scheduler', replicas: 2 },
  hpa: { service: 'hpa', replicas: 2 },
  'cluster-autoscaler': { service: 'cluster-autoscaler', replicas: 2 },
  'metrics-server': { service: 'metrics-server', replicas: 1 },
  'kube-proxy': { service: 'kube-proxy', replicas: 1 },
  dns: { service: 'dns', replicas: 1 },
  'kubelet-sim': { service: 'kubelet-sim', replicas: 1 },
};

/** compose v1's container name of instance `index` (0-based) of a component. */
export function containerName(project: string, component: ComponentName, index: number): string {
  const s = SERVICES[component];
  if (!s) throw new Error(`unknown component ${JSON.stringify(component)}`);
  if (!Number.isInteger(index) || index < 0 || index >= s.replicas) throw new Error(`${component} has ${s.replicas} instance(s), no index ${index}`);
  return s.perIndexService ? `${project}_${s.service}-${index + 1}_1` : `${project}_${s.service}_${index + 1}`;
}

/** A compose project name from a directory: lower-case letters, digits, - and _. */
export function projectName(dir: string): string {
  const base = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return `kubeling${base ? `-${base}` : ''}`.slice(0, 60);
}

/**
 * The identity a leader-elected component logged (HOSTNAME_UUID; the elector logs it when
 * it starts campaigning); the last one, as a restarted container keeps its hostname and
 * its earlier incarnations' logs. Undefined when none.
 */
export function identityFromLogs(logs: string, hostname: string): string | undefined {
  const escaped = hostname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const all = [...logs.matchAll(new RegExp(`"identity":"(${escaped}_[0-9a-f-]{36})"`, 'g'))];
  return all.at(-1)?.[1];
}

export type Runner = (cmd: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string }) => Promise<{ stdout: string; stderr: string }>;

const run: Runner = (cmd, args, opts = {}) =>
  new Promise((res, rej) => {
    execFile(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) rej(Object.assign(new Error(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim().slice(-2000)}`), { stdout, stderr }));
      else res({ stdout, stderr });
    });
  });

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/**
 * Whether Docker can run here: the engine answers, or dockerd is installed and starts
 * (as compose/up.sh would start it), and docker-compose is installed.
 */
export async function dockerAvailable(runner: Runner = run): Promise<boolean> {
  try {
    await runner('docker-compose', ['version', '--short']);
  } catch {
    return false;
  }
  try {
    await runner('docker', ['info', '--format', '{{.ServerVersion}}']);
    return true;
  } catch {
    /* not running: try to start it */
  }
  try {
    await runner('sh', ['-c', 'command -v dockerd && [ "$(id -u)" = 0 ]']);
  } catch {
    return false;
  }
  const child = spawn('sh', ['-c', 'exec dockerd >/var/log/kubeling-dockerd.log 2>&1'], { detached: true, stdio: 'ignore' });
  child.unref();
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      await runner('docker', ['info', '--format', '{{.ServerVersion}}']);
      return true;
    } catch {
      /* not yet */
    }
  }
  return false;
}

export interface DockerTopologyOptions extends TopologyOptions {
  /** The compose project (default derived from dir). */
  project?: string;
  /** The LB's port on 127.0.0.1 (default a free one). */
  port?: number;
  /** Reuse an existing kubeling:local image instead of building (default false). */
  skipBuild?: boolean;
  /** Attach to a running project instead of running compose/up.sh (default false). */
  attach?: boolean;
  runner?: Runner;
}

export async function createDockerTopology(opts: DockerTopologyOptions = {}): Promise<Topology> {
  const runner = opts.runner ?? run;
  const root = repoRoot();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'kubeling-compose-'));
  const project = opts.project ?? projectName(dir);
  const port = opts.port ?? (await freePort());
  const kubeconfigPath = join(dir, 'compose.kubeconfig');
  const log = opts.log ?? (() => {});
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COMPOSE_PROJECT_NAME: project,
    KUBELING_COMPOSE_PORT: String(port),
    KUBELING_NODES: String(opts.nodes ?? 3),
    KUBELING_KUBECONFIG: kubeconfigPath,
    // up.sh's readiness wait (its default 300 s was too short at load 30-60 on 2 cores).
    KUBELING_UP_TIMEOUT: process.env.KUBELING_UP_TIMEOUT ?? '420',
    ...(opts.skipBuild ? { KUBELING_SKIP_BUILD: '1' } : {}),
  };
  const compose = (args: string[]) => runner('docker-compose', args, { env, cwd: root });
  const docker = (args: string[]) => runner('docker', args, { env, cwd: root });

  if (!opts.attach) {
    log(`docker-compose project ${project}: compose/up.sh (LB on 127.0.0.1:${port})`);
    let out: { stdout: string };
    try {
      out = await runner('bash', ['compose/up.sh'], { env, cwd: root });
    } catch (err) {
      // up.sh's own verdict ("compose:up: …") comes before the status it prints, which
      // would push it out of the error's tail: name it first.
      const why = String((err as { stderr?: string }).stderr ?? '').split('\n').filter((l) => l.startsWith('compose:up:'));
      // The caller gets no topology to take down: remove the half-started project here.
      log(`compose/up.sh failed${why.length ? ` (${why.join('; ')})` : ''}: removing project ${project}`);
      await compose(['down', '-v', '--remove-orphans']).catch(() => {});
      if (why.length) (err as Error).message = `${why.join('; ')}\n${(err as Error).message}`;
      throw err;
    }
    for (const line of out.stdout.split('\n')) if (line.startsWith('compose:up:')) log(line);
  }

  const name = (c: ComponentName, i: number) => containerName(project, c, i);
  return {
    kind: 'docker',
    kubeconfigPath,
    lbUrl: `https://127.0.0.1:${port}`,
    replicas: (c) => SERVICES[c].replicas,
    async kill(c, i) {
      await docker(['kill', '--signal', 'KILL', name(c, i)]);
    },
    async stop(c, i) {
      await docker(['stop', '--time', '15', name(c, i)]);
    },
    async start(c, i) {
      await docker(['start', name(c, i)]);
    },
    async leaseIdentity(c, i) {
      const hostname = (await docker(['inspect', '--format', '{{.Config.Hostname}}', name(c, i)])).stdout.trim();
      const logs = await docker(['logs', name(c, i)]);
      return identityFromLogs(logs.stdout + logs.stderr, hostname);
    },
    async down(o = {}) {
      await compose(['down', '--remove-orphans', ...(o.removeVolumes ? ['-v'] : [])]);
    },
  };
}
