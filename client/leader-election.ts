import { formatMicroTime, leaseResource, type LeaseSpec } from '../api/coordination/lease.js';
import type { KubeObject } from '../api/types.js';
import { realClock, type Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { isNotFound } from './api-error.js';
import { Sleeper } from './backoff.js';
import type { RestClient } from './rest-client.js';

/**
 * Lease-based leader election on a coordination.k8s.io/v1 Lease, with client-go's rules:
 *
 * - A candidate may take the lease when it has no holder, or when the record it last saw
 *   has not changed for the record's leaseDurationSeconds, measured on the candidate's own
 *   clock from the moment it saw that record (so clocks need not agree, only run at
 *   similar rates).
 * - Every write is a compare-and-swap on metadata.resourceVersion: of two candidates
 *   racing, one gets 409 Conflict and stays a follower.
 * - The leader renews every retryPeriod; if it cannot renew for renewDeadline it stops
 *   leading (onStoppedLeading) and becomes a candidate again.
 * - stop() releases the lease (holder '' and leaseDurationSeconds 1) unless told not
 *   to, so a successor takes over within about a retry period.
 *
 * Like client-go, this does not fence: for a moment two processes may both believe they
 * lead. leaseDuration > renewDeadline keeps that window small.
 */

export interface LeaderElectionConfig {
  client: RestClient;
  lease: { namespace: string; name: string };
  /** Unique per candidate (hostname + random suffix is customary). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Called when this candidate becomes leader. Start the leader-only work here. */
  onStartedLeading?: () => void;
  /** Called when a leader loses or gives up the lease. Stop the leader-only work here. */
  onStoppedLeading?: () => void;
  /** Called whenever the observed holder changes (including to this candidate). */
  onNewLeader?: (identity: string) => void;
  /** Jitter source for retries (tests pin it). */
  random?: () => number;
}

export interface LeaderElector {
  start(): void;
  /** Stops campaigning; releases the lease if leading and release is not false. */
  stop(opts?: { release?: boolean }): Promise<void>;
  isLeader(): boolean;
  /** The holder last observed ('' if none). */
  getLeader(): string;
}

/** client-go's wait.JitterUntil factor for the acquire loop. */
const JITTER_FACTOR = 1.2;

export function createLeaderElector(config: LeaderElectionConfig): LeaderElector {
  const leaseDurationMs = config.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = config.retryPeriodMs ?? 2_000;
  if (leaseDurationMs <= renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
  if (renewDeadlineMs <= JITTER_FACTOR * retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
  const clock = config.clock ?? realClock;
  const random = config.random ?? Math.random;
  const { client, identity } = config;
  const { namespace, name } = config.lease;
  const log = (config.logger ?? rootLogger).child({ component: 'leader-election', lease: `${namespace}/${name}`, identity });
  const sleeper = new Sleeper(clock);

  let observed: LeaseSpec | undefined;
  let observedRaw = '';
  let observedAt = 0;
  let observedRV = '';
  let leading = false;
  let stopped = false;
  let started = false;
  let loop: Promise<void> = Promise.resolve();
  let reportedLeader = '';

  const report = (holder: string): void => {
    if (holder === reportedLeader) return;
    reportedLeader = holder;
    if (holder) config.onNewLeader?.(holder);
  };

  const observe = (spec: LeaseSpec, rv: string): void => {
    const raw = JSON.stringify(spec);
    if (raw !== observedRaw) {
      observed = spec;
      observedRaw = raw;
      observedAt = clock.now();
    }
    observedRV = rv;
    report(spec.holderIdentity ?? '');
  };

  /** One attempt to acquire or renew; true when we hold the lease afterwards. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = clock.now();
    const record: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(leaseDurationMs / 1000),
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: 0,
    };
    let current: KubeObject;
    try {
      current = await client.get(leaseResource, name, { namespace });
    } catch (err) {
      if (!isNotFound(err)) {
        log.warn({ err }, 'error retrieving lease');
        return false;
      }
      try {
        const created = await client.create<KubeObject>(leaseResource, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: record,
        });
        observe(record, created.metadata.resourceVersion ?? '');
        return true;
      } catch (createErr) {
        log.debug({ err: createErr }, 'lost the race to create the lease');
        return false;
      }
    }
    const old = (current.spec ?? {}) as LeaseSpec;
    observe(old, current.metadata.resourceVersion ?? '');
    const holder = old.holderIdentity ?? '';
    const durationMs = (old.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== identity && observedAt + durationMs > now) {
      log.trace({ holder }, 'lease is held by another candidate and has not expired');
      return false;
    }
    if (holder === identity) {
      record.acquireTime = old.acquireTime ?? record.acquireTime;
      record.leaseTransitions = old.leaseTransitions ?? 0;
    } else {
      record.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
    }
    try {
      const updated = await client.update(leaseResource, {
        ...current,
        metadata: { ...current.metadata, resourceVersion: observedRV },
        spec: { ...old, ...record },
      });
      observe(record, updated.metadata.resourceVersion ?? '');
      return true;
    } catch (err) {
      // 409: someone else wrote the lease since our get (another candidate won the race).
      log.debug({ err }, 'failed to update lease');
      return false;
    }
  };

  /** Resolves false if the attempt does not finish by `deadline` (clock time). */
  const attemptBy = (deadline: number): Promise<boolean> => {
    const remaining = deadline - clock.now();
    if (remaining <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => resolve(false), remaining);
      tryAcquireOrRenew().then(
        (ok) => {
          clock.clearTimeout(timer);
          resolve(ok);
        },
        () => {
          clock.clearTimeout(timer);
          resolve(false);
        },
      );
    });
  };

  const acquire = async (): Promise<boolean> => {
    log.info('attempting to acquire leader lease');
    while (!stopped) {
      if (await attemptBy(clock.now() + leaseDurationMs)) {
        if (stopped) {
          // Won just as stop() was called: hand the lease straight back.
          await release();
          return false;
        }
        log.info('successfully acquired lease');
        return true;
      }
      await sleeper.sleep(retryPeriodMs + random() * JITTER_FACTOR * retryPeriodMs);
    }
    return false;
  };

  /** Returns when renewal failed for renewDeadline, or when stopped. */
  const renew = async (): Promise<void> => {
    while (!stopped) {
      await sleeper.sleep(retryPeriodMs);
      if (stopped) return;
      const deadline = clock.now() + renewDeadlineMs;
      let ok = await attemptBy(deadline);
      while (!ok && !stopped && clock.now() < deadline) {
        await sleeper.sleep(Math.min(retryPeriodMs, deadline - clock.now()));
        if (stopped) return;
        ok = await attemptBy(deadline);
      }
      if (!ok && !stopped) {
        log.warn('failed to renew lease within the renew deadline');
        return;
      }
    }
  };

  const release = async (): Promise<void> => {
    try {
      const current = await client.get(leaseResource, name, { namespace });
      const spec = (current.spec ?? {}) as LeaseSpec;
      if (spec.holderIdentity !== identity) return;
      const now = formatMicroTime(clock.now());
      await client.update(leaseResource, {
        ...current,
        spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: spec.leaseTransitions ?? 0 },
      });
      log.info('released lease');
    } catch (err) {
      log.warn({ err }, 'failed to release lease');
    }
  };

  const stopLeading = (): void => {
    if (!leading) return;
    leading = false;
    try {
      config.onStoppedLeading?.();
    } catch (err) {
      log.error({ err }, 'onStoppedLeading threw');
    }
  };

  const run = async (): Promise<void> => {
    while (!stopped) {
      if (!(await acquire())) return;
      leading = true;
      try {
        config.onStartedLeading?.();
      } catch (err) {
        log.error({ err }, 'onStartedLeading threw');
      }
      await renew();
      if (stopped) return;
      log.info('leader lost');
      stopLeading();
    }
  };

  return {
    start() {
      if (started) return;
      started = true;
      loop = run().catch((err) => log.error({ err }, 'leader election loop crashed'));
    },

    async stop(opts = {}) {
      if (stopped) return;
      stopped = true;
      sleeper.wakeAll();
      await loop;
      if (leading && opts.release !== false) await release();
      stopLeading();
    },

    isLeader: () => leading,
    getLeader: () => observed?.holderIdentity ?? '',
  };
}
