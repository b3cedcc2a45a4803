import { isIP } from 'node:net';
import type { FlannelBackend } from '../network/flannel.js';
import type { ProxyMode } from '../kube-proxy/node-rules.js';
import { parseCidr } from '../api/networking/cidr.js';
import type { ClientRunOptions, FlagValues } from './client-args.js';
import { InvalidValue, parseLogLevel, parsePath } from './values.js';

/**
 * kube-proxy's flags, with its names: --proxy-mode, --nodeport-addresses, --cluster-cidr;
 * plus the simulated network's --flannel-backend. `kubeling kube-proxy` takes them all;
 * `up` takes --proxy-mode, --nodeport-addresses and --flannel-backend.
 */

export interface KubeProxyFlagSettings {
  proxyMode?: ProxyMode;
  /** Loopback addresses for the host listeners; [] (`none`) disables them. */
  nodePortAddresses?: string[];
  flannelBackend?: FlannelBackend;
  clusterCidr?: string;
}

export interface KubeProxyRunOptions extends ClientRunOptions {
  proxy: KubeProxyFlagSettings;
}

const str = (v: FlagValues, name: string): string | undefined => {
  const value = v[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * kube-proxy's --nodeport-addresses takes CIDRs of node addresses; here the addresses are
 * the host's, so it takes loopback IPs (or /32 CIDRs of them), or `none`.
 */
export function parseNodePortAddresses(raw: string): string[] {
  if (raw.trim() === 'none') return [];
  const out: string[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const ip = part.endsWith('/32') ? part.slice(0, -3) : part;
    if (isIP(ip) !== 4 || !ip.startsWith('127.')) {
      throw new InvalidValue(`invalid --nodeport-addresses "${raw}": "${part}" is not a loopback IPv4 address (127.0.0.0/8); give addresses like 127.0.0.1, or none`);
    }
    out.push(ip);
  }
  if (out.length === 0) throw new InvalidValue(`invalid --nodeport-addresses "${raw}": give loopback addresses like 127.0.0.1, or none`);
  return out;
}

export function kubeProxyFlagSettings(v: FlagValues): KubeProxyFlagSettings {
  const out: KubeProxyFlagSettings = {};
  const mode = str(v, 'proxy-mode');
  if (mode !== undefined) {
    if (mode !== 'iptables' && mode !== 'ipvs') throw new InvalidValue(`invalid --proxy-mode "${mode}": must be iptables or ipvs`);
    out.proxyMode = mode;
  }
  const addrs = str(v, 'nodeport-addresses');
  if (addrs !== undefined) out.nodePortAddresses = parseNodePortAddresses(addrs);
  const backend = str(v, 'flannel-backend');
  if (backend !== undefined) {
    if (backend !== 'vxlan' && backend !== 'host-gw') throw new InvalidValue(`invalid --flannel-backend "${backend}": must be vxlan or host-gw`);
    out.flannelBackend = backend;
  }
  return out;
}

export function kubeProxyOptions(v: FlagValues, cwd: string): KubeProxyRunOptions {
  const kubeconfig = str(v, 'kubeconfig');
  if (kubeconfig === undefined) {
    throw new InvalidValue('kube-proxy needs --kubeconfig PATH: the kubeconfig to connect with, e.g. the one `kubeling apiserver` writes');
  }
  const proxy = kubeProxyFlagSettings(v);
  const cidr = str(v, 'cluster-cidr');
  if (cidr !== undefined) {
    if (!parseCidr(cidr)) throw new InvalidValue(`invalid --cluster-cidr "${cidr}": must be an IPv4 CIDR such as 100.96.0.0/16`);
    proxy.clusterCidr = cidr;
  }
  const options: KubeProxyRunOptions = { kubeconfigPath: parsePath('kubeconfig', kubeconfig, cwd), proxy };
  const level = str(v, 'log-level');
  if (level !== undefined) options.logLevel = parseLogLevel(level);
  return options;
}
