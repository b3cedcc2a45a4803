import { describe, expect, it } from 'vitest';
import type { FieldError, KubeObject } from '../types.js';
import { eventFromV1, eventToV1, validateEventV1 } from './event-v1.js';
import { eventResource } from '../core/event.js';

const meta = { name: 'e1', namespace: 'default', uid: 'u1', resourceVersion: '7' };

const coreEvent: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: meta,
  involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'p1' },
  reason: 'Scheduled',
  message: 'Successfully assigned default/web to n1',
  source: { component: 'default-scheduler' },
  firstTimestamp: '2024-05-01T11:00:00Z',
  lastTimestamp: '2024-05-01T11:05:00Z',
  count: 3,
  type: 'Normal',
  eventTime: '2024-05-01T11:00:00.000000Z',
  series: { count: 3, lastObservedTime: '2024-05-01T11:05:00.000000Z' },
  action: 'Binding',
  related: { kind: 'Node', name: 'n1' },
  reportingComponent: 'default-scheduler',
  reportingInstance: 'sched-1',
};

const v1Event: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: meta,
  regarding: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'p1' },
  reason: 'Scheduled',
  note: 'Successfully assigned default/web to n1',
  deprecatedSource: { component: 'default-scheduler' },
  deprecatedFirstTimestamp: '2024-05-01T11:00:00Z',
  deprecatedLastTimestamp: '2024-05-01T11:05:00Z',
  deprecatedCount: 3,
  type: 'Normal',
  eventTime: '2024-05-01T11:00:00.000000Z',
  series: { count: 3, lastObservedTime: '2024-05-01T11:05:00.000000Z' },
  action: 'Binding',
  related: { kind: 'Node', name: 'n1' },
  reportingController: 'default-scheduler',
  reportingInstance: 'sched-1',
};

const fmt = (errs: FieldError[]): string[] => errs.map((e) => `${e.field}: ${e.message}`);

describe('events.k8s.io/v1 Event conversion (kube pkg/apis/events/v1/conversion.go)', () => {
  it('renames every field both ways, keeping metadata and the shared fields', () => {
    expect(eventToV1(coreEvent)).toEqual(v1Event);
    expect(eventFromV1(v1Event)).toEqual(coreEvent);
  });

  it('round-trips without loss and does not mutate its input', () => {
    const before = structuredClone(coreEvent);
    expect(eventFromV1(eventToV1(coreEvent))).toEqual(coreEvent);
    expect(coreEvent).toEqual(before);
  });

  it('always shows regarding (a struct in kube, never omitted), and drops fields neither form has', () => {
    const out = eventToV1({ metadata: { name: 'x' }, reason: 'R', unknownField: 1 });
    expect(out).toEqual({ metadata: { name: 'x' }, regarding: {}, reason: 'R' });
  });

  it('an events.k8s.io Event without series reads through core with no count and no lastTimestamp', () => {
    const core = eventFromV1({ metadata: { name: 'x' }, eventTime: '2024-05-01T11:00:00.000000Z', regarding: { kind: 'Pod', name: 'p' }, note: 'hi', reportingController: 'c', reportingInstance: 'i', action: 'A', reason: 'R', type: 'Normal' });
    expect(core).not.toHaveProperty('count');
    expect(core).not.toHaveProperty('lastTimestamp');
    expect(core).not.toHaveProperty('series');
    expect(core.message).toBe('hi');
    // kubectl's core table shows such an event with count 1, aged from eventTime.
    const row = eventResource.tableRow(core, Date.parse('2024-05-01T11:10:00Z'));
    expect(row[0]).toBe('10m');
    expect(row[8]).toBe(1);
  });
});

describe('events.k8s.io/v1 strict validation (ValidateEventCreate/Update)', () => {
  const fresh = (extra: Record<string, unknown> = {}): KubeObject =>
    eventFromV1({
      metadata: { name: 'x', namespace: 'default' },
      eventTime: '2024-05-01T11:00:00.000000Z',
      regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Act',
      reason: 'Because',
      type: 'Normal',
      ...extra,
    });

  it.each([
    ['a complete event', {}, []],
    ['no eventTime', { eventTime: undefined }, ['eventTime: Required value']],
    ['a type other than Normal or Warning', { type: 'Fatal' }, ['type: Invalid value: "": has invalid value: Fatal']],
    ['no type', { type: undefined }, ['type: Invalid value: "": has invalid value: ']],
    ['deprecated fields set', { deprecatedCount: 2, deprecatedFirstTimestamp: '2024-05-01T11:00:00Z', deprecatedSource: { component: 'c' } }, [
      'firstTimestamp: Invalid value: "": needs to be unset',
      'count: Invalid value: "": needs to be unset',
      'source: Invalid value: "": needs to be unset',
    ]],
    ['a series of one', { series: { count: 1 } }, ['series.count: Invalid value: "": should be at least 2', 'series.lastObservedTime: Required value']],
  ])('%s', (_name, extra, want) => {
    expect(fmt(validateEventV1(fresh(extra)))).toEqual(want);
  });

  it('the legacy rules still apply (reporting fields, note ≤ 1 KiB), worded with core names', () => {
    const ev = fresh({ reportingController: undefined, reportingInstance: undefined, action: undefined, reason: undefined, note: 'x'.repeat(1025) });
    const errs = fmt(eventResource.validate(ev)).filter((e) => !e.startsWith('reportingController: Invalid'));
    expect(errs).toEqual([
      'reportingController: Required value',
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Required value',
      'message: Invalid value: "": can have at most 1024 characters',
    ]);
  });

  it('on update, the event fields are immutable and a changed series is checked', () => {
    const old = fresh({ series: { count: 2, lastObservedTime: '2024-05-01T11:01:00.000000Z' } });
    const bumped = fresh({ series: { count: 5, lastObservedTime: '2024-05-01T11:09:00.000000Z' } });
    expect(validateEventV1(bumped, old)).toEqual([]);
    const bad = fresh({ note: 'changed', series: { count: 1, lastObservedTime: '2024-05-01T11:09:00.000000Z' } });
    expect(fmt(validateEventV1(bad, old))).toEqual(['series.count: Invalid value: "": should be at least 2', 'message: Invalid value: "changed": field is immutable']);
  });
});
