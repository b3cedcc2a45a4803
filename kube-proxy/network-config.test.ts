import { describe, expect, it } from 'vitest';
import { configMapResource, type ConfigMap } from '../api/core/configmap.js';
import { createFakeClient } from '../client/fake-client.js';
import { DEFAULT_NETWORK_CONFIG, networkConfigFrom, networkConfigMaps, publishNetworkConfig, readNetworkConfig } from './network-config.js';

const cm = (name: string, data: Record<string, string>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'kube-system' }, data });

describe('network configuration (ConfigMaps kube-system/kube-proxy and kube-flannel-cfg)', () => {
  it('round-trips through the two ConfigMaps, in kubeadm and flannel formats', () => {
    const config = { proxyMode: 'ipvs', clusterCIDR: '100.64.0.0/16', flannelBackend: 'host-gw' } as const;
    const [proxy, flannel] = networkConfigMaps(config);
    expect(proxy.data!['config.conf']).toContain('kind: KubeProxyConfiguration');
    expect(proxy.data!['config.conf']).toContain('mode: ipvs');
    expect(JSON.parse(flannel.data!['net-conf.json']!)).toEqual({ Network: '100.64.0.0/16', Backend: { Type: 'host-gw' } });
    expect(networkConfigFrom(proxy, flannel)).toEqual(config);
  });

  it.each([
    ['absent', undefined, undefined],
    ['not YAML / not JSON', cm('kube-proxy', { 'config.conf': 'mode: [ipvs' }), cm('kube-flannel-cfg', { 'net-conf.json': '{' })],
    ['unknown values', cm('kube-proxy', { 'config.conf': 'mode: nftables\nclusterCIDR: banana\n' }), cm('kube-flannel-cfg', { 'net-conf.json': '{"Backend":{"Type":"udp"}}' })],
    ['empty documents', cm('kube-proxy', { 'config.conf': '' }), cm('kube-flannel-cfg', { 'net-conf.json': 'null' })],
  ])('%s: the defaults (iptables, 100.96.0.0/16, vxlan)', (_name, proxy, flannel) => {
    expect(networkConfigFrom(proxy, flannel)).toEqual(DEFAULT_NETWORK_CONFIG);
  });

  it('kube-proxy publishes (create, then update on change) and the readers read it back', async () => {
    const client = createFakeClient();
    expect(await readNetworkConfig(client)).toEqual(DEFAULT_NETWORK_CONFIG);
    await publishNetworkConfig(client, { proxyMode: 'ipvs', clusterCIDR: '100.96.0.0/16', flannelBackend: 'vxlan' });
    expect((await readNetworkConfig(client)).proxyMode).toBe('ipvs');
    await publishNetworkConfig(client, { proxyMode: 'iptables', clusterCIDR: '100.96.0.0/16', flannelBackend: 'host-gw' });
    expect(await readNetworkConfig(client)).toEqual({ proxyMode: 'iptables', clusterCIDR: '100.96.0.0/16', flannelBackend: 'host-gw' });
    const stored = await client.get<ConfigMap>(configMapResource, 'kube-proxy', { namespace: 'kube-system' });
    expect(stored.metadata.labels).toMatchObject({ app: 'kube-proxy' });
  });
});
