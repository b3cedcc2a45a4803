import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { StoreKind } from '../apiserver/main.js';
import {
  dnsFlagOptions,
  dnsOptions,
  type DnsFlagOptions,
  type DnsRunOptions,
  controllerManagerOptions,
  podNetworkOptions,
  kubeletSimFileOptions,
  kubeletSimOptions,
  schedulerOptions,
  metricsServerOptions,
  parseMetricResolution,
  type MetricsServerRunOptions,
  type ControllerManagerRunOptions,
  type FlagValues,
  type KubeletSimFileOptions,
  type KubeletSimRunOptions,
  type SchedulerRunOptions,
} from './client-args.js';
import {
  autoscalerOptions,
  caCommandOptions,
  ccmCommandOptions,
  cloudCommandOptions,
  type AutoscalerFlagOptions,
  type CloudControllerManagerRunOptions,
  type CloudRunOptions,
  type ClusterAutoscalerRunOptions,
} from './autoscaler-args.js';
import { COMMANDS, flagsFor, type Command, type FlagSpec } from './flags.js';
import { kubeProxyFlagSettings, kubeProxyOptions, type KubeProxyFlagSettings, type KubeProxyRunOptions } from './kube-proxy-args.js';
import { ingressControllerOptions, upIngressSettings, type IngressControllerRunOptions, type IngressSettings } from './ingress-args.js';
import { hpaFlagSettings, hpaOptions, type HpaFlagSettings, type HpaRunOptions } from './hpa-args.js';
import { InvalidValue, parseBool, parseInteger, parseLogLevel, parsePath } from './values.js';
import { serviceRangeOption } from './service-network-args.js';
import { upPodNetwork } from './up.js';

export { LOG_LEVELS } from './values.js';
export type { ClientRunOptions, ControllerManagerRunOptions, DnsRunOptions, KubeletSimRunOptions, MetricsServerRunOptions, SchedulerRunOptions } from './client-args.js';

/**
 * Validated options of `up` / `apiserver`; paths are absolute. The kubelet-sim file
 * options (--node-template, --stage-config) are `up`'s only.
 */
export interface RunOptions extends KubeletSimFileOptions, Partial<DnsFlagOptions> {
  dataDir: string;
  port: number;
  bindAddress: string;
  /** Simulated nodes started by `up` (unused by `apiserver`). */
  nodes: number;
  store: StoreKind;
  etcdServers: string[];
  /** Absent: `<dataDir>/kubeconfig`. */
  kubeconfigPath?: string;
  tokenAuthFile?: string;
  clientCaFile?: string;
  /** Only false is kept (--anonymous-auth=false); absent means kube's default, true. */
  anonymousAuth?: false;
  /** --admission-control-config-file (absolute). */
  admissionControlConfigFile?: string;
  /** Absent: KUBELING_LOG_LEVEL or info (see lib/logger.ts). */
  logLevel?: string;
  /** `up`'s --metric-resolution for its metrics server, ms (absent: 15 s). */
  metricResolutionMs?: number;
  /** `up`: the --horizontal-pod-autoscaler-* flags given (absent: kube's defaults). */
  hpa?: HpaFlagSettings;
  /** `up`: kube-proxy's flags (--proxy-mode, --nodeport-addresses, --flannel-backend). */
  proxy?: KubeProxyFlagSettings;
  /** `up` only: the pod network; absent: sized for --nodes (controllers/node-ipam/pod-network-size.ts). */
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
  /** --advertise-address (absent: derived from the bind address). */
  advertiseAddress?: string;
  /** --service-cluster-ip-range, host bits cleared (absent: 10.96.0.0/12). */
  serviceClusterIpRange?: string;
  /** `up`: false runs the apiserver on the components' event loop (--apiserver-thread=false); default: its own thread. */
  apiserverThread?: boolean;
  /** `up`: --use-service-account-credentials=false runs every controller as the manager (default: each as its ServiceAccount). */
  useServiceAccountCredentials?: false;
  /** `up`'s autoscaling flags (cli/autoscaler-args.ts). */
  autoscaling?: AutoscalerFlagOptions;
  /** `up`: --ingress-http-port / --ingress-https-port. */
  ingress?: IngressSettings;
}

