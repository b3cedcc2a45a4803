import { describe, expect, it } from 'vitest';
import { renderBridgeFdb, renderFlannelLink, renderNodeIpRoute, renderPodIpRoute, renderSubnetEnv } from './flannel.js';
import { macOf } from './node-network.js';
import { makeNode, makePod } from './testing.js';

const n1 = makeNode('n1', 1);
const n2 = makeNode('n2', 2);
const n3 = makeNode('n3', 3);
const bare = makeNode('bare', 4, { podCIDR: null });
const all = [n1, n2, n3, bare];

describe('flannel', () => {
  it('vxlan: one onlink route per remote subnet via its flannel.1 address', () => {
    expect(renderNodeIpRoute(n1, all)).toBe(
      [
        'default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.11',
        '10.0.0.0/16 dev eth0 proto kernel scope link src 10.0.0.11',
        '100.96.2.0/24 via 100.96.2.0 dev flannel.1 onlink',
        '100.96.3.0/24 via 100.96.3.0 dev flannel.1 onlink',
        '100.96.1.0/24 dev cni0 proto kernel scope link src 100.96.1.1',
        '',
      ].join('\n'),
    );
  });

  it('host-gw: direct routes via the remote nodes', () => {
    expect(renderNodeIpRoute(n1, all, { backend: 'host-gw', network: '100.96.0.0/16' })).toContain('100.96.2.0/24 via 10.0.0.12 dev eth0\n');
  });

  it('a node without a podCIDR has no pod routes, no FDB and no subnet lease', () => {
    expect(renderNodeIpRoute(bare, all)).not.toContain('100.96.');
    expect(renderBridgeFdb(bare, all)).toBe('');
    expect(renderSubnetEnv(bare)).toBe('');
    expect(renderFlannelLink(bare)).toBe('Device "flannel.1" does not exist.\n');
  });

  it('FDB: the remote VTEP MACs and their node addresses', () => {
    expect(renderBridgeFdb(n1, all)).toBe(`${macOf('flannel.1:n2')} dev flannel.1 dst 10.0.0.12 self permanent\n${macOf('flannel.1:n3')} dev flannel.1 dst 10.0.0.13 self permanent\n`);
  });

  it('flannel.1 is VNI 1 on UDP 8472 with MTU 1450', () => {
    const text = renderFlannelLink(n1);
    expect(text).toContain('mtu 1450');
    expect(text).toContain('vxlan id 1 local 10.0.0.11 dev eth0 srcport 0 0 dstport 8472 nolearning');
  });

  it('subnet.env and a pod\'s routes', () => {
    expect(renderSubnetEnv(n2)).toBe('FLANNEL_NETWORK=100.96.0.0/16\nFLANNEL_SUBNET=100.96.2.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    const pod = makePod('p', { node: 'n2', ip: '100.96.2.7' });
    expect(renderPodIpRoute(pod, n2)).toBe('default via 100.96.2.1 dev eth0\n100.96.0.0/16 via 100.96.2.1 dev eth0\n100.96.2.0/24 dev eth0 scope link  src 100.96.2.7\n');
  });
});
