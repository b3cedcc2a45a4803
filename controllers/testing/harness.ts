import { eventResource, type Event } from '../../api/core/event.js';
import { leaseResource, formatMicroTime } from '../../api/coordination/lease.js';
import type { KubeObject } from '../../api/types.js';
import { createEventRecorder, type EventRecorder } from '../../client/event-recorder.js';
import { createFakeClient, type FakeClient } from '../../client/fake-client.js';
import { createSharedInformerFactory, type SharedInformerFactory } from '../../client/informer.js';
import type { ResourceRef } from '../../client/resource.js';
import { FakeClock } from '../../lib/clock.js';
import { rootLogger } from '../../lib/logger.js';
import { defaultControllerManagerConfig, type ControllerDescriptor, type ControllerManagerConfig, type RunningController } from '../types.js';

/**
 * A controller under test: the fake client, a FakeClock, a shared informer factory and a
 * recorder, as the manager would give them. Time moves only through advance(), in steps,
 * letting the controller's promises run between steps (no real sleeps).
 */

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export interface Harness {
  clock: FakeClock;
  client: FakeClient;
  config: ControllerManagerConfig;
  start(descriptor: ControllerDescriptor): Promise<void>;
  /** Lets pending promise callbacks and I/O callbacks run (no timers fire). */
  settle(): Promise<void>;
  /** Moves the clock forward in steps of stepMs, settling after each; `each` runs before every step. */
  advance(ms: number, opts?: { stepMs?: number; each?: () => Promise<void> }): Promise<void>;
  get<T extends KubeObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T | undefined>;
  events(): Promise<Event[]>;
  /** Sets the node's Lease renewTime to now (what a kubelet does every 10 s). */
  renewLease(node: string): Promise<void>;
  stop(): Promise<void>;
}

export function createHarness(config: Partial<ControllerManagerConfig> = {}): Harness {
  const clock = new FakeClock(T0);
  const client = createFakeClient({ clock });
  const full = { ...defaultControllerManagerConfig, ...config };
  let informers: SharedInformerFactory | undefined;
  let running: RunningController | undefined;
  let recorder: EventRecorder | undefined;

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 40; i++) await new Promise((r) => setImmediate(r));
  };

  const h: Harness = {
    clock,
    client,
    config: full,
    async start(descriptor) {
      informers = createSharedInformerFactory(client, { clock, logger: rootLogger });
      recorder = createEventRecorder(client, { component: descriptor.eventSource ?? descriptor.name, clock });
      running = descriptor.start({ client, informers, recorder, clock, logger: rootLogger, config: full });
      informers.start();
      await informers.waitForSync();
      await settle();
    },
    settle,
    async advance(ms, opts = {}) {
      const step = opts.stepMs ?? 1000;
      for (let done = 0; done < ms; done += step) {
        await opts.each?.();
        clock.advance(Math.min(step, ms - done));
        await settle();
      }
    },
    async get<T extends KubeObject>(ref: ResourceRef, name: string, namespace?: string) {
      try {
        return await client.get<T>(ref, name, { namespace });
      } catch {
        return undefined;
      }
    },
    async events() {
      await recorder?.flush();
      return (await client.list<Event>(eventResource)).items;
    },
    async renewLease(node) {
      await client.patch(leaseResource, node, { spec: { renewTime: formatMicroTime(clock.now()) } }, { type: 'merge', namespace: 'kube-node-lease' });
    },
    async stop() {
      await running?.stop();
      informers?.stop();
      await recorder?.stop({ drop: true });
    },
  };
  return h;
}