/** Each command's validated options. */
export interface CommandOptions {
  up: RunOptions;
  apiserver: RunOptions;
  'controller-manager': ControllerManagerRunOptions;
  scheduler: SchedulerRunOptions;
  'kubelet-sim': KubeletSimRunOptions;
  'metrics-server': MetricsServerRunOptions;
  hpa: HpaRunOptions;
  'kube-proxy': KubeProxyRunOptions;
  dns: DnsRunOptions;
  cloud: CloudRunOptions;
  'cloud-controller-manager': CloudControllerManagerRunOptions;
  'cluster-autoscaler': ClusterAutoscalerRunOptions;
  'ingress-controller': IngressControllerRunOptions;
}

/** A command to run with its options; `command` tells which options. */
export type RunRequest = { [C in Command]: { kind: 'run'; command: C; options: CommandOptions[C] } }[Command];

export type ParsedCli =
  | { kind: 'help'; command?: Command }
  | { kind: 'version' }
  | RunRequest
  /** Exit code 2; `command` picks which help the message points to. */
  | { kind: 'usage-error'; message: string; command?: Command };

export const DEFAULTS = {
  dataDir: '.kubeling',
  port: 6443,
  bindAddress: '127.0.0.1',
  nodes: 3,
  store: 'sqlite' as StoreKind,
};

const MAX_NODES = 100_000;

/**
 * Parses the command line (without `node` and the script). Pure apart from resolving
 * relative paths against `cwd`. Never throws: every problem is a usage-error result.
 */
export function parseCli(argv: readonly string[], cwd: string): ParsedCli {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'help' };
  if (first === 'version' || first === '--version') {
    return rest.length === 0 ? { kind: 'version' } : { kind: 'usage-error', message: `unexpected argument "${rest[0]}" for version` };
  }
  if (first === 'help') {
    if (rest.length === 0) return { kind: 'help' };
    if (rest.length === 1 && isCommand(rest[0]!)) return { kind: 'help', command: rest[0] };
    return { kind: 'usage-error', message: `unknown help topic "${rest.join(' ')}"` };
  }
  if (first.startsWith('-')) return { kind: 'usage-error', message: `unknown flag: ${first} (flags go after the command)` };
  if (!isCommand(first)) return { kind: 'usage-error', message: `unknown command "${first}"` };
  return parseCommand(first, rest, cwd);
}

function isCommand(word: string): word is Command {
  return Object.hasOwn(COMMANDS, word);
}

function parseCommand(command: Command, args: string[], cwd: string): ParsedCli {
  const flags = flagsFor(command);
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const f of flags) {
    options[f.name] = f.value ? { type: 'string' } : { type: 'boolean', ...(f.short ? { short: f.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: booleanValues(args, flags), options, allowPositionals: true, allowNegative: true, strict: true, tokens: true });
  } catch (err) {
    if (err instanceof InvalidValue) return { kind: 'usage-error', command, message: err.message };
    return { kind: 'usage-error', command, message: parseArgsMessage(err) };
  }
  // allowNegative accepts --no-X for every boolean; only negatable flags may be negated.
  const negated = parsed.tokens.find((t) => t.kind === 'option' && t.rawName.startsWith('--no-') && !flags.find((f) => f.name === t.name)?.negatable);
  if (negated?.kind === 'option') return { kind: 'usage-error', command, message: `unknown flag: ${negated.rawName}` };
  const values = parsed.values as FlagValues;
  if (values.help) return { kind: 'help', command };
  if (parsed.positionals.length > 0) {
    return { kind: 'usage-error', command, message: `unexpected argument "${parsed.positionals[0]}" for ${command}` };
  }
  try {
    return runRequest(command, values, cwd);
  } catch (err) {
    if (err instanceof InvalidValue) return { kind: 'usage-error', command, message: err.message };
    throw err;
  }
}

