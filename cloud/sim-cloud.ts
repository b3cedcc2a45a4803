import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { readCloudState, writeCloudState, type CloudState, type Instance } from './cloud-state.js';
import { CloudError, type CloudProvider, type NodeGroupView } from './cloud-provider.js';
import type { NodeGroupSpec } from './node-groups.js';

/**
 * The simulated cloud: node groups whose instances take a provisioning delay (with
 * jitter) to come up and a shorter one to go, optional injected create failures
 * (QuotaExceeded, OutOfResources — a stockout), a pool of load balancer addresses and a
 * route table. Its state is a file in the data directory (cloud-state.ts).
 *
 * When an instance is Running, `boot` is called: that is the machine's kubelet
 * registering (cloud/node-boot.ts writes the Node a kubelet-sim then adopts). A failed
 * boot (apiserver away) is retried every few seconds. Nothing here talks to the
 * apiserver itself.
 *
 * Instance names: `GROUP-` plus five random [a-z0-9], as a GKE MIG's are.
 */

export interface SimCloudOptions {
  groups: readonly NodeGroupSpec[];
  clock: Clock;
  logger: Logger;
  /** State file; absent: in memory only (tests, benchmarks). */
  statePath?: string;
  /** Called when an instance starts running (and again after a restart until it succeeds). */
  boot?: (instance: Instance, group: NodeGroupSpec) => Promise<void>;
  random?: () => number;
  /**
   * Machines a group starts with when the cloud is new (no state file yet), ready at once:
   * the cluster's existing nodes. Later starts resume from the state file instead.
   */
  initialSizes?: Record<string, number>;
  /** Load balancer addresses: `first` counting up, `size` of them (default 203.0.113.10, 200: TEST-NET-3, never routed). */
  lbPool?: { first: string; size: number };
}

const BOOT_RETRY_MS = 3000;

