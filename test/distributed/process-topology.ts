import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { haproxyConfig, haproxyBinary } from './haproxy.js';
import { COMPONENT_USERS, componentToken, type ComponentUser } from '../../apiserver/auth/component-tokens.js';
import type { ComponentName, Topology, TopologyOptions } from './topology.js';

/**
 * The HA topology as plain processes on loopback (no Docker): Debian's etcd ×3 as a real
 * cluster, `kubeling apiserver` ×2 on it, HAProxy in front (health-checked on /readyz as
 * kubeadm's HA guide does; a small Node TCP balancer when haproxy is not installed), and
 * the other components as `kubeling` subcommands connecting through the balancer:
 * controller-manager ×2, scheduler ×2, hpa ×2, cluster-autoscaler ×2 (each leader-elected
 * through its kube-system Lease), metrics-server, kube-proxy, dns and a kubelet-sim with N
 * nodes; plus the simulated cloud the cluster autoscaler needs (not a fault target).
 *
 * Every instance is a detached process group with its output in DIR/logs/NAME.log and its
 * pid in DIR/run/NAME.pid, so the processes outlive the script that started them
 * (`npm run topology -- up`) and another invocation can kill, stop, start or take them
 * down. Ports are chosen once and kept in DIR/topology.json: a restart with the data kept
 * (down, then up on the same DIR) comes back on the same addresses with the same data;
 * down with removeVolumes wipes DIR, and the next up starts clean.
 */

/**
 * Who each client component is (auth/component-tokens.ts): kube's users for the control
 * plane, the add-ons' ServiceAccounts; the controller manager and the HPA also act as each
 * controller's ServiceAccount (--use-service-account-credentials); the kubelet-sim's shared
 * informers are kubeling:kubelet-sim and each node writes as system:node:NAME.
 */
const COMPONENT_CREDENTIALS: Readonly<Record<string, ComponentUser>> = {
  'controller-manager': COMPONENT_USERS.controllerManager,
  hpa: COMPONENT_USERS.controllerManager,
  scheduler: COMPONENT_USERS.scheduler,
  cloud: COMPONENT_USERS.cloudControllerManager,
  'cluster-autoscaler': COMPONENT_USERS.clusterAutoscaler,
  'metrics-server': COMPONENT_USERS.metricsServer,
  'kube-proxy': COMPONENT_USERS.kubeProxy,
  'kubelet-sim': COMPONENT_USERS.kubeletSim,
};

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..').replace(/\/dist$/, '');
const BIN = join(REPO, 'bin/kubeling.js');

/** Replicas of each component (the issue's topology). */
const REPLICAS: Record<ComponentName, number> = {
  etcd: 3,
  apiserver: 2,
  lb: 1,
  'controller-manager': 2,
  scheduler: 2,
  hpa: 2,
  'cluster-autoscaler': 2,
  'metrics-server': 1,
  'kube-proxy': 1,
  dns: 1,
  'kubelet-sim': 1,
};

/** Start order; down() stops in reverse. The cloud is started before the autoscalers. */
const ORDER: ReadonlyArray<ComponentName | 'cloud'> = [
  'etcd', 'apiserver', 'lb', 'cloud', 'controller-manager', 'scheduler', 'kubelet-sim', 'hpa',
  'cluster-autoscaler', 'metrics-server', 'kube-proxy', 'dns',
];

interface Ports {
  etcdClient: number[];
  etcdPeer: number[];
  apiserver: number[];
  lb: number;
  cloud: number;
  caMetrics: number[];
  metricsServer: number;
  dns: number;
}

interface State {
  ports: Ports;
  nodes: number;
  token: string;
  balancer: 'haproxy' | 'node';
}

type Instance = { component: ComponentName | 'cloud'; index: number };

export interface ProcessTopology extends Topology {
  kind: 'processes';
  dir: string;
  /** 'haproxy', or 'node' when haproxy is not installed (the built-in TCP balancer). */
  balancer: State['balancer'];
  /** Client URLs of the etcd members. */
  etcdEndpoints: string[];
  /** Direct URLs of the apiservers (behind the balancer). */
  apiserverUrls: string[];
  /** The pid of a running instance, if it runs. */
  pid(component: ComponentName, index: number): number | undefined;
  /** The log file of an instance. */
  logPath(component: ComponentName, index: number): string;
  /** Starts every instance that is not running (after down() without removeVolumes, or kills). */
  up(): Promise<void>;
}

export async function createProcessTopology(opts: TopologyOptions = {}): Promise<ProcessTopology> {
  const t = await openProcessTopology(opts);
  try {
    await t.up();
  } catch (err) {
    // Leave nothing running; keep a directory the caller chose (its logs tell why).
    await t.down({ removeVolumes: opts.dir === undefined }).catch(() => undefined);
    throw err;
  }
  return t;
}

