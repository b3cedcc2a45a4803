/**
 * startScheduler: kube-scheduler as a client of the apiserver. Wires a Node informer and
 * one Pod informer (all pods, one watch) into the SchedulerCore (scheduler-core.ts), an
 * event recorder reporting as `default-scheduler`, and optionally Lease-based leader
 * election on kube-system/kube-scheduler, as kube-scheduler's --leader-elect.
 *
 * Informers run whether or not this instance leads (a follower keeps a warm cache and
 * queue, so taking over is immediate); only the leader runs scheduling cycles.
 *
 * startScheduler resolves once the informers have synced (the first lists are in), so
 * the first cycle already sees every node; it waits as long as the apiserver is
 * unreachable.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { nodeResource } from '../api/core/node.js';
import { podResource } from '../api/core/pod.js';
import type { KubeObject } from '../api/types.js';
import { createEventRecorder } from '../client/event-recorder.js';
import { createSharedInformerFactory } from '../client/informer.js';
import { createLeaderElector, type LeaderElector } from '../client/leader-election.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import type { Profile } from './framework.js';
import { DEFAULT_SCHEDULER_NAME, defaultProfile, withVolumeBinding } from './profile.js';
import { createVolumeBindingPlugin, podClaimNames, SELECTED_NODE_ANNOTATION } from './plugins/volume-binding.js';
import { createVolumeRestrictionsPlugin } from './plugins/volume-restrictions.js';
import { persistentVolumeClaimResource, persistentVolumeResource, type PersistentVolume, type PersistentVolumeClaim } from '../api/core/persistent-volume.js';
import { storageClassResource, type StorageClass } from '../api/storage/storageclass.js';
import { SchedulerCore, type Pod, type SchedulerStats } from './scheduler-core.js';
import type { NodeLike } from './types.js';

export { SchedulerCore, DEFAULT_PARALLEL_BINDS, type SchedulerStats } from './scheduler-core.js';

export const SCHEDULER_LEASE = { namespace: 'kube-system', name: 'kube-scheduler' } as const;

export interface StartSchedulerOptions {
  client: RestClient;
  clock?: Clock;
  logger?: Logger;
  /** Campaign for the kube-system/kube-scheduler Lease before scheduling. Default false. */
  leaderElect?: boolean;
  /** Unique per process; default `<hostname>_<uuid>`, as kube-scheduler. */
  identity?: string;
  /** 0 or unset: kube's adaptive default (50% − nodes/125, at least 5%). */
  percentageOfNodesToScore?: number;
  /** Binds in flight at once; default 64. */
  parallelBinds?: number;
  /** Default: one profile, default-scheduler. */
  profiles?: readonly Profile[];
  /** Tie-break randomness (tests pin it). */
  random?: () => number;
  /** Leader election timings (defaults 15 s / 10 s / 2 s, as kube-scheduler). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface RunningSchedulerStats extends SchedulerStats {
  /** Whether this instance holds the lease (always true without leader election). */
  leader: boolean;
}

export interface RunningScheduler {
  /** Stops scheduling, waits for binds in flight, releases the lease, stops the informers. */
  stop(): Promise<void>;
  stats(): RunningSchedulerStats;
  /** The core, for tests and diagnostics (snapshot, queue). */
  readonly core: SchedulerCore;
}

