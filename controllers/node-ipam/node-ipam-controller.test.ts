import { afterEach, describe, expect, it } from 'vitest';
import { nodeResource, type Node } from '../../api/core/node.js';
import { ApiError } from '../../client/api-error.js';
import { makeNode } from '../testing/builders.js';
import { createHarness, type Harness } from '../testing/harness.js';
import { nodeIpamController } from './node-ipam-controller.js';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const cidrOf = async (name: string) => (await h.get<Node>(nodeResource, name))?.spec?.podCIDR;

describe('node-ipam-controller', () => {
  it('gives every node a distinct /24 from 100.96.0.0/16, podCIDR and podCIDRs alike', async () => {
    h = createHarness();
    await h.start(nodeIpamController);
    for (const n of ['n1', 'n2', 'n3']) await h.client.create(nodeResource, makeNode(n).obj());
    await h.settle();
    const nodes = await Promise.all(['n1', 'n2', 'n3'].map((n) => h.get<Node>(nodeResource, n)));
    const cidrs = nodes.map((n) => n!.spec!.podCIDR);
    expect(new Set(cidrs).size).toBe(3);
    for (const n of nodes) {
      expect(n!.spec!.podCIDR).toMatch(/^100\.96\.\d+\.0\/24$/);
      expect(n!.spec!.podCIDRs).toEqual([n!.spec!.podCIDR]);
    }
  });

  it('rebuilds from existing nodes on start and never hands out a used CIDR', async () => {
    h = createHarness();
    await h.client.create(nodeResource, makeNode('old0').podCIDR('100.96.0.0/24').obj());
    await h.client.create(nodeResource, makeNode('old2').podCIDR('100.96.2.0/24').obj());
    await h.client.create(nodeResource, makeNode('new1').obj());
    await h.start(nodeIpamController);
    await h.client.create(nodeResource, makeNode('new2').obj());
    await h.settle();
    expect([await cidrOf('new1'), await cidrOf('new2')].sort()).toEqual(['100.96.1.0/24', '100.96.3.0/24']);
    expect(await cidrOf('old0')).toBe('100.96.0.0/24');
  });

  it('claims a CIDR set by someone else before allocating for a node added with it', async () => {
    h = createHarness();
    await h.start(nodeIpamController);
    await h.client.create(nodeResource, makeNode('manual').podCIDR('100.96.0.0/24').obj());
    await h.client.create(nodeResource, makeNode('auto').obj());
    await h.settle();
    expect(await cidrOf('auto')).toBe('100.96.1.0/24');
  });

  it('on exhaustion records CIDRNotAvailable, and assigns the CIDR a deleted node frees', async () => {
    h = createHarness({ clusterCidr: '10.0.0.0/28', nodeCidrMaskSize: 30 });
    await h.start(nodeIpamController);
    for (const n of ['a', 'b', 'c', 'd', 'e']) {
      await h.client.create(nodeResource, makeNode(n).obj());
      await h.settle();
    }
    expect(await cidrOf('e')).toBeUndefined();
    const all = await Promise.all(['a', 'b', 'c', 'd'].map(cidrOf));
    expect(all).toEqual(['10.0.0.0/30', '10.0.0.4/30', '10.0.0.8/30', '10.0.0.12/30']);
    const events = await h.events();
    expect(events.map((e) => [e.type, e.reason, e.message, e.involvedObject?.kind, e.involvedObject?.name, e.source?.component])).toEqual([
      ['Normal', 'CIDRNotAvailable', 'Node e status is now: CIDRNotAvailable', 'Node', 'e', 'cidrAllocator'],
    ]);
    expect(events[0]!.metadata.namespace).toBe('default');

    await h.client.delete(nodeResource, 'b');
    await h.settle();
    expect(await cidrOf('e')).toBe('10.0.0.4/30');
  });

  it('retries a failed write with the same reservation', async () => {
    h = createHarness();
    let failures = 2;
    h.client.prependReactor((a) => (a.verb === 'patch' && a.resource === 'nodes' && failures-- > 0 ? ApiError.from(503, 'busy') : undefined));
    await h.start(nodeIpamController);
    await h.client.create(nodeResource, makeNode('n1').obj());
    await h.client.create(nodeResource, makeNode('n2').obj());
    await h.advance(2000, { stepMs: 100 });
    expect([await cidrOf('n1'), await cidrOf('n2')].sort()).toEqual(['100.96.0.0/24', '100.96.1.0/24']);
  });
});
