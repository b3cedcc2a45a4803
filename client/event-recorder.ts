import { eventResource, type Event } from '../api/core/event.js';
import type { ObjectReference } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';
import { realClock, type Clock, type TimerHandle } from '../lib/clock.js';

/** The last event-name nanoseconds handed out, per clock (shared by every recorder on it). */
const lastNanosByClock = new WeakMap<Clock, bigint>();
import { rootLogger, type Logger } from '../lib/logger.js';
import { isAlreadyExists, isNotFound, isRetriable } from './api-error.js';
import { Sleeper } from './backoff.js';
import { aggregateKey, EventCorrelator, formatEventTime, type CorrelateResult } from './event-correlator.js';
import type { RestClient } from './rest-client.js';

/**
 * client-go's legacy event recorder (tools/record): controllers call event(), which
 * returns at once; background writers correlate each event (dedup, aggregation, spam
 * filter — see event-correlator.ts) and write core/v1 Events to the apiserver.
 *
 * Contract for callers: event() never throws and never blocks. Events beyond
 * `maxQueued` waiting writes are dropped (client-go drops too, at 1000) and counted: one
 * summary line per `dropReportIntervalMs` says how many, never one line per event. Writes
 * that keep failing for transport reasons are retried up to 12 times, 10 s apart (the
 * first wait randomised), then dropped. Server rejections (other than a vanished event to
 * patch, which is re-created) are not retried.
 *
 * Throughput: up to `concurrency` writes are in flight at once (client-go has one
 * goroutine; one writer cannot keep up with a scheduler binding thousands of pods). Events
 * are split into lanes by their aggregation key (source, object, type, reason): one lane
 * writes one event at a time, in the order recorded, correlating each just before its
 * write. Every event that could PATCH the same Event object (dedup or the "combined"
 * aggregate) is in the same lane, so counts are never written out of order and each
 * lane sees the correlator exactly as the old single writer did.
 *
 * Written events look like client-go's: name `<object name>.<hex unix nanos>`, in the
 * object's namespace (`default` for cluster-scoped objects), involvedObject with
 * apiVersion/kind/namespace/name/uid/resourceVersion, source {component, host},
 * reportingComponent/reportingInstance, first/lastTimestamp, count.
 */

export type EventType = 'Normal' | 'Warning';

/** What an event is about: an object (its reference is derived) or a ready reference. */
export type EventSubject = KubeObject | ObjectReference;

/** Per-event settings. */
export interface EventOptions {
  /**
   * source.host and reportingInstance of this event, overriding the recorder's `host`
   * (one recorder for many simulated kubelets records each node's events as that node).
   */
  host?: string;
}

export interface EventRecorder {
  event(subject: EventSubject, type: EventType, reason: string, message: string, options?: EventOptions): void;
  /** Resolves once every event queued so far has been written or given up on. */
  flush(): Promise<void>;
  /** Stops the writers; queued events are written first unless `drop` is set. */
  stop(opts?: { drop?: boolean }): Promise<void>;
}

export interface EventRecorderOptions {
  /** Event source component, e.g. `node-controller`. */
  component: string;
  /** Event source host (reportingInstance); client-go leaves it empty for controllers. */
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /** Waiting events beyond this are dropped; default 1000. */
  maxQueued?: number;
  /** Writes in flight at once; default 8. */
  concurrency?: number;
  /** How often dropped events are summed up in one log line; default 10 s. */
  dropReportIntervalMs?: number;
  /** Attempts per event on transport errors; default 12. */
  maxTries?: number;
  /** Wait between attempts; default 10 s. */
  retryDelayMs?: number;
  random?: () => number;
}

/** The involvedObject for an object or reference. */
export function referenceOf(subject: EventSubject): ObjectReference {
  if ('metadata' in subject && subject.metadata && typeof subject.metadata === 'object') {
    const obj = subject as KubeObject;
    const ref: ObjectReference = { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid };
    if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
    if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
    return stripUndefined(ref);
  }
  return stripUndefined({ ...(subject as ObjectReference) });
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined || o[k] === '') delete o[k];
  return o;
}