function ipToNum(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
function numToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export class SimCloud implements CloudProvider {
  private state: CloudState;
  private readonly groups: Map<string, NodeGroupSpec>;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly random: () => number;
  private readonly log: Logger;
  private stopped = false;

  constructor(private readonly o: SimCloudOptions) {
    this.groups = new Map(o.groups.map((g) => [g.name, g]));
    this.random = o.random ?? Math.random;
    this.log = o.logger.child({ component: 'sim-cloud' });
    this.state = o.statePath ? readCloudState(o.statePath) : { version: 1, nextSeq: 0, targetSizes: {}, instances: [], loadBalancers: {}, routes: {} };
  }

  /**
   * Brings the groups to at least their minimum size (a cloud's ASG does the same) and
   * resumes the timers of instances that were on their way when the cloud last stopped.
   */
  start(): void {
    const fresh = this.state.nextSeq === 0;
    for (const inst of this.state.instances) this.arm(inst);
    for (const g of this.groups.values()) {
      const alive = this.alive(g.name).length;
      const initial = fresh ? (this.o.initialSizes?.[g.name] ?? 0) : 0;
      const want = Math.min(g.maxSize, Math.max(g.minSize, initial));
      if (alive < want) this.create(g, want - alive, fresh);
    }
    this.save();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.o.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** Instances counted in the group's size: all but those being deleted. */
  private alive(group: string): Instance[] {
    return this.state.instances.filter((i) => i.group === group && i.state !== 'Deleting');
  }

  private mustGroup(name: string): NodeGroupSpec {
    const g = this.groups.get(name);
    if (!g) throw new CloudError('NotFound', `node group "${name}" not found`);
    return g;
  }

  async nodeGroups(): Promise<NodeGroupView[]> {
    return [...this.groups.values()].map((g) => ({ ...g, targetSize: this.alive(g.name).length }));
  }

  async instances(group?: string): Promise<Instance[]> {
    return this.state.instances.filter((i) => group === undefined || i.group === group).map((i) => ({ ...i }));
  }

  async increaseSize(group: string, delta: number): Promise<void> {
    const g = this.mustGroup(group);
    if (!Number.isInteger(delta) || delta <= 0) throw new CloudError('Invalid', `size increase must be positive, got ${delta}`);
    const size = this.alive(group).length;
    if (size + delta > g.maxSize) throw new CloudError('MaxSizeReached', `size increase too large - desired:${size + delta} max:${g.maxSize}`);
    this.create(g, delta);
    this.save();
  }

  async deleteInstances(group: string, ids: readonly string[]): Promise<void> {
    const g = this.mustGroup(group);
    const doomed = ids.map((id) => {
      const inst = this.state.instances.find((i) => i.id === id && i.group === group);
      if (!inst) throw new CloudError('NotFound', `instance "${id}" not found in node group "${group}"`);
      return inst;
    });
    const live = doomed.filter((i) => i.state !== 'Deleting');
    // Failed instances do not count against the minimum: deleting them is cleaning up.
    const counted = live.filter((i) => i.state !== 'Failed').length;
    const size = this.alive(group).filter((i) => i.state !== 'Failed').length;
    if (size - counted < g.minSize) throw new CloudError('MinSizeReached', `min size reached, nodes will not be deleted (size ${size}, min ${g.minSize})`);
    const now = this.o.clock.now();
    for (const inst of live) {
      inst.state = 'Deleting';
      inst.goneAt = now + g.deleteDelayMs;
      this.arm(inst);
      this.log.info({ group, instance: inst.id }, 'deleting instance');
    }
    this.save();
  }

  async ensureLoadBalancer(serviceKey: string): Promise<string> {
    const have = this.state.loadBalancers[serviceKey];
    if (have) return have;
    const pool = this.o.lbPool ?? { first: '203.0.113.10', size: 200 };
    const used = new Set(Object.values(this.state.loadBalancers));
    const base = ipToNum(pool.first);
    for (let i = 0; i < pool.size; i++) {
      const ip = numToIp(base + i);
      if (used.has(ip)) continue;
      this.state.loadBalancers[serviceKey] = ip;
      this.save();
      return ip;
    }
    throw new CloudError('PoolExhausted', `no load balancer address left in the pool of ${pool.size} starting at ${pool.first}`);
  }

  async deleteLoadBalancer(serviceKey: string): Promise<void> {
    if (!(serviceKey in this.state.loadBalancers)) return;
    delete this.state.loadBalancers[serviceKey];
    this.save();
  }

  async createRoute(nodeName: string, cidr: string): Promise<void> {
    if (this.state.routes[nodeName] === cidr) return;
    this.state.routes[nodeName] = cidr;
    this.save();
  }

  async deleteRoute(nodeName: string): Promise<void> {
    if (!(nodeName in this.state.routes)) return;
    delete this.state.routes[nodeName];
    this.save();
  }

  async routes(): Promise<Record<string, string>> {
    return { ...this.state.routes };
  }

  private newInstanceId(group: string): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    for (;;) {
      const bytes = randomBytes(5);
      const suffix = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
      const id = `${group}-${suffix}`;
      if (!this.state.instances.some((i) => i.id === id)) return id;
    }
  }

  private create(g: NodeGroupSpec, count: number, immediate = false): void {
    const now = this.o.clock.now();
    for (let k = 0; k < count; k++) {
      const id = this.newInstanceId(g.name);
      const jitter = immediate ? -g.provisioningDelayMs : Math.round((this.random() * 2 - 1) * g.provisioningJitterMs);
      const inst: Instance = {
        id,
        group: g.name,
        nodeName: id,
        seq: this.state.nextSeq++,
        state: 'Creating',
        createdAt: now,
        readyAt: now + Math.max(0, g.provisioningDelayMs + jitter),
        booted: false,
      };
      this.state.instances.push(inst);
      this.arm(inst);
      this.log.info({ group: g.name, instance: id, readyInMs: inst.readyAt - now }, 'creating instance');
    }
  }

  /** Sets the one timer an instance needs in its state (none when Running and booted, or Failed). */
  private arm(inst: Instance): void {
    const prev = this.timers.get(inst.id);
    if (prev) this.o.clock.clearTimeout(prev);
    this.timers.delete(inst.id);
    if (this.stopped) return;
    const now = this.o.clock.now();
    let at: number | undefined;
    if (inst.state === 'Creating') at = inst.readyAt;
    else if (inst.state === 'Deleting') at = inst.goneAt ?? now;
    else if (inst.state === 'Running' && !inst.booted) at = now;
    if (at === undefined) return;
    this.timers.set(inst.id, this.o.clock.setTimeout(() => this.advance(inst.id), Math.max(0, at - now)));
  }

  private advance(id: string): void {
    this.timers.delete(id);
    const inst = this.state.instances.find((i) => i.id === id);
    if (!inst || this.stopped) return;
    const g = this.groups.get(inst.group);
    if (inst.state === 'Deleting' || !g) {
      this.state.instances = this.state.instances.filter((i) => i !== inst);
      this.log.info({ group: inst.group, instance: id }, 'instance deleted');
      this.save();
      return;
    }
    if (inst.state === 'Creating') {
      if (g.createFailure) {
        inst.state = 'Failed';
        inst.error =
          g.createFailure === 'QuotaExceeded'
            ? { code: 'QuotaExceeded', message: `Instance ${id} could not be created: quota exceeded in node group ${g.name}` }
            : { code: 'OutOfResources', message: `Instance ${id} could not be created: the zone ${g.machine.zone} does not have enough resources (stockout)` };
        this.log.warn({ group: g.name, instance: id, code: inst.error.code }, 'instance creation failed');
        this.save();
        return;
      }
      inst.state = 'Running';
      this.log.info({ group: g.name, instance: id }, 'instance running');
      this.save();
    }
    if (inst.state === 'Running' && !inst.booted) void this.bootInstance(inst, g);
  }

  private async bootInstance(inst: Instance, g: NodeGroupSpec): Promise<void> {
    try {
      await this.o.boot?.(inst, g);
      inst.booted = true;
      this.save();
    } catch (err) {
      if (this.stopped) return;
      this.log.warn({ instance: inst.id, err: (err as Error).message }, 'kubelet registration failed; retrying');
      this.timers.set(inst.id, this.o.clock.setTimeout(() => this.advance(inst.id), BOOT_RETRY_MS));
    }
  }

  private save(): void {
    if (this.o.statePath) writeCloudState(this.o.statePath, this.state);
  }
}
