import { describe, expect, it } from 'vitest';
import { parseCidr } from './cidr.js';
import { allocatableInRange, cidrsOverlap, clusterDnsIP, defaultServiceIpRange, indexedIP, parseServiceClusterIpRange } from './service-cidr.js';
import { parseIPv4 } from './cidr.js';

describe('parseServiceClusterIpRange', () => {
  it.each([
    ['10.96.0.0/12', '10.96.0.0/12', '10.96.0.1', '10.96.0.10'],
    ['10.100.0.0/16', '10.100.0.0/16', '10.100.0.1', '10.100.0.10'],
    // Host bits are cleared, as Go's ParseCIDR returns the network.
    ['10.100.7.9/16', '10.100.0.0/16', '10.100.0.1', '10.100.0.10'],
    ['192.168.5.0/28', '192.168.5.0/28', '192.168.5.1', '192.168.5.10'],
  ])('%s → %s, kubernetes %s, DNS %s', (text, cidr, kubernetes, dns) => {
    const range = parseServiceClusterIpRange(text);
    expect(range.cidr.text).toBe(cidr);
    expect(range.kubernetesServiceIP).toBe(kubernetes);
    expect(clusterDnsIP(range)).toBe(dns);
  });

  it.each([
    ['nonsense', 'service-cluster-ip-range[0] is not a valid cidr'],
    ['10.96.0.0', 'service-cluster-ip-range[0] is not a valid cidr'],
    ['10.96.0.0/33', 'service-cluster-ip-range[0] is not a valid cidr'],
    ['300.96.0.0/12', 'service-cluster-ip-range[0] is not a valid cidr'],
    ['', 'service-cluster-ip-range[0] is not a valid cidr'],
    ['10.96.0.0/30', 'error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses'],
    ['10.96.0.0/32', 'error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses'],
    ['10.0.0.0/8', 'specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12'],
    ['10.96.0.0/12,fd00::/108,10.0.0.0/24', '--service-cluster-ip-range must not contain more than two entries'],
    ['10.96.0.0/12,fd00::/108', '--service-cluster-ip-range: dual-stack ranges are not supported (the simulated cluster is IPv4 only)'],
    ['fd00::/108', '--service-cluster-ip-range: IPv6 range fd00::/108 is not supported (the simulated cluster is IPv4 only)'],
  ])('refuses %j', (text, message) => {
    expect(() => parseServiceClusterIpRange(text)).toThrow(message);
  });

  it('accepts the smallest range kube-apiserver takes (8 addresses), which has no tenth address for kubeadm', () => {
    const range = parseServiceClusterIpRange('10.96.0.0/29');
    expect(range.kubernetesServiceIP).toBe('10.96.0.1');
    expect(() => clusterDnsIP(range)).toThrow('unable to get tenth IP address from service subnet CIDR 10.96.0.0/29');
  });
});

describe('service range helpers', () => {
  it('the default is kubeadm’s', () => {
    expect(defaultServiceIpRange().cidr.text).toBe('10.96.0.0/12');
  });

  it('indexedIP stays inside the range', () => {
    const c = parseCidr('10.96.0.0/28')!;
    expect(indexedIP(c, 15)).toBe('10.96.0.15');
    expect(indexedIP(c, 16)).toBeUndefined();
  });

  it.each([
    ['10.96.0.0/12', '100.96.0.0/16', false],
    ['10.96.0.0/12', '10.96.0.0/16', true],
    ['10.96.0.0/16', '10.0.0.0/8', true],
    ['100.64.0.0/16', '100.64.0.0/10', true],
    ['10.97.0.0/16', '10.96.0.0/16', false],
  ])('overlap of %s and %s: %s', (a, b, want) => {
    expect(cidrsOverlap(parseCidr(a)!, parseCidr(b)!)).toBe(want);
  });

  it('allocatable addresses exclude the network and broadcast addresses', () => {
    const c = parseCidr('10.100.0.0/16')!;
    expect(allocatableInRange(c, parseIPv4('10.100.0.0')!)).toBe(false);
    expect(allocatableInRange(c, parseIPv4('10.100.0.1')!)).toBe(true);
    expect(allocatableInRange(c, parseIPv4('10.100.255.254')!)).toBe(true);
    expect(allocatableInRange(c, parseIPv4('10.100.255.255')!)).toBe(false);
    expect(allocatableInRange(c, parseIPv4('10.96.0.10')!)).toBe(false);
  });
});
