import { eventResource, type Event } from '../../api/core/event.js';
import { createEventRecorder } from '../../client/event-recorder.js';
import { createFakeClient, type FakeClient } from '../../client/fake-client.js';
import { createSharedInformerFactory, type SharedInformerFactory } from '../../client/informer.js';
import { flush } from '../../client/testing.js';
import { FakeClock } from '../../lib/clock.js';
import { rootLogger } from '../../lib/logger.js';
import { defaultControllerManagerConfig, type ControllerContext, type RunningController } from '../types.js';

/**
 * A controller over the fake client and a FakeClock, for the workload controllers'
 * unit tests (test-only). settle() lets informers, queue and workers run to quiescence.
 */
export interface Harness<C extends RunningController> {
  clock: FakeClock;
  client: FakeClient;
  informers: SharedInformerFactory;
  ctx: ControllerContext;
  controller: C;
  settle(rounds?: number): Promise<void>;
  /** Events written so far, as "Type Reason Message". */
  events(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startHarness<C extends RunningController>(
  start: (ctx: ControllerContext) => C,
  opts: { client?: FakeClient; clock?: FakeClock; component?: string } = {},
): Promise<Harness<C>> {
  const clock = opts.clock ?? new FakeClock();
  const client = opts.client ?? createFakeClient({ clock });
  const informers = createSharedInformerFactory(client, { clock, logger: rootLogger });
  const recorder = createEventRecorder(client, { component: opts.component ?? 'test', clock, logger: rootLogger });
  const ctx: ControllerContext = { client, informers, recorder, clock, logger: rootLogger, config: defaultControllerManagerConfig };
  const controller = start(ctx);
  informers.start();
  const settle = async (rounds = 40): Promise<void> => {
    await flush(rounds);
    await recorder.flush();
  };
  await settle();
  return {
    clock,
    client,
    informers,
    ctx,
    controller,
    settle,
    async events() {
      await recorder.flush();
      const list = await client.list<Event>(eventResource, {});
      return list.items
        .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
        .map((e) => `${e.type} ${e.reason} ${e.message}`);
    },
    async stop() {
      await controller.stop();
      informers.stop();
      await recorder.stop({ drop: true });
    },
  };
}
