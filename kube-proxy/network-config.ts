import { parse as parseYaml, stringify } from 'yaml';
import { configMapResource, type ConfigMap } from '../api/core/configmap.js';
import { isAlreadyExists, isNotFound } from '../client/api-error.js';
import type { RestClient } from '../client/rest-client.js';
import { parseCidr } from '../api/networking/cidr.js';
import type { FlannelBackend } from '../network/flannel.js';
import type { ProxyMode } from './node-rules.js';

/**
 * The network configuration every consumer of the simulated data path must agree on:
 * kube-proxy's mode and cluster CIDR, and flannel's backend. It lives where a kubeadm
 * cluster keeps it, so `kubectl -n kube-system get cm kube-proxy -o yaml` shows it too:
 *
 * - ConfigMap kube-system/kube-proxy, key `config.conf`: a KubeProxyConfiguration
 *   (kubeproxy.config.k8s.io/v1alpha1) with `mode` and `clusterCIDR`;
 * - ConfigMap kube-system/kube-flannel-cfg, key `net-conf.json`: flannel's
 *   `{"Network": CIDR, "Backend": {"Type": "vxlan"|"host-gw"}}` (the kube-system copy
 *   older flannel manifests install).
 *
 * The kube-proxy component writes both at start (it is what runs with these flags); the
 * kubelet-sim's shells, `kubeling trace` and GraphQL's trace read them, so a wget in a
 * pod and a trace follow the IPVS virtual servers when kube-proxy runs --proxy-mode=ipvs.
 * Absent or unreadable: kube-proxy's defaults (iptables, 100.96.0.0/16, vxlan).
 */

export const KUBE_PROXY_CONFIGMAP = 'kube-proxy';
export const FLANNEL_CONFIGMAP = 'kube-flannel-cfg';
export const NETWORK_CONFIG_NAMESPACE = 'kube-system';

export interface NetworkConfig {
  readonly proxyMode: ProxyMode;
  readonly clusterCIDR: string;
  readonly flannelBackend: FlannelBackend;
}

export const DEFAULT_NETWORK_CONFIG: NetworkConfig = { proxyMode: 'iptables', clusterCIDR: '100.96.0.0/16', flannelBackend: 'vxlan' };

/** The two ConfigMaps that publish `config`. */
export function networkConfigMaps(config: NetworkConfig): [ConfigMap, ConfigMap] {
  const labels = { 'app.kubernetes.io/managed-by': 'kubeling' };
  const proxyConf = stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clusterCIDR: config.clusterCIDR,
    mode: config.proxyMode,
    ipvs: { scheduler: 'rr' },
  });
  const netConf = `${JSON.stringify({ Network: config.clusterCIDR, Backend: { Type: config.flannelBackend } }, null, 2)}\n`;
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: KUBE_PROXY_CONFIGMAP, namespace: NETWORK_CONFIG_NAMESPACE, labels: { ...labels, app: 'kube-proxy' } }, data: { 'config.conf': proxyConf } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: FLANNEL_CONFIGMAP, namespace: NETWORK_CONFIG_NAMESPACE, labels: { ...labels, app: 'flannel', tier: 'node' } }, data: { 'net-conf.json': netConf } },
  ];
}

/**
 * The configuration the two ConfigMaps hold (either may be undefined); what is missing or
 * malformed takes the default, as kube-proxy and flannel would refuse to start with it.
 */
export function networkConfigFrom(proxyCm: ConfigMap | undefined, flannelCm: ConfigMap | undefined): NetworkConfig {
  let proxyMode = DEFAULT_NETWORK_CONFIG.proxyMode;
  let clusterCIDR = DEFAULT_NETWORK_CONFIG.clusterCIDR;
  let flannelBackend = DEFAULT_NETWORK_CONFIG.flannelBackend;
  const conf = proxyCm?.data?.['config.conf'];
  if (conf) {
    try {
      const doc = parseYaml(conf) as { mode?: unknown; clusterCIDR?: unknown } | null;
      if (doc?.mode === 'ipvs' || doc?.mode === 'iptables') proxyMode = doc.mode;
      if (typeof doc?.clusterCIDR === 'string' && parseCidr(doc.clusterCIDR)) clusterCIDR = doc.clusterCIDR;
    } catch {
      // Not YAML: the defaults.
    }
  }
  const net = flannelCm?.data?.['net-conf.json'];
  if (net) {
    try {
      const doc = JSON.parse(net) as { Backend?: { Type?: unknown } } | null;
      const type = doc?.Backend?.Type;
      if (type === 'vxlan' || type === 'host-gw') flannelBackend = type;
    } catch {
      // Not JSON: the default backend.
    }
  }
  return { proxyMode, clusterCIDR, flannelBackend };
}

/** Reads the published configuration through the API; a missing ConfigMap gives the defaults. */
export async function readNetworkConfig(client: Pick<RestClient, 'get'>): Promise<NetworkConfig> {
  const get = async (name: string): Promise<ConfigMap | undefined> => {
    try {
      return await client.get<ConfigMap>(configMapResource, name, { namespace: NETWORK_CONFIG_NAMESPACE });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const [proxyCm, flannelCm] = await Promise.all([get(KUBE_PROXY_CONFIGMAP), get(FLANNEL_CONFIGMAP)]);
  return networkConfigFrom(proxyCm, flannelCm);
}

/** Writes the two ConfigMaps (create, or update when their data differ). Called by the kube-proxy component at start. */
export async function publishNetworkConfig(client: Pick<RestClient, 'get' | 'create' | 'update'>, config: NetworkConfig): Promise<void> {
  for (const desired of networkConfigMaps(config)) {
    const name = desired.metadata.name!;
    let current: ConfigMap | undefined;
    try {
      current = await client.get<ConfigMap>(configMapResource, name, { namespace: NETWORK_CONFIG_NAMESPACE });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!current) {
      try {
        await client.create(configMapResource, desired, { namespace: NETWORK_CONFIG_NAMESPACE });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      continue;
    }
    if (JSON.stringify(current.data ?? {}) === JSON.stringify(desired.data)) continue;
    await client.update(configMapResource, { ...current, data: desired.data }, { namespace: NETWORK_CONFIG_NAMESPACE });
  }
}
