import { describe, expect, it } from 'vitest';
import { eventResource, type Event } from '../api/core/event.js';
import type { KubeObject } from '../api/types.js';
import { FakeClock } from '../lib/clock.js';
import { ApiError } from './api-error.js';
import { createEventRecorder, referenceOf } from './event-recorder.js';
import { createFakeClient, type FakeClient } from './fake-client.js';

const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u-n1', resourceVersion: '7' } };
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'team', uid: 'u-p1', resourceVersion: '9' } };

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const client = createFakeClient({ clock });
  const recorder = createEventRecorder(client, { component: 'node-controller', clock, random: () => 0.5 });
  return { clock, client, recorder };
}

async function events(client: FakeClient, namespace?: string): Promise<Event[]> {
  return (await client.list<Event>(eventResource, { namespace })).items;
}

const writes = (client: FakeClient) => client.actions.filter((a) => a.resource === 'events' && (a.verb === 'create' || a.verb === 'patch')).map((a) => a.verb);

/** Lets the background writer run its pending promise callbacks (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('createEventRecorder', () => {
  it('writes a core/v1 Event the way client-go does', async () => {
    const { client, recorder } = setup();
    recorder.event(node, 'Normal', 'NodeNotReady', 'Node n1 status is now: NodeNotReady');
    await recorder.flush();
    const [ev] = await events(client, 'default');
    expect(ev).toMatchObject({
      metadata: { namespace: 'default' },
      involvedObject: { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u-n1', resourceVersion: '7' },
      reason: 'NodeNotReady',
      message: 'Node n1 status is now: NodeNotReady',
      type: 'Normal',
      source: { component: 'node-controller' },
      reportingComponent: 'node-controller',
      reportingInstance: '',
      firstTimestamp: '2026-01-01T12:00:00Z',
      lastTimestamp: '2026-01-01T12:00:00Z',
      count: 1,
    });
    expect(ev!.involvedObject!.namespace).toBeUndefined();
    // <name>.<hex unix nanos>
    expect(ev!.metadata.name).toBe(`n1.${(BigInt(Date.UTC(2026, 0, 1, 12)) * 1_000_000n).toString(16)}`);
  });

  it('gives two recorders on one clock different names for the same object at the same instant', async () => {
    const { clock, client, recorder } = setup();
    const other = createEventRecorder(client, { component: 'kubelet', clock, random: () => 0.5 });
    recorder.event(pod, 'Normal', 'Scheduled', 'first');
    other.event(pod, 'Warning', 'InvalidLoadProfile', 'second');
    await recorder.flush();
    await other.flush();
    const written = await events(client, 'team');
    expect(written.map((e) => e.message).sort()).toEqual(['first', 'second']);
    expect(new Set(written.map((e) => e.metadata.name)).size).toBe(2);
  });

  it('puts events for namespaced objects in their namespace', async () => {
    const { client, recorder } = setup();
    recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    await recorder.flush();
    expect((await events(client, 'team')).map((e) => e.involvedObject?.namespace)).toEqual(['team']);
    expect(await events(client, 'default')).toEqual([]);
  });

  it('counts an identical event on the existing Event with a PATCH', async () => {
    const { client, clock, recorder } = setup();
    recorder.event(pod, 'Normal', 'TaintManagerEviction', 'Marking for deletion Pod team/p1');
    await recorder.flush();
    clock.advance(30_000);
    recorder.event(pod, 'Normal', 'TaintManagerEviction', 'Marking for deletion Pod team/p1');
    recorder.event(pod, 'Normal', 'TaintManagerEviction', 'Marking for deletion Pod team/p1');
    await recorder.flush();
    expect(writes(client)).toEqual(['create', 'patch', 'patch']);
    const all = await events(client, 'team');
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ count: 3, firstTimestamp: '2026-01-01T12:00:00Z', lastTimestamp: '2026-01-01T12:00:30Z' });
  });

  it('re-creates a deduplicated event whose Event object was deleted', async () => {
    const { client, recorder } = setup();
    recorder.event(pod, 'Normal', 'R', 'same');
    await recorder.flush();
    const [first] = await events(client, 'team');
    await client.delete(eventResource, first!.metadata.name!, { namespace: 'team' });
    recorder.event(pod, 'Normal', 'R', 'same');
    await recorder.flush();
    const all = await events(client, 'team');
    expect(all).toHaveLength(1);
    expect(all[0]!.count).toBe(2);
  });

  it('combines similar events with different messages from the 10th on', async () => {
    const { client, recorder } = setup();
    for (let i = 1; i <= 12; i++) recorder.event(node, 'Warning', 'FailedMount', `attempt ${i}`);
    await recorder.flush();
    const all = await events(client, 'default');
    const combined = all.filter((e) => e.message!.startsWith('(combined from similar events): '));
    expect(all).toHaveLength(10); // 9 individual + 1 combined
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ message: '(combined from similar events): attempt 12', count: 3 });
  });

  it('starts aggregation afresh after 10 quiet minutes', async () => {
    const { client, clock, recorder } = setup();
    for (let i = 1; i <= 9; i++) recorder.event(node, 'Warning', 'X', `m${i}`);
    await recorder.flush();
    clock.advance(600_001);
    recorder.event(node, 'Warning', 'X', 'm10');
    await recorder.flush();
    expect((await events(client, 'default')).some((e) => e.message!.startsWith('(combined'))).toBe(false);
  });

  it('rate-limits per object: burst 25, then one per 5 minutes', async () => {
    const { client, clock, recorder } = setup();
    for (let i = 0; i < 30; i++) recorder.event(node, 'Normal', `Reason${i}`, 'm');
    await recorder.flush();
    expect(await events(client, 'default')).toHaveLength(25);
    // Another object has its own bucket.
    recorder.event(pod, 'Normal', 'Other', 'm');
    await recorder.flush();
    expect(await events(client, 'team')).toHaveLength(1);
    clock.advance(300_000);
    recorder.event(node, 'Normal', 'Late1', 'm');
    recorder.event(node, 'Normal', 'Late2', 'm');
    await recorder.flush();
    expect((await events(client, 'default')).map((e) => e.reason).filter((r) => r!.startsWith('Late'))).toEqual(['Late1']);
  });

  it('retries transport failures on its clock and gives up on rejections', async () => {
    const { client, clock, recorder } = setup();
    let failures = 1;
    client.prependReactor((a) => {
      if (a.resource === 'events' && a.verb === 'create' && failures-- > 0) return ApiError.from(503, 'unavailable');
      return undefined;
    });
    recorder.event(node, 'Normal', 'A', 'first');
    await settle();
    expect(await events(client, 'default')).toHaveLength(0);
    clock.advance(5_000); // first retry waits retryDelay * random (0.5)
    await recorder.flush();
    expect((await events(client, 'default')).map((e) => e.reason)).toEqual(['A']);

    client.prependReactor((a) => (a.resource === 'events' && a.verb === 'create' ? ApiError.from(422, 'invalid', 'Invalid') : undefined));
    recorder.event(node, 'Normal', 'B', 'rejected');
    await recorder.flush(); // no timer needed: not retried
    expect(clock.pendingTimers()).toBe(0);
  });

  it('never throws into the caller and ignores events after stop', async () => {
    const { client, recorder } = setup();
    client.prependReactor(() => {
      throw new Error('boom');
    });
    expect(() => recorder.event(node, 'Normal', 'A', 'x')).not.toThrow();
    expect(() => recorder.event(node, 'Bogus' as 'Normal', 'A', 'x')).not.toThrow();
    await recorder.stop();
    recorder.event(node, 'Normal', 'After', 'x');
    await recorder.flush();
    expect(client.actions.filter((a) => a.verb === 'create')).toHaveLength(1);
  });

  it('takes a per-event host as source.host and reportingInstance; events of two hosts never merge', async () => {
    const { client, recorder } = setup();
    const ref = { kind: 'Node', name: 'n1', uid: 'n1' };
    recorder.event(ref, 'Normal', 'Starting', 'Starting kubelet.', { host: 'n1' });
    recorder.event(ref, 'Normal', 'Starting', 'Starting kubelet.', { host: 'n2' });
    recorder.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
    await recorder.flush();
    const all = await events(client, 'default');
    expect(all.map((e) => [e.source, e.reportingInstance, e.count])).toEqual([
      [{ component: 'node-controller', host: 'n1' }, 'n1', 1],
      [{ component: 'node-controller', host: 'n2' }, 'n2', 1],
      [{ component: 'node-controller' }, '', 1],
    ]);
  });

  it('referenceOf accepts a bare reference', () => {
    expect(referenceOf({ apiVersion: 'v1', kind: 'Pod', namespace: 'a', name: 'b' })).toEqual({ apiVersion: 'v1', kind: 'Pod', namespace: 'a', name: 'b' });
  });
});