export function createEventRecorder(client: RestClient, options: EventRecorderOptions): EventRecorder {
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const maxQueued = options.maxQueued ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const dropReportIntervalMs = options.dropReportIntervalMs ?? 10_000;
  const maxTries = options.maxTries ?? 12;
  const retryDelayMs = options.retryDelayMs ?? 10_000;
  const log = (options.logger ?? rootLogger).child({ component: 'event-recorder', source: options.component });
  const sleeper = new Sleeper(clock);
  /** Recorded events no lane has taken yet, oldest first. */
  const queue: Event[] = [];
  /** Lanes with a writer running, each with the events waiting behind it. */
  const lanes = new Map<string, Event[]>();
  /** Events waiting in lanes (queue.length + backlogged is what maxQueued bounds). */
  let backlogged = 0;
  const idleWaiters: (() => void)[] = [];
  let stopped = false;
  let dropping = false;
  let dropped = 0;
  let dropTimer: TimerHandle | undefined;

  // Unique names even when the (fake) clock stands still: nanoseconds move on by one. The
  // last value is kept per clock, so two recorders of one process (on one clock) never pick
  // the same name for the same object (the second event would be lost to a 409).
  const nextName = (objectName: string, now: number): string => {
    let nanos = BigInt(now) * 1_000_000n;
    const last = lastNanosByClock.get(clock) ?? 0n;
    if (nanos <= last) nanos = last + 1n;
    lastNanosByClock.set(clock, nanos);
    return `${objectName}.${nanos.toString(16)}`;
  };
  const correlator = new EventCorrelator({ makeName: nextName });

  const makeEvent = (subject: EventSubject, type: EventType, reason: string, message: string, host: string | undefined): Event => {
    const involvedObject = referenceOf(subject);
    const now = clock.now();
    const t = formatEventTime(now);
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: nextName(involvedObject.name ?? '', now), namespace: involvedObject.namespace || 'default' },
      involvedObject,
      reason,
      message,
      source: stripUndefined({ component: options.component, host }),
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      reportingComponent: options.component,
      reportingInstance: host ?? '',
    };
    return event;
  };

  /** One attempt; true when done (written or abandoned), false to retry. */
  const attempt = async (result: Exclude<CorrelateResult, { action: 'skip' }>): Promise<boolean> => {
    const { event, key } = result;
    const namespace = event.metadata.namespace;
    try {
      let written: Event | undefined;
      if (result.action === 'patch') {
        try {
          written = await client.patch<Event>(eventResource, event.metadata.name!, result.patch, { type: 'strategic', namespace });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      if (!written) {
        const body: Event = { ...event, metadata: { ...event.metadata } };
        delete body.metadata.resourceVersion;
        written = await client.create<Event>(eventResource, body, { namespace });
      }
      correlator.updateState(key, written);
      return true;
    } catch (err) {
      if (isRetriable(err)) {
        log.warn({ err, reason: event.reason, object: event.involvedObject?.name }, 'unable to write event (may retry)');
        return false;
      }
      const level = isAlreadyExists(err) ? 'debug' : 'error';
      log[level]({ err, reason: event.reason, object: event.involvedObject?.name }, 'server rejected event (will not retry)');
      return true;
    }
  };

  /** Correlates one event and writes it; only ever called by the lane of its aggregation key. */
  const write = async (event: Event): Promise<void> => {
    const result = correlator.correlate(event, clock.now());
    if (result.action === 'skip') {
      log.debug({ reason: event.reason, object: event.involvedObject?.name }, 'event dropped by the spam filter');
      return;
    }
    for (let tries = 1; ; tries++) {
      if (await attempt(result)) return;
      if (tries >= maxTries || stopped) {
        log.error({ reason: event.reason, object: event.involvedObject?.name }, 'unable to write event (retry limit exceeded)');
        return;
      }
      await sleeper.sleep(tries === 1 ? retryDelayMs * random() : retryDelayMs);
      if (dropping) return;
    }
  };

  const idle = (): boolean => lanes.size === 0 && queue.length === 0;

  const wakeIdleWaiters = (): void => {
    if (idle()) for (const w of idleWaiters.splice(0)) w();
  };

  /** Writes `first`, then whatever queued up behind it in its lane, one at a time. */
  const runLane = async (lane: string, first: Event): Promise<void> => {
    let next: Event | undefined = first;
    while (next) {
      try {
        await write(next);
      } catch (err) {
        log.error({ err }, 'event writer failed');
      }
      if (dropping) break;
      next = lanes.get(lane)!.shift();
      if (next) backlogged--;
    }
    backlogged -= lanes.get(lane)!.length;
    lanes.delete(lane);
    pump();
  };

  /** Hands queued events to lanes while fewer than `concurrency` lanes are writing. */
  const pump = (): void => {
    if (dropping) queue.length = 0;
    while (queue.length > 0 && lanes.size < concurrency) {
      const event = queue.shift()!;
      const lane = aggregateKey(event);
      const backlog = lanes.get(lane);
      if (backlog) {
        backlog.push(event);
        backlogged++;
        continue;
      }
      lanes.set(lane, []);
      void runLane(lane, event);
    }
    wakeIdleWaiters();
  };

  const reportDrops = (): void => {
    dropTimer = undefined;
    if (dropped === 0) return;
    log.warn({ dropped }, `dropped ${dropped} events in the last ${Math.round(dropReportIntervalMs / 1000)}s (too many queued)`);
    dropped = 0;
  };

  const noteDrop = (): void => {
    dropped++;
    dropTimer ??= clock.setTimeout(reportDrops, dropReportIntervalMs);
  };

  const flush = (): Promise<void> => {
    if (idle()) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  };

  return {
    event(subject, type, reason, message, eventOptions) {
      try {
        if (stopped) return;
        if (type !== 'Normal' && type !== 'Warning') {
          log.error({ type }, 'unsupported event type');
          return;
        }
        if (queue.length + backlogged >= maxQueued) {
          noteDrop();
          return;
        }
        queue.push(makeEvent(subject, type, reason, message, eventOptions?.host ?? options.host));
        pump();
      } catch (err) {
        log.error({ err }, 'could not record event');
      }
    },

    flush,

    async stop(opts = {}) {
      stopped = true;
      if (opts.drop) dropping = true;
      // A write waiting to retry tries once more now, then gives up (stopped).
      sleeper.wakeAll();
      pump();
      await flush();
      if (dropTimer) clock.clearTimeout(dropTimer);
      reportDrops();
    },
  };
}
