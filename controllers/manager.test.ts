import { afterEach, describe, expect, it } from 'vitest';
import { leaseResource, type Lease } from '../api/coordination/lease.js';
import { nodeResource } from '../api/core/node.js';
import { ApiError } from '../client/api-error.js';
import { createFakeClient, type FakeClient } from '../client/fake-client.js';
import { FakeClock } from '../lib/clock.js';
import { enabledControllers, startControllerManager, type ControllerManager } from './manager.js';
import type { ControllerContext, ControllerDescriptor } from './types.js';
import { replicaSetController } from './replicaset/replicaset-controller.js';
import { replicationManager } from './replication/replication-manager.js';

const settle = async () => {
  for (let i = 0; i < 40; i++) await new Promise((r) => setImmediate(r));
};

/** A controller that records its life and which nodes its informer saw. */
function probe(name: string, log: string[]): ControllerDescriptor {
  return {
    name,
    start(ctx: ControllerContext) {
      log.push(`start ${name} cidr=${ctx.config.clusterCidr}`);
      const nodes = ctx.informers.informerFor(nodeResource);
      nodes.addEventHandler({ onAdd: (n) => log.push(`${name} saw ${n.metadata.name}`) });
      return {
        async stop() {
          log.push(`stop ${name}`);
        },
      };
    },
  };
}

describe('enabledControllers', () => {
  const registry = [probe('a', []), probe('b', []), probe('c', [])];
  it.each([
    { names: undefined, want: ['a', 'b', 'c'] },
    { names: ['*'], want: ['a', 'b', 'c'] },
    { names: ['*', '-b'], want: ['a', 'c'] },
    { names: ['c', 'a'], want: ['a', 'c'] },
    { names: ['a', '-a'], want: [] },
  ])('$names → $want', ({ names, want }) => {
    expect(enabledControllers(registry, names).map((d) => d.name)).toEqual(want);
  });

  it('rejects unknown names', () => {
    expect(() => enabledControllers(registry, ['*', '-nope'])).toThrow(/"nope" is not in the list of known controllers/);
  });

  it('takes kube’s older names (aliases) for the controllers that have them', () => {
    const real = [replicaSetController, replicationManager];
    expect(replicationManager.aliases).toEqual(['replicationcontroller']);
    expect(enabledControllers(real, ['replicationcontroller']).map((d) => d.name)).toEqual(['replicationcontroller-controller']);
    expect(enabledControllers(real, ['*', '-replicaset']).map((d) => d.name)).toEqual(['replicationcontroller-controller']);
    expect(enabledControllers(real, ['replicaset-controller', 'replicationcontroller']).map((d) => d.name)).toEqual(['replicaset-controller', 'replicationcontroller-controller']);
  });
});

describe('startControllerManager', () => {
  let managers: ControllerManager[] = [];
  afterEach(async () => {
    await Promise.all(managers.map((m) => m.stop()));
    managers = [];
  });

  it('without leader election starts the chosen controllers over shared informers', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    await client.create(nodeResource, { metadata: { name: 'n1' } });
    const log: string[] = [];
    const m = await startControllerManager({
      client,
      clock,
      leaderElect: false,
      registry: [probe('a', log), probe('b', log)],
      controllers: ['*', '-b'],
      clusterCidr: '10.244.0.0/16',
    });
    managers.push(m);
    await settle();
    expect(m.enabled).toEqual(['a']);
    expect(m.isLeader()).toBe(true);
    expect(log).toEqual(['start a cidr=10.244.0.0/16', 'a saw n1']);
    await m.stop();
    expect(log.at(-1)).toBe('stop a');
  });

  it('stops its controllers when it cannot renew the lease, and starts afresh when it leads again', async () => {
    const clock = new FakeClock();
    const client = createFakeClient({ clock });
    const log: string[] = [];
    const m = await startControllerManager({ client, clock, identity: 'cm', registry: [probe('x', log)] });
    managers.push(m);
    await settle();
    expect(m.isLeader()).toBe(true);
    let down = true;
    client.prependReactor((a) => (down && a.resource === 'leases' ? ApiError.from(503, 'apiserver unavailable') : undefined));
    for (let i = 0; i < 15; i++) {
      clock.advance(1000);
      await settle();
    }
    expect(m.isLeader()).toBe(false);
    expect(log.filter((l) => l.startsWith('stop') || l.startsWith('start'))).toEqual(['start x cidr=100.96.0.0/16', 'stop x']);
    down = false;
    for (let i = 0; i < 20 && !m.isLeader(); i++) {
      clock.advance(1000);
      await settle();
    }
    await settle();
    expect(m.isLeader()).toBe(true);
    expect(log.filter((l) => l.startsWith('stop') || l.startsWith('start'))).toEqual(['start x cidr=100.96.0.0/16', 'stop x', 'start x cidr=100.96.0.0/16']);
  });

  it('runs controllers only in the replica holding kube-system/kube-controller-manager, and hands over on stop', async () => {
    const clock = new FakeClock();
    const client: FakeClient = createFakeClient({ clock });
    const logA: string[] = [];
    const logB: string[] = [];
    const a = await startControllerManager({ client, clock, identity: 'cm-a', registry: [probe('x', logA)] });
    managers.push(a);
    await settle();
    const b = await startControllerManager({ client, clock, identity: 'cm-b', registry: [probe('x', logB)] });
    managers.push(b);
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      await settle();
    }
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(logA).toContain('start x cidr=100.96.0.0/16');
    expect(logB).toEqual([]);
    const lease = await client.get<Lease>(leaseResource, 'kube-controller-manager', { namespace: 'kube-system' });
    expect(lease.spec!.holderIdentity).toBe('cm-a');

    await a.stop();
    expect(logA.at(-1)).toBe('stop x');
    for (let i = 0; i < 10 && !b.isLeader(); i++) {
      clock.advance(1000);
      await settle();
    }
    expect(b.isLeader()).toBe(true);
    expect(logB).toContain('start x cidr=100.96.0.0/16');
  });
});
