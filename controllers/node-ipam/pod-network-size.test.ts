import { describe, expect, it } from 'vitest';
import { CidrSet } from './cidr-set.js';
import { podNetworkFor } from './pod-network-size.js';

describe('podNetworkFor', () => {
  it.each([
    [0, '100.96.0.0/16', 24],
    [3, '100.96.0.0/16', 24],
    [256, '100.96.0.0/16', 24],
    [257, '100.96.0.0/15', 24],
    [1000, '100.96.0.0/14', 24],
    [1024, '100.96.0.0/14', 24],
    [5000, '100.96.0.0/11', 24],
    [8192, '100.96.0.0/11', 24],
    [8193, '100.64.0.0/10', 24],
    [20000, '100.64.0.0/10', 25],
    [65536, '100.64.0.0/10', 26],
    [100000, '100.64.0.0/10', 26],
  ])('%i nodes → %s with /%i per node', (nodes, cidr, mask) => {
    const net = podNetworkFor(nodes);
    expect(net.clusterCidr).toBe(cidr);
    expect(net.nodeCidrMaskSize).toBe(mask);
  });

  it.each([1, 256, 257, 1000, 5000, 8193, 30000, 65536])('the range for %i nodes is one the node IPAM controller accepts and it holds them (up to 2^16)', (nodes) => {
    const net = podNetworkFor(nodes);
    const set = new CidrSet(net.clusterCidr, net.nodeCidrMaskSize);
    expect(set.capacity).toBe(net.capacity);
    expect(set.capacity).toBeGreaterThanOrEqual(Math.min(nodes, 65536));
  });
});
