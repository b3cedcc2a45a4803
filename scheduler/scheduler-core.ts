/**
 * The loop around schedulePod, as kube-scheduler's scheduleOne: pop a pod, decide on the
 * in-memory snapshot, assume the pod on the chosen node, bind asynchronously.
 *
 * Who calls what:
 * - the informer event handlers (onNode*, onPod*) keep the snapshot and the queue current;
 *   they run on the one JavaScript thread, never during a scheduling cycle;
 * - run() is the scheduling loop; setActive() turns it on and off (leader election);
 * - stop() ends the loop and waits for binds and status writes already started.
 *
 * Throughput contract: a scheduling cycle is synchronous (no await between pop and the
 * decision), so it never waits for HTTP. Only binds, status writes and events touch the
 * network, all in the background; binds run at most `parallelBinds` at a time, and the
 * loop stops popping while all slots are taken (back-pressure instead of an unbounded pile
 * of assumed pods).
 *
 * Ordering guarantee per pod: a bind starts only after the pod's earlier status write (the
 * PodScheduled=False patch of a failed attempt) has finished, so a late patch can never
 * overwrite the PodScheduled=True that the binding writes.
 */
import { podResource } from '../api/core/pod.js';
import type { KubeObject } from '../api/types.js';
import type { EventRecorder } from '../client/event-recorder.js';
import { isConflict, isNotFound, type RestClient } from '../client/rest-client.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { nodeUpdateEvents, podFinished } from './cluster-events.js';
import { statusMessage, type Profile } from './framework.js';
import type { FitError } from './fit-error.js';
import { REASON_SCHEDULER_ERROR, REASON_UNSCHEDULABLE, schedulingFailedPatch, type PodWithConditions } from './pod-condition.js';
import { profileForPod } from './profile.js';
import { isScheduleFailure, schedulePod } from './schedule-pod.js';
import { SchedulingQueue, type QueueCounts, type QueuedPodInfo } from './scheduling-queue.js';
import { Snapshot } from './snapshot.js';
import type { NodeLike, PodLike } from './types.js';

export const DEFAULT_PARALLEL_BINDS = 64;
/**
 * The scheduling loop yields to I/O after this many cycles in a row, or once a batch has
 * run this long: cycles that scan thousands of nodes (a selective nodeSelector on a big
 * cluster) take milliseconds each, and informer events and bind responses must not wait
 * for 64 of them.
 */
const CYCLES_PER_YIELD = 64;
const BATCH_BUDGET_MS = 10;

export type Pod = KubeObject & PodLike;

export interface SchedulerCoreOptions {
  client: RestClient;
  clock: Clock;
  logger: Logger;
  recorder: EventRecorder;
  profiles: readonly Profile[];
  /** The newest version of a pod the informer holds (by namespace and name). */
  lookupPod(namespace: string, name: string): Pod | undefined;
  percentageOfNodesToScore?: number;
  parallelBinds?: number;
  /** Tie-break source among equally scored nodes; default Math.random (as kube). */
  random?: () => number;
  /** Queue backoff settings (defaults: kube's 1 s → 10 s, 5 min unschedulable). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxInUnschedulableMs?: number;
}

export interface SchedulerStats {
  /** Scheduling cycles run (pods popped and decided). */
  attempts: number;
  /** Pods assumed on a node (a bind was started). */
  scheduled: number;
  bound: number;
  /** Cycles that found no node (Unschedulable, no nodes). */
  unschedulable: number;
  /** Cycles that failed with a plugin error. */
  errors: number;
  /** Binds refused with 409/404 (pod already assigned or gone): dropped. */
  bindConflicts: number;
  /** Other bind failures: the pod was requeued with backoff. */
  bindErrors: number;
  bindsInFlight: number;
  /** Wall time spent inside scheduling cycles (the decisions, no I/O), in ms. */
  cycleMs: number;
  /** CPU time (process-wide user + system) spent inside scheduling cycles, in ms: unlike
   * cycleMs, not inflated when the machine is busy and the process waits for a core. */
  cycleCpuMs: number;
  queue: QueueCounts;
  nodes: number;
  active: boolean;
}

function nameOf(pod: Pod): { namespace: string; name: string } {
  return { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '' };
}

export function queueKey(pod: Pod): string {
  const { namespace, name } = nameOf(pod);
  return `${namespace}/${name}`;
}