/** The topology in DIR without starting anything (the CLI's kill/stop/start/down use it). */
export async function openProcessTopology(opts: TopologyOptions = {}): Promise<ProcessTopology> {
  const dir = resolve(opts.dir ?? mkdtempSync(join(tmpdir(), 'kubeling-ha-')));
  const log = opts.log ?? (() => {});
  mkdirSync(join(dir, 'logs'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  const statePath = join(dir, 'topology.json');
  let state: State;
  if (existsSync(statePath)) {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as State;
  } else {
    // All at once: ports released one group at a time could be handed out twice.
    const p = await freePorts(14);
    state = {
      ports: {
        etcdClient: p.slice(0, 3),
        etcdPeer: p.slice(3, 6),
        apiserver: p.slice(6, 8),
        lb: p[8]!,
        cloud: p[9]!,
        caMetrics: p.slice(10, 12),
        metricsServer: p[12]!,
        dns: p[13]!,
      },
      nodes: opts.nodes ?? 3,
      token: `kubeling-ha-${process.pid}-${Date.now()}`,
      balancer: haproxyBinary() ? 'haproxy' : 'node',
    };
    writeFileSync(statePath, JSON.stringify(state, null, 2) + '\n');
  }
  const { ports } = state;
  const etcdEndpoints = ports.etcdClient.map((p) => `http://127.0.0.1:${p}`);
  const apiserverUrls = ports.apiserver.map((p) => `https://127.0.0.1:${p}`);
  const lbUrl = `https://127.0.0.1:${ports.lb}`;
  const kubeconfigPath = join(dir, 'kubeconfig');
  const componentKeyPath = join(dir, 'apiserver-0', 'pki', 'component-credentials.key');
  const componentKubeconfig = (command: string) => join(dir, 'kubeconfigs', `${command}.kubeconfig`);
  const name = (i: Instance) => (i.component === 'cloud' ? 'cloud' : `${i.component}-${i.index}`);
  const pidFile = (i: Instance) => join(dir, 'run', `${name(i)}.pid`);
  const logFile = (i: Instance) => join(dir, 'logs', `${name(i)}.log`);

  const readPid = (i: Instance): number | undefined => {
    try {
      const pid = Number(readFileSync(pidFile(i), 'utf8').trim());
      return pid > 0 && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };

  const check = (component: ComponentName, index: number): Instance => {
    if (!(component in REPLICAS)) throw new Error(`unknown component ${JSON.stringify(component)}`);
    if (!Number.isInteger(index) || index < 0 || index >= REPLICAS[component]) {
      throw new Error(`${component} has ${REPLICAS[component]} replica(s): index ${index} is out of range`);
    }
    return { component, index };
  };

  /** The command line of an instance. */
  const commandOf = (i: Instance): { cmd: string; args: string[] } => {
    const kube = (...args: string[]) => ({ cmd: process.execPath, args: [BIN, ...args, '--log-level', 'info'] });
    // Each component with its own credential (componentKubeconfig), the DNS add-on as the
    // admin: it installs kubeadm's CoreDNS objects itself.
    const client = (command: string, ...flags: string[]) => kube(command, '--kubeconfig', COMPONENT_CREDENTIALS[command] ? componentKubeconfig(command) : kubeconfigPath, ...flags);
    switch (i.component) {
      case 'etcd': {
        const peer = (n: number) => `http://127.0.0.1:${ports.etcdPeer[n]}`;
        const endpoint = etcdEndpoints[i.index]!;
        return {
          cmd: etcdBin(),
          args: [
            `--name=etcd-${i.index}`,
            `--data-dir=${join(dir, `etcd-${i.index}`)}`,
            `--listen-client-urls=${endpoint}`,
            `--advertise-client-urls=${endpoint}`,
            `--listen-peer-urls=${peer(i.index)}`,
            `--initial-advertise-peer-urls=${peer(i.index)}`,
            `--initial-cluster=${[0, 1, 2].map((n) => `etcd-${n}=${peer(n)}`).join(',')}`,
            `--initial-cluster-token=${state.token}`,
            // Ignored once the data dir holds a member: restarts rejoin as they are.
            '--initial-cluster-state=new',
            '--max-request-bytes=5242880',
            '--experimental-watch-progress-notify-interval=5s',
            '--logger=zap',
            '--log-level=warn',
          ],
        };
      }
      case 'apiserver':
        return kube(
          'apiserver',
          '--etcd-servers', etcdEndpoints.join(','),
          '--data-dir', join(dir, `apiserver-${i.index}`),
          '--port', String(ports.apiserver[i.index]),
          '--advertise-address', `10.0.0.${2 + i.index}`,
        );
      case 'lb':
        return state.balancer === 'haproxy'
          ? { cmd: haproxyBinary()!, args: ['-f', join(dir, 'haproxy.cfg'), '-db'] }
          : {
              cmd: process.execPath,
              args: [join(REPO, 'dist/test/distributed/tcp-balancer.js'), '--listen', `127.0.0.1:${ports.lb}`, ...ports.apiserver.flatMap((p) => ['--backend', `127.0.0.1:${p}`])],
            };
      case 'cloud':
        return client('cloud', '--data-dir', join(dir, 'cloud'), '--cloud-port', String(ports.cloud), '--autoscale-nodes', '0:2');
      case 'controller-manager':
        // As kubeadm runs it: each controller as its kube-system ServiceAccount.
        return client('controller-manager', '--use-service-account-credentials');
      case 'scheduler':
        return client('scheduler');
      case 'hpa':
        return client('hpa', '--use-service-account-credentials');
      case 'cluster-autoscaler':
        return client('cluster-autoscaler', '--cloud-url', `http://127.0.0.1:${ports.cloud}`, '--address', `127.0.0.1:${ports.caMetrics[i.index]}`);
      case 'metrics-server':
        return client('metrics-server', '--secure-port', String(ports.metricsServer));
      case 'kube-proxy':
        // No host listeners: a shared machine's NodePorts stay free.
        return client('kube-proxy', '--nodeport-addresses', 'none');
      case 'dns':
        return client('dns', '--dns-port', String(ports.dns));
      case 'kubelet-sim':
        // Each simulated node writes as system:node:NAME (signed with the apiservers' component key).
        return client('kubelet-sim', '--nodes', String(state.nodes), '--node-name-prefix', 'ha-node-', '--node-credentials-key', componentKeyPath);
    }
  };

  /** Resolves when the instance serves (etcd healthy, apiserver ready, client banner printed). */
  const waitReady = async (i: Instance, since: number, timeoutMs = 110_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const logText = () => {
      try {
        return readFileSync(logFile(i), 'utf8').slice(since);
      } catch {
        return '';
      }
    };
    for (;;) {
      if (!readPid(i)) throw new Error(`${name(i)} exited while starting:\n${logText().slice(-3000)}`);
      let ok = false;
      switch (i.component) {
        case 'etcd':
          ok = await probe(`${etcdEndpoints[i.index]}/health`, (body) => /"health":\s*"true"/.test(body));
          break;
        case 'apiserver':
          // It writes its kubeconfig just after it starts listening.
          ok = existsSync(join(dir, `apiserver-${i.index}`, 'kubeconfig')) && (await probe(`${apiserverUrls[i.index]}/readyz`));
          break;
        case 'lb':
          ok = await probe(`${lbUrl}/readyz`);
          break;
        default:
          ok = /is running against https:\/\//.test(logText());
      }
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${name(i)} not ready within ${timeoutMs} ms:\n${logText().slice(-3000)}`);
      await sleep(200);
    }
  };

  const launch = async (i: Instance): Promise<void> => {
    if (readPid(i)) return;
    if (i.component === 'apiserver' && i.index > 0) {
      // One CA and one admin token for every apiserver: the others start on a copy of the
      // first one's pki/ (ensureTlsMaterial keeps what it finds).
      const pki = join(dir, `apiserver-${i.index}`, 'pki');
      if (!existsSync(pki)) cpSync(join(dir, 'apiserver-0', 'pki'), pki, { recursive: true });
    }
    if (i.component === 'lb' && state.balancer === 'haproxy') {
      writeFileSync(join(dir, 'haproxy.cfg'), haproxyConfig({ listen: `127.0.0.1:${ports.lb}`, backends: ports.apiserver.map((p) => `127.0.0.1:${p}`) }));
    }
    const { cmd, args } = commandOf(i);
    const out = openSync(logFile(i), 'a');
    const since = fileSize(logFile(i));
    const child = spawn(cmd, args, {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', out, out],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_OPTIONS: '' },
    });
    closeSync(out);
    const spawned = await new Promise<number>((res, rej) => {
      child.once('error', rej);
      child.once('spawn', () => res(child.pid!));
    });
    child.unref();
    writeFileSync(pidFile(i), `${spawned}\n`);
    log(`${name(i)} started (pid ${spawned})`);
    await waitReady(i, since);
    if (i.component === 'apiserver' && i.index === 0) writeLbKubeconfig();
    log(`${name(i)} ready`);
  };

  const writeLbKubeconfig = (): void => {
    const cfg = parseYaml(readFileSync(join(dir, 'apiserver-0', 'kubeconfig'), 'utf8')) as { clusters?: Array<{ cluster: { server: string } }> };
    for (const c of cfg.clusters ?? []) c.cluster.server = lbUrl;
    writeFileSync(kubeconfigPath, stringifyYaml(cfg), { mode: 0o600 });
    // The components' kubeconfigs: the admin's with each component's own token, signed with
    // the key every apiserver shares (apiserver-0's pki/, copied), as `up` mints them.
    const key = readFileSync(componentKeyPath, 'utf8').trim();
    mkdirSync(join(dir, 'kubeconfigs'), { recursive: true });
    for (const [command, user] of Object.entries(COMPONENT_CREDENTIALS)) {
      const own = structuredClone(cfg) as { users?: Array<{ user: Record<string, unknown> }> };
      for (const u of own.users ?? []) u.user = { token: componentToken(key, user) };
      writeFileSync(componentKubeconfig(command), stringifyYaml(own), { mode: 0o600 });
    }
  };

  const signal = async (i: Instance, sig: NodeJS.Signals, timeoutMs: number): Promise<void> => {
    const pid = readPid(i);
    if (!pid) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
    const deadline = Date.now() + timeoutMs;
    while (alive(pid)) {
      if (Date.now() > deadline) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      await sleep(25);
    }
    rmSync(pidFile(i), { force: true });
    log(`${name(i)} ${sig === 'SIGKILL' ? 'killed' : 'stopped'}`);
  };

  const all = (): Instance[] =>
    ORDER.flatMap((c): Instance[] => (c === 'cloud' ? [{ component: c, index: 0 }] : Array.from({ length: REPLICAS[c] }, (_, index) => ({ component: c, index }))));

  const topology: ProcessTopology = {
    kind: 'processes',
    dir,
    balancer: state.balancer,
    kubeconfigPath,
    lbUrl,
    etcdEndpoints,
    apiserverUrls,
    replicas: (c) => REPLICAS[c],
    kill: (c, index) => signal(check(c, index), 'SIGKILL', 10_000),
    stop: (c, index) => signal(check(c, index), 'SIGTERM', 15_000),
    start: (c, index) => launch(check(c, index)),
    pid: (c, index) => readPid(check(c, index)),
    logPath: (c, index) => logFile(check(c, index)),

    async leaseIdentity(c, index) {
      // The leader elector logs its identity (hostname_uuid) when it starts campaigning;
      // the last such line is the running incarnation's.
      let text = '';
      try {
        text = readFileSync(logFile(check(c, index)), 'utf8');
      } catch {
        return undefined;
      }
      let identity: string | undefined;
      for (const line of text.split('\n')) {
        if (!line.startsWith('{') || !line.includes('attempting to acquire leader lease')) continue;
        try {
          const rec = JSON.parse(line) as { identity?: string };
          if (rec.identity) identity = rec.identity;
        } catch {
          // a line cut by a kill
        }
      }
      return identity;
    },

    async up() {
      // etcd members must start together: each waits for a quorum to report healthy.
      const instances = all();
      const members = instances.filter((i) => i.component === 'etcd');
      await Promise.all(members.map((i) => launch(i)));
      // The first apiserver makes the CA and admin token the others copy.
      await launch({ component: 'apiserver', index: 0 });
      await Promise.all(instances.filter((i) => i.component === 'apiserver' || i.component === 'lb').map((i) => launch(i)));
      // The clients only need the balancer (the autoscalers retry until the cloud answers).
      await Promise.all(instances.filter((i) => !['etcd', 'apiserver', 'lb'].includes(i.component)).map((i) => launch(i)));
      if (!existsSync(kubeconfigPath)) writeLbKubeconfig();
    },

    async down(downOpts = {}) {
      for (const i of all().reverse()) await signal(i, 'SIGTERM', 15_000);
      if (downOpts.removeVolumes) rmSync(dir, { recursive: true, force: true });
    },
  };
  return topology;
}

function etcdBin(): string {
  const found = process.env.ETCD_BIN ?? findOnPath('etcd') ?? (existsSync('/usr/bin/etcd') ? '/usr/bin/etcd' : undefined);
  if (!found) throw new Error('etcd is not installed: apt-get install etcd-server (or set ETCD_BIN)');
  return found;
}

function findOnPath(binary: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin']) {
    if (existsSync(join(d, binary))) return join(d, binary);
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0: read its state.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function fileSize(path: string): number {
  try {
    return readFileSync(path).length;
  } catch {
    return 0;
  }
}

/** GET over http(s) (self-signed certificates accepted: only liveness is asked). */
async function probe(url: string, ok: (body: string) => boolean = (b) => b.trim() === 'ok'): Promise<boolean> {
  const request = url.startsWith('https') ? httpsRequest : httpRequest;
  return new Promise((res) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 2000 }, (r: IncomingMessage) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (s: string) => (body += s));
      r.on('end', () => res(r.statusCode === 200 && ok(body)));
      r.on('error', () => res(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(false));
    req.end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((res, rej) => {
      const s = createServer();
      s.once('error', rej);
      s.listen(0, '127.0.0.1', () => res(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

