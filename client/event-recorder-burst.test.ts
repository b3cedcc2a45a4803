import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { eventResource, type Event } from '../api/core/event.js';
import type { KubeObject } from '../api/types.js';
import { FakeClock } from '../lib/clock.js';
import { createEventRecorder } from './event-recorder.js';
import { createFakeClient, type FakeClient } from './fake-client.js';
import type { RestClient } from './rest-client.js';

/**
 * The recorder under a scheduler-sized burst: bounded concurrency, keyed lanes, a bounded
 * queue and one summary line for the drops. Event writes are held at a gate the test
 * opens, standing in for a busy apiserver.
 */

interface Gated {
  client: RestClient;
  /** Event writes started and not yet let through. */
  waiting(): number;
  /** The most event writes ever in flight at once. */
  maxInFlight(): number;
  /** Lets every waiting write proceed. */
  open(): void;
}

function gated(fake: FakeClient): Gated {
  let inFlight = 0;
  let max = 0;
  let gate: (() => void)[] = [];
  const hold = async <T>(call: () => Promise<T>): Promise<T> => {
    inFlight++;
    max = Math.max(max, inFlight);
    await new Promise<void>((r) => gate.push(r));
    try {
      return await call();
    } finally {
      inFlight--;
    }
  };
  const client = new Proxy(fake, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if ((prop === 'create' || prop === 'patch') && typeof v === 'function') {
        return (...args: unknown[]) => {
          const call = () => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          return (args[0] as { plural?: string }).plural === 'events' ? hold(call) : call();
        };
      }
      return v;
    },
  });
  return {
    client,
    waiting: () => gate.length,
    maxInFlight: () => max,
    open() {
      const g = gate;
      gate = [];
      for (const r of g) r();
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function capture() {
  const lines: { level: number; msg: string; dropped?: number }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const podNamed = (i: number): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'bench', uid: `u${i}`, resourceVersion: '1' } });

async function events(client: FakeClient): Promise<Event[]> {
  return (await client.listAll<Event>(eventResource, { namespace: 'bench' })).items;
}

describe('event recorder under a burst', () => {
  it('10,000 Scheduled events at once: 8 writes in flight, 1000 waiting, one summary line for the rest', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const fake = createFakeClient({ clock });
    const g = gated(fake);
    const { logger, lines } = capture();
    const recorder = createEventRecorder(g.client, { component: 'default-scheduler', clock, logger });

    for (let i = 0; i < 10_000; i++) recorder.event(podNamed(i), 'Normal', 'Scheduled', `Successfully assigned bench/p${i} to node-${i % 7}`);
    await settle();
    expect(g.waiting()).toBe(8);
    // Nothing logged per dropped event.
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);

    let rounds = 0;
    while (g.waiting() > 0 && rounds++ < 1000) {
      g.open();
      await settle();
    }
    await recorder.flush();
    expect(g.maxInFlight()).toBe(8);

    clock.advance(10_000);
    const warnings = lines.filter((l) => l.level >= 40);
    expect(warnings.map((l) => [l.msg, l.dropped])).toEqual([['dropped 8992 events in the last 10s (too many queued)', 8992]]);

    // 8 writes started at once and 1000 waited (10,000 - 8 - 1000 = 8992 dropped). The
    // writes that happened are each the right event for its pod.
    const written = await events(fake);
    const accepted = 8 + 1000;
    expect(written).toHaveLength(accepted);
    for (const ev of written) {
      const name = ev.involvedObject!.name!;
      expect(ev).toMatchObject({
        reason: 'Scheduled',
        type: 'Normal',
        count: 1,
        source: { component: 'default-scheduler' },
        involvedObject: { kind: 'Pod', namespace: 'bench', uid: `u${name.slice(1)}` },
      });
      expect(ev.message).toBe(`Successfully assigned bench/${name} to node-${Number(name.slice(1)) % 7}`);
    }
    expect(new Set(written.map((e) => e.involvedObject!.name)).size).toBe(accepted);
    await recorder.stop();
  });

  it('a burst spread over time is written in full, with no drops', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const fake = createFakeClient({ clock });
    const g = gated(fake);
    const { logger, lines } = capture();
    const recorder = createEventRecorder(g.client, { component: 'default-scheduler', clock, logger });
    // 10,000 events, 200 per "round trip" of the apiserver: far more than one serial
    // writer would manage, well within 8 lanes and a queue of 1000.
    for (let i = 0; i < 10_000; i++) {
      recorder.event(podNamed(i), 'Normal', 'Scheduled', `Successfully assigned bench/p${i} to n`);
      if (i % 200 === 199) {
        for (let k = 0; k < 25; k++) {
          g.open();
          await settle();
        }
      }
    }
    while (g.waiting() > 0) {
      g.open();
      await settle();
    }
    await recorder.flush();
    clock.advance(60_000);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(await events(fake)).toHaveLength(10_000);
    await recorder.stop();
  });

  it('writes of one event key never race: dedup PATCHes stay in order, counts climb one by one', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const fake = createFakeClient({ clock });
    const g = gated(fake);
    const recorder = createEventRecorder(g.client, { component: 'kubelet', clock });
    const pod = podNamed(1);
    // The same event 6 times, interleaved with 12 other keys, then 12 different messages
    // on one key (aggregation into a "combined" event).
    for (let i = 0; i < 6; i++) {
      recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      recorder.event(podNamed(100 + i), 'Normal', 'Pulled', 'x');
      recorder.event(podNamed(200 + i), 'Normal', 'Pulled', 'y');
    }
    for (let i = 1; i <= 12; i++) recorder.event(pod, 'Warning', 'FailedMount', `attempt ${i}`);
    await settle();
    // One write per lane in flight: BackOff, FailedMount and 6 others.
    expect(g.waiting()).toBe(8);
    while (g.waiting() > 0) {
      g.open();
      await settle();
    }
    await recorder.flush();

    const patches = fake.actions.filter((a) => a.resource === 'events' && a.verb === 'patch').map((a) => (a.body as { count: number; message: string }));
    const backoff = patches.filter((p) => p.message.startsWith('Back-off')).map((p) => p.count);
    expect(backoff).toEqual([2, 3, 4, 5, 6]);
    const all = await events(fake);
    expect(all.find((e) => e.reason === 'BackOff')).toMatchObject({ count: 6 });
    const failed = all.filter((e) => e.reason === 'FailedMount');
    expect(failed).toHaveLength(10); // 9 individual + 1 combined, as client-go
    expect(failed.find((e) => e.message!.startsWith('(combined'))).toMatchObject({ message: '(combined from similar events): attempt 12', count: 3 });
    await recorder.stop();
  });

  it('stop() reports drops not yet summed up and leaves no timer behind', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const fake = createFakeClient({ clock });
    const { logger, lines } = capture();
    const recorder = createEventRecorder(fake, { component: 'c', clock, logger, maxQueued: 2, concurrency: 1 });
    for (let i = 0; i < 10; i++) recorder.event(podNamed(i), 'Normal', 'R', 'm');
    await recorder.stop();
    expect(lines.filter((l) => l.level >= 40).map((l) => l.dropped)).toEqual([7]);
    expect(clock.pendingTimers()).toBe(0);
  });
});