export async function startScheduler(opts: StartSchedulerOptions): Promise<RunningScheduler> {
  const clock = opts.clock ?? realClock;
  const log = (opts.logger ?? rootLogger).child({ component: 'scheduler' });
  const identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  const recorder = createEventRecorder(opts.client, { component: DEFAULT_SCHEDULER_NAME, clock, logger: opts.logger });
  const factory = createSharedInformerFactory(opts.client, { clock, logger: opts.logger });
  const nodes = factory.informerFor<KubeObject & NodeLike>(nodeResource);
  const pods = factory.informerFor<Pod>(podResource);

  const claims = factory.informerFor<PersistentVolumeClaim>(persistentVolumeClaimResource);
  const volumes = factory.informerFor<PersistentVolume>(persistentVolumeResource);
  const classes = factory.informerFor<StorageClass>(storageClassResource);
  const volumeBinding = createVolumeBindingPlugin({
    clock,
    listers: {
      claim: (ns, name) => claims.store.getByName(ns, name),
      volume: (name) => volumes.store.getByName('', name),
      volumes: () => volumes.store.list(),
      storageClass: (name) => classes.store.getByName('', name),
    },
    writer: {
      async claimVolume(pv, claim) {
        await opts.client.patch(persistentVolumeResource, pv.metadata.name!, {
          metadata: { resourceVersion: pv.metadata.resourceVersion, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
          spec: { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion } },
        }, { type: 'merge' });
      },
      async selectNode(claim, nodeName) {
        await opts.client.patch(persistentVolumeClaimResource, claim.metadata.name!, { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } } }, { type: 'merge', namespace: claim.metadata.namespace });
      },
    },
  });
  const CLAIM_USERS = 'claimUsers';
  pods.addIndexer(CLAIM_USERS, (p) => (p.spec?.nodeName ? podClaimNames(p).map((c) => `${p.metadata.namespace}/${c}`) : []));
  const volumeRestrictions = createVolumeRestrictionsPlugin(
    { claim: (ns, name) => claims.store.getByName(ns, name) },
    {
      otherUsers: (ns, name, uid) =>
        pods.store.byIndex(CLAIM_USERS, `${ns}/${name}`).filter((p) => p.metadata.uid !== uid && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length,
    },
  );
  const profiles = opts.profiles ?? [withVolumeBinding(defaultProfile(), volumeBinding, volumeRestrictions)];

  const core = new SchedulerCore({
    client: opts.client,
    clock,
    logger: log,
    recorder,
    profiles,
    lookupPod: (namespace, name) => pods.store.getByName(namespace, name),
    percentageOfNodesToScore: opts.percentageOfNodesToScore,
    parallelBinds: opts.parallelBinds,
    random: opts.random,
  });

  nodes.addEventHandler({
    onAdd: (n) => core.onNodeAdd(n),
    onUpdate: (o, n) => core.onNodeUpdate(o, n),
    onDelete: (n) => core.onNodeDelete(n),
  });
  pods.addEventHandler({
    onAdd: (p) => core.onPodAdd(p),
    onUpdate: (o, p) => core.onPodUpdate(o, p),
    onDelete: (p) => core.onPodDelete(p),
  });

  const volumeEvent = (ev: 'PvcChange' | 'PvChange' | 'StorageClassChange') => (): void => {
    volumeBinding.claimsChanged();
    core.queue.moveAllToActiveOrBackoff(ev);
  };
  claims.addEventHandler({ onAdd: volumeEvent('PvcChange'), onUpdate: volumeEvent('PvcChange') });
  volumes.addEventHandler({ onAdd: volumeEvent('PvChange'), onUpdate: volumeEvent('PvChange') });
  classes.addEventHandler({ onAdd: volumeEvent('StorageClassChange'), onUpdate: volumeEvent('StorageClassChange') });

  factory.start();
  let stopping: Promise<void> | undefined;
  let elector: LeaderElector | undefined;

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      core.setActive(false);
      volumeBinding.close();
      await core.stop();
      await elector?.stop();
      factory.stop();
      await recorder.stop();
      log.info(core.stats(), 'scheduler stopped');
    })());

  const synced = await factory.waitForSync();
  if (!synced) {
    await stop();
    throw new Error('scheduler: informers stopped before their first sync');
  }
  core.run();

  if (opts.leaderElect) {
    elector = createLeaderElector({
      client: opts.client,
      lease: SCHEDULER_LEASE,
      identity,
      clock,
      logger: opts.logger,
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
      onStartedLeading: () => {
        log.info({ identity }, 'became leader; scheduling');
        core.setActive(true);
      },
      onStoppedLeading: () => {
        log.warn({ identity }, 'lost the lease; scheduling paused');
        core.setActive(false);
      },
    });
    elector.start();
  } else {
    core.setActive(true);
  }
  log.info({ nodes: core.snapshot.numNodes, leaderElect: Boolean(opts.leaderElect) }, 'scheduler started');

  return {
    stop,
    stats: () => ({ ...core.stats(), leader: elector ? elector.isLeader() : !stopping }),
    core,
  };
}