function runRequest(command: Command, values: FlagValues, cwd: string): RunRequest {
  switch (command) {
    case 'up':
    case 'apiserver':
      return { kind: 'run', command, options: runOptions(values as Record<string, string | undefined>, cwd, command) };
    case 'controller-manager':
      return { kind: 'run', command, options: controllerManagerOptions(values, cwd) };
    case 'scheduler':
      return { kind: 'run', command, options: schedulerOptions(values, cwd) };
    case 'kubelet-sim':
      return { kind: 'run', command, options: kubeletSimOptions(values, cwd) };
    case 'metrics-server':
      return { kind: 'run', command, options: metricsServerOptions(values, cwd) };
    case 'hpa':
      return { kind: 'run', command, options: hpaOptions(values, cwd) };
    case 'kube-proxy':
      return { kind: 'run', command, options: kubeProxyOptions(values, cwd) };
    case 'dns':
      return { kind: 'run', command, options: dnsOptions(values, cwd) };
    case 'cloud':
      return { kind: 'run', command, options: cloudCommandOptions(values, cwd) };
    case 'cloud-controller-manager':
      return { kind: 'run', command, options: ccmCommandOptions(values, cwd) };
    case 'cluster-autoscaler':
      return { kind: 'run', command, options: caCommandOptions(values, cwd) };
    case 'ingress-controller':
      return { kind: 'run', command, options: ingressControllerOptions(values, cwd) };
  }
}

/**
 * node:util's parseArgs takes no value on a boolean flag; kube's booleans take
 * `--leader-elect=false`. Rewrites `--X=BOOL` of negatable flags into `--X` or `--no-X`
 * (up to a `--` terminator), so parseArgs sees only forms it knows.
 */
function booleanValues(args: string[], flags: readonly FlagSpec[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...out, ...args.slice(i)];
    const m = /^--([^=]+)=(.*)$/s.exec(arg);
    const flag = m && flags.find((f) => f.negatable && f.name === m[1]);
    out.push(flag ? (parseBool(flag.name, m![2]!) ? `--${flag.name}` : `--no-${flag.name}`) : arg);
  }
  return out;
}

