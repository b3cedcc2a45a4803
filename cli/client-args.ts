import { isIP } from 'node:net';
import { controllerRegistry } from '../controllers/registry.js';
import { enabledControllers } from '../controllers/manager.js';
import { CidrError, CidrSet } from '../controllers/node-ipam/cidr-set.js';
import { defaultControllerManagerConfig } from '../controllers/types.js';
import { parseDuration } from './duration.js';
import { InvalidValue, parseInteger, parseLogLevel, parsePath } from './values.js';
import { kubeletDnsOptions, parseClusterDomain } from './service-network-args.js';

/**
 * Options of the commands that are clients of an apiserver (controller-manager,
 * scheduler, kubelet-sim): they READ a kubeconfig to connect, unlike up/apiserver, which
 * write one. Paths are absolute.
 */
export interface ClientRunOptions {
  kubeconfigPath: string;
  /** Absent: KUBELING_LOG_LEVEL or info (see lib/logger.ts). */
  logLevel?: string;
}

export interface ControllerManagerRunOptions extends ClientRunOptions {
  leaderElect: boolean;
  /** kube's --controllers list, validated against controllers/registry.ts. */
  controllers: string[];
  /** Absent: the controller manager's defaults (controllers/types.ts). */
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
  nodeMonitorGracePeriodMs?: number;
  /** --use-service-account-credentials: each controller as its kube-system ServiceAccount (default false, as kube-controller-manager). */
  useServiceAccountCredentials: boolean;
}

export interface SchedulerRunOptions extends ClientRunOptions {
  leaderElect: boolean;
}

/** The kubelet-sim flags that name files, which `up` takes too; read when the command starts. */
export interface KubeletSimFileOptions {
  /** --node-template: a JSON or YAML node template. */
  nodeTemplatePath?: string;
  /** --stage-config: JSON or YAML stage overrides (kubelet-sim/stages.ts). */
  stageConfigPath?: string;
  /** --kube-api-qps / --kube-api-burst: each simulated kubelet's own client limits (kubelet's defaults 50 and 100). */
  kubeApiQps?: number;
  kubeApiBurst?: number;
}

export interface KubeletSimRunOptions extends ClientRunOptions, KubeletSimFileOptions {
  nodes: number;
  nodeNamePrefix?: string;
  /** --port / --address of the kubelets' server (logs, exec, attach, port-forward); absent: a free loopback port. */
  port?: number;
  address?: string;
  /** kubelet's --cluster-dns and --cluster-domain (absent: 10.96.0.10 and cluster.local). */
  clusterDns?: string[];
  clusterDomain?: string;
  /** --node-credentials-key: signs each node's own credential (system:node:NAME); absent: the kubeconfig's serves every node. */
  nodeCredentialsKeyPath?: string;
}

export interface DnsRunOptions extends ClientRunOptions, DnsFlagOptions {}

/** The DNS flags `up` and `dns` share. */
export interface DnsFlagOptions {
  /** 'none': no DNS server (up only). */
  dnsPort: number | 'none';
  dnsAddress: string;
  clusterDomain: string;
}

export interface MetricsServerRunOptions extends ClientRunOptions {
  /** --metric-resolution, ms (absent: 15 s). */
  metricResolutionMs?: number;
  /** --secure-port (absent: a free port). */
  securePort?: number;
}

export type FlagValues = Record<string, string | boolean | undefined>;

const MAX_NODES = 100_000;
const DEFAULT_NODES = 3;

function str(v: FlagValues, name: string): string | undefined {
  const value = v[name];
  return typeof value === 'string' ? value : undefined;
}

export function clientOptions(command: string, v: FlagValues, cwd: string): ClientRunOptions {
  const kubeconfig = str(v, 'kubeconfig');
  if (kubeconfig === undefined) {
    throw new InvalidValue(`${command} needs --kubeconfig PATH: the kubeconfig to connect with, e.g. the one \`kubeling apiserver\` writes`);
  }
  const options: ClientRunOptions = { kubeconfigPath: parsePath('kubeconfig', kubeconfig, cwd) };
  const level = str(v, 'log-level');
  if (level !== undefined) options.logLevel = parseLogLevel(level);
  return options;
}

/**
 * --cluster-cidr and --node-cidr-mask-size (controller-manager and up), checked now: the
 * node IPAM controller would only log a bad range once it leads.
 */
export function podNetworkOptions(v: FlagValues): { clusterCidr?: string; nodeCidrMaskSize?: number } {
  const options: { clusterCidr?: string; nodeCidrMaskSize?: number } = {};
  const cidr = str(v, 'cluster-cidr');
  const mask = str(v, 'node-cidr-mask-size');
  if (cidr !== undefined) options.clusterCidr = cidr;
  if (mask !== undefined) options.nodeCidrMaskSize = parseInteger('node-cidr-mask-size', mask, 0, 1, 32);
  if (cidr !== undefined || mask !== undefined) {
    try {
      new CidrSet(cidr ?? defaultControllerManagerConfig.clusterCidr, options.nodeCidrMaskSize ?? defaultControllerManagerConfig.nodeCidrMaskSize);
    } catch (err) {
      if (err instanceof CidrError) throw new InvalidValue(`invalid --cluster-cidr/--node-cidr-mask-size: ${err.message}`);
      throw err;
    }
  }
  return options;
}

/** `--leader-elect` defaults to true, as in kube-controller-manager and kube-scheduler. */
export function leaderElect(v: FlagValues): boolean {
  return v['leader-elect'] !== false;
}

