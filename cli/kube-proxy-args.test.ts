import { describe, expect, it } from 'vitest';
import { kubeProxyFlagSettings, kubeProxyOptions, parseNodePortAddresses } from './kube-proxy-args.js';

describe('kube-proxy flags', () => {
  it.each<[string, string[] | string]>([
    ['127.0.0.1', ['127.0.0.1']],
    ['127.0.0.1,127.0.0.2/32', ['127.0.0.1', '127.0.0.2']],
    ['none', []],
    ['10.0.0.1', 'invalid --nodeport-addresses "10.0.0.1": "10.0.0.1" is not a loopback IPv4 address (127.0.0.0/8); give addresses like 127.0.0.1, or none'],
    [',', 'invalid --nodeport-addresses ",": give loopback addresses like 127.0.0.1, or none'],
  ])('--nodeport-addresses %s', (raw, want) => {
    if (typeof want === 'string') expect(() => parseNodePortAddresses(raw)).toThrow(want);
    else expect(parseNodePortAddresses(raw)).toEqual(want);
  });

  it('rejects an unknown proxy mode and flannel backend', () => {
    expect(() => kubeProxyFlagSettings({ 'proxy-mode': 'nftables' })).toThrow('invalid --proxy-mode "nftables": must be iptables or ipvs');
    expect(() => kubeProxyFlagSettings({ 'flannel-backend': 'udp' })).toThrow('invalid --flannel-backend "udp": must be vxlan or host-gw');
    expect(kubeProxyFlagSettings({ 'proxy-mode': 'ipvs', 'flannel-backend': 'host-gw' })).toEqual({ proxyMode: 'ipvs', flannelBackend: 'host-gw' });
  });

  it('needs --kubeconfig and a valid --cluster-cidr', () => {
    expect(() => kubeProxyOptions({}, '/tmp')).toThrow('kube-proxy needs --kubeconfig PATH');
    expect(() => kubeProxyOptions({ kubeconfig: 'k', 'cluster-cidr': '100.96.0.0' }, '/tmp')).toThrow('invalid --cluster-cidr "100.96.0.0"');
    expect(kubeProxyOptions({ kubeconfig: 'k', 'cluster-cidr': '100.64.0.0/10' }, '/tmp')).toEqual({ kubeconfigPath: '/tmp/k', proxy: { clusterCidr: '100.64.0.0/10' } });
  });
});