/** node:util's messages, shortened to their first sentence and with our wording. */
function parseArgsMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const flag = /'(-[^' ]*)/.exec(message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) return `unknown flag: ${flag}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing|ambiguous/.test(message)) {
    const name = /--[\w-]+/.exec(message)?.[0] ?? flag;
    return `flag ${name} needs a value (use ${name}=VALUE for a value starting with "-")`;
  }
  return message.split('. ')[0]!;
}

function runOptions(v: Record<string, string | undefined>, cwd: string, command: 'up' | 'apiserver' = 'up'): RunOptions {
  const etcdServers = v['etcd-servers'] === undefined ? [] : parseEtcdServers(v['etcd-servers']);
  const store = parseStore(v.store, etcdServers);
  const dataDir = v['data-dir'] ?? DEFAULTS.dataDir;
  if (dataDir === '') throw new InvalidValue('invalid --data-dir "": must not be empty');
  const options: RunOptions = {
    dataDir: resolve(cwd, dataDir),
    port: parseInteger('port', v.port, DEFAULTS.port, 0, 65535),
    bindAddress: parseBindAddress(v['bind-address'] ?? DEFAULTS.bindAddress),
    nodes: parseInteger('nodes', v.nodes, DEFAULTS.nodes, 0, MAX_NODES),
    store,
    etcdServers,
  };
  if (v.kubeconfig !== undefined) options.kubeconfigPath = parsePath('kubeconfig', v.kubeconfig, cwd);
  if (v['token-auth-file'] !== undefined) options.tokenAuthFile = parsePath('token-auth-file', v['token-auth-file'], cwd);
  if (v['client-ca-file'] !== undefined) options.clientCaFile = parsePath('client-ca-file', v['client-ca-file'], cwd);
  if ((v as Record<string, unknown>)['anonymous-auth'] === false) options.anonymousAuth = false;
  if (v['admission-control-config-file'] !== undefined) options.admissionControlConfigFile = parsePath('admission-control-config-file', v['admission-control-config-file'], cwd);
  if (v['log-level'] !== undefined) options.logLevel = parseLogLevel(v['log-level']);
  const resolution = parseMetricResolution(v['metric-resolution']);
  if (resolution !== undefined) options.metricResolutionMs = resolution;
  const hpa = hpaFlagSettings(v);
  if (Object.keys(hpa).length > 0) options.hpa = hpa;
  const proxy = kubeProxyFlagSettings(v);
  if (Object.keys(proxy).length > 0) options.proxy = proxy;
  Object.assign(options, podNetworkOptions(v));
  // --service-cluster-ip-range; `up` also checks it against its pod network and kubeadm's DNS address.
  Object.assign(options, serviceRangeOption(v, command === 'up' ? { podCidr: upPodNetwork(options).clusterCidr, podCidrGiven: options.clusterCidr !== undefined } : undefined));
  if (v['advertise-address'] !== undefined) options.advertiseAddress = parseAdvertiseAddress(v['advertise-address']);
  const autoscaling = autoscalerOptions(v, cwd);
  if (autoscaling.autoscaleNodes || autoscaling.nodeGroupsPath || Object.keys(autoscaling.ca).length > 0) options.autoscaling = autoscaling;
  const ingress = command === 'up' ? upIngressSettings(v) : {};
  if (Object.keys(ingress).length > 0) options.ingress = ingress;
  const dns = command === 'up' ? dnsFlagOptions(v, true) : {};
  if ((v as Record<string, unknown>)['apiserver-thread'] === false) options.apiserverThread = false;
  if ((v as Record<string, unknown>)['use-service-account-credentials'] === false) options.useServiceAccountCredentials = false;
  return { ...options, ...dns, ...kubeletSimFileOptions(v, cwd) };
}

/** kube-apiserver refuses loopback and unspecified advertise addresses; so do Endpoints. */
function parseAdvertiseAddress(raw: string): string {
  if (isIP(raw) === 0 || raw.startsWith('127.') || raw === '::1' || raw === '0.0.0.0' || raw === '::') {
    throw new InvalidValue(`invalid --advertise-address "${raw}": must be an IP address that is not loopback or unspecified, e.g. 10.0.0.2`);
  }
  return raw;
}

function parseBindAddress(raw: string): string {
  if (isIP(raw) === 0) throw new InvalidValue(`invalid --bind-address "${raw}": must be an IP address, e.g. 127.0.0.1`);
  return raw;
}

/**
 * The store: as given, or etcd when only --etcd-servers is given. etcd needs servers;
 * servers with sqlite are a contradiction worth reporting, not ignoring.
 */
function parseStore(raw: string | undefined, etcdServers: string[]): StoreKind {
  if (raw !== undefined && raw !== 'sqlite' && raw !== 'etcd') {
    throw new InvalidValue(`invalid --store "${raw}": must be sqlite or etcd`);
  }
  const store = raw ?? (etcdServers.length > 0 ? 'etcd' : DEFAULTS.store);
  if (store === 'etcd' && etcdServers.length === 0) {
    throw new InvalidValue('--store etcd needs --etcd-servers, e.g. --etcd-servers http://127.0.0.1:2379');
  }
  if (store === 'sqlite' && etcdServers.length > 0) {
    throw new InvalidValue('--etcd-servers is only used with --store etcd');
  }
  return store;
}

function parseEtcdServers(raw: string): string[] {
  const urls = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (urls.length === 0) throw new InvalidValue(`invalid --etcd-servers "${raw}": give at least one URL`);
  for (const u of urls) {
    let url: URL | undefined;
    try {
      url = new URL(u);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new InvalidValue(`invalid --etcd-servers URL "${u}": expected http(s)://HOST:PORT`);
    }
  }
  return urls;
}
