import type { Event } from '../api/core/event.js';

/**
 * client-go's EventCorrelator (tools/record/events_cache.go), as pure state machines on
 * an injected `now`: it decides, for each event a recorder is about to write, whether to
 * create it, to PATCH an earlier one (dedup), to fold it into a "combined" event
 * (aggregation), or to drop it (spam filter). The recorder's writer is its only caller
 * and runs at most one write per event key at a time, so no locking is needed.
 *
 * Defaults, as client-go:
 * - aggregation: the 10th distinct message for the same source/object/type/reason within
 *   10 minutes of the previous one turns into one event whose message is
 *   "(combined from similar events): <latest message>", counted from then on;
 * - dedup: an event identical to one already written (same source, object, type,
 *   reason, message) PATCHes count+1 and lastTimestamp onto it, for as long as it stays
 *   in the 4096-entry LRU (client-go has no time window here either);
 * - spam filter: per source+object, a token bucket of burst 25 refilled at 1 per 5 minutes.
 */

export const MAX_LRU_ENTRIES = 4096;
export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 600_000;
export const SPAM_BURST = 25;
export const SPAM_QPS = 1 / 300;
export const COMBINED_PREFIX = '(combined from similar events): ';

/** A Map that forgets its least recently used entry beyond `max` (groupcache/lru). */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max = MAX_LRU_ENTRIES) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}

const io = (ev: Event) => ev.involvedObject ?? {};

/** Who reported the event and about which object: the part every key below starts with. */
function sourceAndObject(ev: Event): string[] {
  const o = io(ev);
  return [ev.source?.component ?? '', ev.source?.host ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? '', o.uid ?? '', o.apiVersion ?? ''];
}

/** The full identity of an event: everything but the timestamps and count. */
export function eventKey(ev: Event): string {
  return [...sourceAndObject(ev), io(ev).fieldPath ?? '', ev.type ?? '', ev.reason ?? '', ev.message ?? ''].join('\u0000');
}

/** Source and object only: what the spam filter rate-limits. */
export function spamKey(ev: Event): string {
  return sourceAndObject(ev).join('\u0000');
}

/** Everything but the message: events that differ only by message aggregate together. */
export function aggregateKey(ev: Event): string {
  return [...sourceAndObject(ev), ev.type ?? '', ev.reason ?? '', ev.reportingComponent ?? '', ev.reportingInstance ?? ''].join('\u0000');
}

interface AggregateRecord {
  messages: Set<string>;
  last: number;
}

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion: string;
}

interface Bucket {
  tokens: number;
  last: number;
}

export type CorrelateResult =
  /** Write nothing: the spam filter dropped it. */
  | { action: 'skip' }
  /** POST this event. */
  | { action: 'create'; event: Event; key: string }
  /** PATCH `patch` onto event.metadata.name (or POST `event` if it is gone). */
  | { action: 'patch'; event: Event; patch: { count: number; lastTimestamp: string; message: string }; key: string };

export interface CorrelatorOptions {
  /** Seconds-precision timestamp formatter (metav1.Time); injected so tests can pin it. */
  formatTime?: (ms: number) => string;
  /** A fresh event name for an aggregate event (recorder's `<name>.<hex nanos>`). */
  makeName?: (objectName: string, now: number) => string;
  spamBurst?: number;
  spamQps?: number;
}

export function formatEventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class EventCorrelator {
  private readonly aggregates = new LruCache<AggregateRecord>();
  private readonly observations = new LruCache<Observation>();
  private readonly buckets = new LruCache<Bucket>();
  private readonly formatTime: (ms: number) => string;
  private readonly makeName: (objectName: string, now: number) => string;
  private readonly burst: number;
  private readonly qps: number;

  constructor(options: CorrelatorOptions = {}) {
    this.formatTime = options.formatTime ?? formatEventTime;
    this.makeName = options.makeName ?? ((name, now) => `${name}.${(BigInt(now) * 1_000_000n).toString(16)}`);
    this.burst = options.spamBurst ?? SPAM_BURST;
    this.qps = options.spamQps ?? SPAM_QPS;
  }

  /** Aggregate, then dedup, then spam-filter — client-go's order. `event` is not mutated. */
  correlate(event: Event, now: number): CorrelateResult {
    const { event: aggregated, key } = this.aggregate(event, now);
    const observed = this.observe(aggregated, key);
    if (this.filtered(observed.event, now)) return { action: 'skip' };
    return observed.patch
      ? { action: 'patch', event: observed.event, patch: observed.patch, key }
      : { action: 'create', event: observed.event, key };
  }

  /** Records what the server returned, so later duplicates patch the right object. */
  updateState(key: string, written: Event): void {
    this.observations.set(key, {
      count: written.count ?? 1,
      firstTimestamp: written.firstTimestamp ?? '',
      name: written.metadata.name ?? '',
      resourceVersion: written.metadata.resourceVersion ?? '',
    });
  }

  private aggregate(event: Event, now: number): { event: Event; key: string } {
    const aKey = aggregateKey(event);
    let record = this.aggregates.get(aKey);
    if (!record || now - record.last > AGGREGATE_INTERVAL_MS) record = { messages: new Set(), last: now };
    record.messages.add(event.message ?? '');
    record.last = now;
    this.aggregates.set(aKey, record);
    if (record.messages.size < AGGREGATE_MAX_EVENTS) return { event, key: eventKey(event) };
    // Keep the set from growing past the threshold (client-go pops an arbitrary member;
    // the oldest is the deterministic choice).
    record.messages.delete(record.messages.values().next().value as string);
    const t = this.formatTime(now);
    const combined: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: this.makeName(event.involvedObject?.name ?? '', now), namespace: event.metadata.namespace },
      involvedObject: event.involvedObject,
      reason: event.reason,
      message: COMBINED_PREFIX + (event.message ?? ''),
      source: event.source,
      type: event.type,
      count: 1,
      firstTimestamp: t,
      lastTimestamp: t,
      reportingComponent: event.reportingComponent,
      reportingInstance: event.reportingInstance,
    };
    return { event: combined, key: aKey };
  }

  private observe(event: Event, key: string): { event: Event; patch?: { count: number; lastTimestamp: string; message: string } } {
    const last = this.observations.get(key);
    const out: Event = { ...event, metadata: { ...event.metadata } };
    let patch: { count: number; lastTimestamp: string; message: string } | undefined;
    if (last && last.count > 0) {
      out.metadata.name = last.name;
      out.metadata.resourceVersion = last.resourceVersion || undefined;
      out.firstTimestamp = last.firstTimestamp;
      out.count = last.count + 1;
      patch = { count: out.count, lastTimestamp: out.lastTimestamp ?? '', message: out.message ?? '' };
    }
    this.observations.set(key, {
      count: out.count ?? 1,
      firstTimestamp: out.firstTimestamp ?? '',
      name: out.metadata.name ?? '',
      resourceVersion: out.metadata.resourceVersion ?? '',
    });
    return { event: out, patch };
  }

  /** True when the source+object has used up its token bucket. */
  private filtered(event: Event, now: number): boolean {
    const key = spamKey(event);
    let b = this.buckets.get(key);
    if (!b) b = { tokens: this.burst, last: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.last) / 1000) * this.qps);
    b.last = now;
    const accept = b.tokens >= 1;
    if (accept) b.tokens -= 1;
    this.buckets.set(key, b);
    return !accept;
  }
}