function assigned(pod: PodLike): boolean {
  return Boolean(pod.spec?.nodeName);
}

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class SchedulerCore {
  readonly snapshot = new Snapshot();
  readonly queue: SchedulingQueue<Pod>;
  private readonly opts: SchedulerCoreOptions;
  private readonly log: Logger;
  private readonly parallelBinds: number;
  private readonly random: () => number;
  private readonly schedulerNames: Set<string>;
  private readonly pendingStatus = new Map<string, Promise<void>>();
  private readonly background = new Set<Promise<void>>();
  private slotWaiter?: () => void;
  private activeWaiter?: () => void;
  private nextStartIndex = 0;
  private inFlight = 0;
  private active = false;
  private stopped = false;
  private loop?: Promise<void>;
  private readonly counters = { attempts: 0, scheduled: 0, bound: 0, unschedulable: 0, errors: 0, bindConflicts: 0, bindErrors: 0, cycleMs: 0, cycleCpuMs: 0 };

  constructor(opts: SchedulerCoreOptions) {
    this.opts = opts;
    this.log = opts.logger;
    this.parallelBinds = Math.max(1, opts.parallelBinds ?? DEFAULT_PARALLEL_BINDS);
    this.random = opts.random ?? Math.random;
    this.schedulerNames = new Set(opts.profiles.map((p) => p.schedulerName));
    this.queue = new SchedulingQueue<Pod>({
      clock: opts.clock,
      initialBackoffMs: opts.initialBackoffMs,
      maxBackoffMs: opts.maxBackoffMs,
      maxInUnschedulableMs: opts.maxInUnschedulableMs,
    });
  }

  // ---- informer event handlers -------------------------------------------------------

  onNodeAdd(node: NodeLike): void {
    this.snapshot.addNode(node);
    this.queue.moveAllToActiveOrBackoff('NodeAdd');
  }

  onNodeUpdate(oldNode: NodeLike, newNode: NodeLike): void {
    this.snapshot.updateNode(newNode);
    for (const ev of nodeUpdateEvents(oldNode, newNode)) this.queue.moveAllToActiveOrBackoff(ev);
  }

  onNodeDelete(node: NodeLike): void {
    this.snapshot.removeNode(node);
  }

  /** Whether this scheduler owns a pending pod (its schedulerName is one of our profiles). */
  responsibleFor(pod: PodLike): boolean {
    return this.schedulerNames.has(pod.spec?.schedulerName || 'default-scheduler');
  }

  onPodAdd(pod: Pod): void {
    if (assigned(pod)) {
      this.snapshot.addPod(pod);
      this.queue.delete(queueKey(pod));
      return;
    }
    this.pendingPodChanged(pod);
  }

  onPodUpdate(oldPod: Pod, newPod: Pod): void {
    if (assigned(newPod)) {
      this.snapshot.updatePod(newPod);
      this.queue.delete(queueKey(newPod));
      // A pod that finished frees its node's resources, as a deletion does.
      if (assigned(oldPod) && !podFinished(oldPod) && podFinished(newPod)) this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
      return;
    }
    this.pendingPodChanged(newPod);
  }

  onPodDelete(pod: Pod): void {
    if (assigned(pod)) {
      this.snapshot.removePod(pod);
      this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
      return;
    }
    this.queue.delete(queueKey(pod));
    // Deleted while its bind is in flight: its resources must not stay assumed.
    if (this.snapshot.isAssumed(pod)) {
      this.snapshot.forgetPod(pod);
      this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
    }
  }

  private pendingPodChanged(pod: Pod): void {
    const key = queueKey(pod);
    if (!this.responsibleFor(pod) || pod.metadata.deletionTimestamp) {
      this.queue.delete(key);
      return;
    }
    // Being bound right now: the binding decides; the pod must not be scheduled twice.
    if (this.snapshot.isAssumed(pod)) return;
    this.queue.update(key, pod);
  }

  // ---- the loop ------------------------------------------------------------------------

  /** Starts the loop (once). Cycles run only while active (see setActive). */
  run(): void {
    this.loop ??= this.runLoop().catch((err) => this.log.error({ err }, 'scheduling loop crashed'));
  }

  /** Turns scheduling on or off (leading or not); pods keep queueing meanwhile. */
  setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    if (active) {
      this.activeWaiter?.();
    } else {
      // A loop blocked in pop() must notice at once, not with the next pod.
      this.queue.wakeWaiters();
    }
  }

  isActive(): boolean {
    return this.active;
  }

  private async runLoop(): Promise<void> {
    let cycles = 0;
    // CPU is read around each batch of cycles (nothing else runs until the loop awaits):
    // reading it for every cycle cost more than some of the cycles it measured.
    let batchCpu: NodeJS.CpuUsage | undefined;
    let batchStart = 0;
    const endBatch = (): void => {
      if (batchCpu) this.addBatchCpu(batchCpu);
      batchCpu = undefined;
      cycles = 0;
    };
    while (!this.stopped) {
      if (!this.active) {
        endBatch();
        await new Promise<void>((resolve) => (this.activeWaiter = resolve));
        this.activeWaiter = undefined;
        continue;
      }
      if (this.inFlight >= this.parallelBinds) {
        endBatch();
        await new Promise<void>((resolve) => (this.slotWaiter = resolve));
        this.slotWaiter = undefined;
        continue;
      }
      let p = this.queue.tryPop();
      if (!p) {
        endBatch();
        p = await this.queue.pop();
        if (!p) continue;
        if (!this.active || this.stopped) {
          this.queue.addBackoff(p);
          continue;
        }
      }
      const began = performance.now();
      if (!batchCpu) {
        batchCpu = process.cpuUsage();
        batchStart = began;
      }
      this.scheduleOne(p);
      const ended = performance.now();
      this.counters.cycleMs += ended - began;
      if (++cycles >= CYCLES_PER_YIELD || ended - batchStart >= BATCH_BUDGET_MS) {
        endBatch();
        // Informer events and bind responses get their turn between batches.
        await yieldToIo();
      }
    }
    endBatch();
  }

  private addBatchCpu(since: NodeJS.CpuUsage): void {
    const used = process.cpuUsage(since);
    this.counters.cycleCpuMs += (used.user + used.system) / 1000;
  }

  /** One scheduling cycle; synchronous by design (see the file comment). */
  scheduleOne(p: QueuedPodInfo<Pod>): void {
    this.counters.attempts++;
    const { namespace, name } = nameOf(p.pod);
    const live = this.opts.lookupPod(namespace, name);
    // Deleted, bound by someone else, being deleted, replaced by a new pod of that name:
    // nothing to do (kube's skipPodSchedule).
    if (!live || live.metadata.uid !== p.pod.metadata.uid || assigned(live) || live.metadata.deletionTimestamp) return;
    p.pod = live;
    const profile = profileForPod(live, this.opts.profiles);
    if (!profile) return;
    const result = schedulePod(live, this.snapshot, profile, {
      startIndex: this.nextStartIndex,
      percentageOfNodesToScore: this.opts.percentageOfNodesToScore,
      random: this.random,
    });
    this.nextStartIndex = result.nextStartIndex;
    if (isScheduleFailure(result)) {
      this.handleFailure(p, result.error);
      return;
    }
    this.snapshot.assumePod(live, result.nodeName);
    this.counters.scheduled++;
    this.startBind(p, result.nodeName);
  }

  // ---- binding ---------------------------------------------------------------------------

  private startBind(p: QueuedPodInfo<Pod>, node: string): void {
    this.inFlight++;
    const pod = p.pod;
    const { namespace, name } = nameOf(pod);
    const before = this.pendingStatus.get(p.key);
    const work = (async () => {
      try {
        // Issue the request after the current batch of cycles, not inside this one.
        await before;
        const pre = await this.runPreBind(pod, node);
        if (pre) {
          this.preBindFailed(p, pre);
          return;
        }
        await this.opts.client.bind(namespace, name, node);
        this.counters.bound++;
        this.opts.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
      } catch (err) {
        this.bindFailed(p, node, err);
      } finally {
        this.inFlight--;
        this.slotWaiter?.();
      }
    })();
    this.track(work);
  }

  /** Runs the profile's PreBind plugins in order; the first failure's message, or undefined. */
  private async runPreBind(pod: Pod, node: string): Promise<string | undefined> {
    const plugins = profileForPod(pod, this.opts.profiles)?.preBind ?? [];
    const labels = this.snapshot.get(node)?.labels ?? {};
    for (const pl of plugins) {
      const s = await pl.preBind(pod, node, labels);
      if (s.code !== 'Success' && s.code !== 'Skip') return `running PreBind plugin "${pl.name}": ${statusMessage(s)}`;
    }
    return undefined;
  }

  /** A PreBind plugin refused: the assumed pod is forgotten and retried with backoff. */
  private preBindFailed(p: QueuedPodInfo<Pod>, message: string): void {
    const pod = p.pod;
    const { namespace, name } = nameOf(pod);
    this.snapshot.forgetPod(pod);
    this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
    this.counters.bindErrors++;
    this.opts.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    const live = this.opts.lookupPod(namespace, name);
    if (!live || live.metadata.uid !== pod.metadata.uid || assigned(live) || live.metadata.deletionTimestamp) return;
    p.pod = live;
    this.queue.addBackoff(p);
  }

  private bindFailed(p: QueuedPodInfo<Pod>, node: string, err: unknown): void {
    const pod = p.pod;
    const { namespace, name } = nameOf(pod);
    this.snapshot.forgetPod(pod);
    // The assumed resources are free again: pods waiting for them may fit now.
    this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
    if (isConflict(err) || isNotFound(err)) {
      // Already assigned (another scheduler, a retry that won) or gone: nothing to retry.
      this.counters.bindConflicts++;
      this.log.debug({ pod: p.key, node, err }, 'bind refused; dropping the pod');
      return;
    }
    this.counters.bindErrors++;
    const message = `binding rejected: ${(err as Error)?.message ?? String(err)}`;
    this.log.warn({ pod: p.key, node, err }, 'bind failed; retrying with backoff');
    this.opts.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    const live = this.opts.lookupPod(namespace, name);
    if (!live || live.metadata.uid !== pod.metadata.uid || assigned(live) || live.metadata.deletionTimestamp) return;
    p.pod = live;
    this.queue.addBackoff(p);
  }

  // ---- failures --------------------------------------------------------------------------

  private handleFailure(p: QueuedPodInfo<Pod>, fit: FitError): void {
    const pod = p.pod;
    const reason = fit.kind === 'Error' ? REASON_SCHEDULER_ERROR : REASON_UNSCHEDULABLE;
    if (fit.kind === 'Error') {
      this.counters.errors++;
      this.log.error({ pod: p.key, message: fit.message }, 'error scheduling pod; retrying');
      this.queue.addBackoff(p);
    } else {
      this.counters.unschedulable++;
      this.log.debug({ pod: p.key, message: fit.message }, 'unable to schedule pod; waiting');
      this.queue.addUnschedulable(p, fit.diagnosis.unschedulablePlugins);
    }
    this.opts.recorder.event(pod, 'Warning', 'FailedScheduling', fit.message);
    const patch = schedulingFailedPatch(pod as PodWithConditions, reason, fit.message, this.opts.clock.now());
    if (patch) this.writeStatus(p.key, pod, patch);
  }

  /** Patches the pod's status in the background, after any earlier write for the pod. */
  private writeStatus(key: string, pod: Pod, patch: unknown): void {
    const { namespace, name } = nameOf(pod);
    const before = this.pendingStatus.get(key) ?? Promise.resolve();
    const work: Promise<void> = before
      .then(() => this.opts.client.patch(podResource, name, patch, { namespace, type: 'strategic', subresource: 'status' }))
      .then(
        () => undefined,
        (err: unknown) => {
          if (!isNotFound(err)) this.log.warn({ pod: key, err }, 'could not update the pod condition');
        },
      )
      .finally(() => {
        if (this.pendingStatus.get(key) === work) this.pendingStatus.delete(key);
      });
    this.pendingStatus.set(key, work);
    this.track(work);
  }

  private track(work: Promise<void>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Resolves once no bind or status write is in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Ends the loop and the queue's timers; waits for work already started. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.active = false;
    this.queue.close();
    this.activeWaiter?.();
    this.slotWaiter?.();
    await this.loop;
    await this.settle();
  }

  stats(): SchedulerStats {
    return {
      ...this.counters,
      bindsInFlight: this.inFlight,
      queue: this.queue.counts(),
      nodes: this.snapshot.numNodes,
      active: this.active,
    };
  }
}