export function controllerManagerOptions(v: FlagValues, cwd: string): ControllerManagerRunOptions {
  const options: ControllerManagerRunOptions = {
    ...clientOptions('controller-manager', v, cwd),
    leaderElect: leaderElect(v),
    controllers: parseControllers(str(v, 'controllers') ?? '*'),
    useServiceAccountCredentials: v['use-service-account-credentials'] === true,
  };
  Object.assign(options, podNetworkOptions(v));
  const grace = str(v, 'node-monitor-grace-period');
  if (grace !== undefined) {
    const ms = parseDuration('node-monitor-grace-period', grace);
    if (ms <= 0) throw new InvalidValue(`invalid --node-monitor-grace-period "${grace}": must be greater than 0`);
    options.nodeMonitorGracePeriodMs = ms;
  }
  return options;
}

export function schedulerOptions(v: FlagValues, cwd: string): SchedulerRunOptions {
  return { ...clientOptions('scheduler', v, cwd), leaderElect: leaderElect(v) };
}

export function kubeletSimOptions(v: FlagValues, cwd: string): KubeletSimRunOptions {
  const options: KubeletSimRunOptions = {
    ...clientOptions('kubelet-sim', v, cwd),
    nodes: parseInteger('nodes', str(v, 'nodes'), DEFAULT_NODES, 0, MAX_NODES),
  };
  const prefix = str(v, 'node-name-prefix');
  if (prefix !== undefined) {
    // Node names are DNS subdomains; the prefix is followed by a number.
    if (!/^[a-z0-9][-a-z0-9.]*$/.test(prefix)) {
      throw new InvalidValue(`invalid --node-name-prefix "${prefix}": must be lower-case letters, digits, '-' or '.', starting with a letter or digit`);
    }
    options.nodeNamePrefix = prefix;
  }
  // kubelet's --port (10250 there; here a free port unless given) and --address (kubelet: 0.0.0.0; here loopback unless given).
  const port = str(v, 'port');
  if (port !== undefined) options.port = parseInteger('port', port, 0, 0, 65535);
  const address = str(v, 'address');
  if (address !== undefined) {
    if (isIP(address) === 0) throw new InvalidValue(`invalid --address "${address}": must be an IP address, e.g. 0.0.0.0`);
    options.address = address;
  }
  const key = str(v, 'node-credentials-key');
  if (key !== undefined) options.nodeCredentialsKeyPath = parsePath('node-credentials-key', key, cwd);
  return { ...options, ...kubeletDnsOptions(v), ...kubeletSimFileOptions(v, cwd) };
}

/** --node-template and --stage-config, for kubelet-sim and up. */
export function kubeletSimFileOptions(v: FlagValues, cwd: string): KubeletSimFileOptions {
  const options: KubeletSimFileOptions = {};
  const template = str(v, 'node-template');
  const stages = str(v, 'stage-config');
  if (template !== undefined) options.nodeTemplatePath = parsePath('node-template', template, cwd);
  if (stages !== undefined) options.stageConfigPath = parsePath('stage-config', stages, cwd);
  // kubelet's flags are int32; 0 would mean "no writes at all" here, so refuse it.
  const qps = str(v, 'kube-api-qps');
  const burst = str(v, 'kube-api-burst');
  if (qps !== undefined) options.kubeApiQps = parseInteger('kube-api-qps', qps, 50, 1, 2_147_483_647);
  if (burst !== undefined) options.kubeApiBurst = parseInteger('kube-api-burst', burst, 100, 1, 2_147_483_647);
  return options;
}

export function dnsOptions(v: FlagValues, cwd: string): DnsRunOptions {
  const options = { ...clientOptions('dns', v, cwd), ...dnsFlagOptions(v, false) };
  return options;
}

/** --dns-port, --dns-address, --cluster-domain; `none` is `up`'s only (the dns command exists to serve). */
export function dnsFlagOptions(v: FlagValues, allowNone: boolean): DnsFlagOptions {
  const rawPort = str(v, 'dns-port');
  const dnsPort = rawPort === 'none' && allowNone ? 'none' : parseInteger('dns-port', rawPort, 10053, 0, 65535);
  const dnsAddress = str(v, 'dns-address') ?? '127.0.0.1';
  // Nothing but loopback may be dialled or served on: the DNS answers simulated names.
  if (isIP(dnsAddress) === 0 || !(dnsAddress.startsWith('127.') || dnsAddress === '::1')) {
    throw new InvalidValue(`invalid --dns-address "${dnsAddress}": must be a loopback address (127.0.0.0/8 or ::1)`);
  }
  const clusterDomain = parseClusterDomain(str(v, 'cluster-domain'));
  return { dnsPort, dnsAddress, clusterDomain };
}

/** Splits kube's `--controllers` list and checks every name against the registry. */
function parseControllers(raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidValue(`invalid --controllers "${raw}": give at least one name, or * for all`);
  try {
    enabledControllers(controllerRegistry, names);
  } catch (err) {
    const known = controllerRegistry.map((d) => d.name).join(', ');
    throw new InvalidValue(`invalid --controllers: ${(err as Error).message} (${known})`);
  }
  return names;
}

/** --metric-resolution: a positive duration (metrics-server refuses less than 10 s; we allow 1 s for tests and demos). */
export function parseMetricResolution(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration('metric-resolution', raw);
  if (ms < 1000) throw new InvalidValue(`invalid --metric-resolution "${raw}": must be at least 1s`);
  return ms;
}

export function metricsServerOptions(v: FlagValues, cwd: string): MetricsServerRunOptions {
  const options: MetricsServerRunOptions = { ...clientOptions('metrics-server', v, cwd) };
  const resolution = parseMetricResolution(str(v, 'metric-resolution'));
  if (resolution !== undefined) options.metricResolutionMs = resolution;
  const port = str(v, 'secure-port');
  if (port !== undefined) options.securePort = parseInteger('secure-port', port, 0, 0, 65535);
  return options;
}
