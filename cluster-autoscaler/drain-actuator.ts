import { nodeResource, type Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import type { ObjectReference } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';
import { Sleeper } from '../client/backoff.js';
import type { CloudProvider } from '../cloud/cloud-provider.js';
import type { Instance } from '../cloud/cloud-state.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { ReadonlyStore } from '../client/store.js';
import { ApiError, isNotFound, type RestClient } from '../client/rest-client.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { instanceOfNode, type ClusterState } from './cluster-state.js';
import type { CaMetrics } from './metrics.js';
import { TO_BE_DELETED_TAINT, type AutoscalingOptions } from './options.js';
import type { NodeToRemove, ScaleDownPlan } from './scale-down.js';

/**
 * Carries out a scale-down plan, as CA's actuator does, in the background of the loop:
 *
 * 1. taint the node `ToBeDeletedByClusterAutoscaler=<unix time>:NoSchedule` (the
 *    scheduler stops placing pods there) and record `ScaleDown` on it;
 * 2. for a node with pods to move: record `ScaleDown` on each pod and evict it through
 *    the eviction API, retrying while a PodDisruptionBudget refuses (429) for up to
 *    --max-pod-eviction-time; then wait (up to --max-graceful-termination-sec) for the
 *    pods to be gone;
 * 3. delete the instance from the cloud (the cloud controller manager then deletes the
 *    Node).
 *
 * When a drain fails the taint comes off again, the node gets `ScaleDownFailed`, and
 * scale-down pauses for --scale-down-delay-after-failure.
 */

export interface DrainDeps {
  client: RestClient;
  cloud: CloudProvider;
  clock: Clock;
  logger: Logger;
  options: AutoscalingOptions;
  recorder: EventRecorder;
  metrics: CaMetrics;
  nodes: ReadonlyStore<KubeObject>;
  pods: ReadonlyStore<KubeObject>;
  statusRef: () => ObjectReference;
}

const EVICTION_RETRY_MS = 5000;
const POD_GONE_POLL_MS = 1000;

function fmt(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

export class DrainActuator {
  private readonly inFlight = new Set<string>();
  private readonly sleeper: Sleeper;
  private readonly log: Logger;
  private readonly tasks = new Set<Promise<void>>();
  private stopped = false;
  lastFailure = -Infinity;

  constructor(private readonly d: DrainDeps) {
    this.sleeper = new Sleeper(d.clock);
    this.log = d.logger.child({ component: 'cluster-autoscaler', part: 'scale-down' });
  }

  /** Starts the plan's deletions not already under way; answers how many started. */
  start(plan: ScaleDownPlan, state: ClusterState, instances: readonly Instance[]): number {
    const todo = [...plan.empty.map((n) => ({ n, empty: true })), ...(plan.drain ? [{ n: plan.drain, empty: false }] : [])];
    let started = 0;
    for (const { n, empty } of todo) {
      if (this.inFlight.has(n.name)) continue;
      const node = this.d.nodes.get(n.name) as Node | undefined;
      const inst = node && instanceOfNode(node, instances);
      if (!node || !inst || !state.groupOfNode.has(n.name)) continue;
      this.inFlight.add(n.name);
      started++;
      const task = this.remove(n, node, inst, empty).finally(() => {
        this.inFlight.delete(n.name);
        this.tasks.delete(task);
      });
      this.tasks.add(task);
    }
    return started;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wakeAll();
    await Promise.allSettled([...this.tasks]);
  }

  /** For tests: resolves when every removal under way has ended. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
  }

  private async remove(target: NodeToRemove, node: Node, inst: Instance, empty: boolean): Promise<void> {
    const { recorder, metrics } = this.d;
    const u = target.utilization;
    try {
      await this.taint(node.metadata.name!, true);
      recorder.event(node, 'Normal', 'ScaleDown', 'marked the node as toBeDeleted/unschedulable');
      if (empty) {
        recorder.event(this.d.statusRef(), 'Normal', 'ScaleDownEmpty', `Scale-down: removing empty node "${target.name}"`);
      } else {
        const pods = target.podsToMove.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(',');
        recorder.event(this.d.statusRef(), 'Normal', 'ScaleDown', `Scale-down: removing node ${target.name}, utilization: {${fmt(u.cpu)} ${fmt(u.memory)} 0 ${u.cpu >= u.memory ? 'cpu' : 'memory'} ${fmt(u.utilization)}}, pods to reschedule: ${pods}`);
        await this.drain(target.podsToMove);
      }
      await this.d.cloud.deleteInstances(inst.group, [inst.id]);
      metrics.scaledDownNodes.inc({ reason: empty ? 'empty' : 'underutilized' });
      this.log.info({ node: target.name, group: inst.group, empty }, 'scale-down: node removed');
    } catch (err) {
      if (this.stopped) return;
      this.lastFailure = this.d.clock.now();
      metrics.errors.inc({ type: 'scaleDownError' });
      const message = (err as Error).message;
      this.log.warn({ node: target.name, err: message }, 'scale-down failed');
      recorder.event(node, 'Warning', 'ScaleDownFailed', `failed to drain the node, aborting ScaleDown: ${message}`);
      try {
        await this.taint(node.metadata.name!, false);
      } catch (e) {
        this.log.warn({ node: target.name, err: (e as Error).message }, 'removing the ToBeDeleted taint failed');
      }
    }
  }

  /** Adds or removes the ToBeDeleted taint (merge patch with the whole list, from a fresh read). */
  private async taint(name: string, on: boolean): Promise<void> {
    const node = await this.d.client.get<Node>(nodeResource, name);
    const others = (node.spec?.taints ?? []).filter((t) => t.key !== TO_BE_DELETED_TAINT);
    const taints = on ? [...others, { key: TO_BE_DELETED_TAINT, value: String(Math.floor(this.d.clock.now() / 1000)), effect: 'NoSchedule' }] : others;
    await this.d.client.patch(nodeResource, name, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints } }, { type: 'merge' });
  }

  private async drain(pods: Pod[]): Promise<void> {
    const { clock, options, recorder, metrics } = this.d;
    const deadline = clock.now() + options.maxPodEvictionTimeMs;
    const left = new Set(pods);
    while (left.size > 0) {
      for (const p of [...left]) {
        try {
          recorder.event(p, 'Normal', 'ScaleDown', 'deleting pod for node scale down');
          await this.d.client.evict(p.metadata.namespace!, p.metadata.name!);
          metrics.evictedPods.inc();
          left.delete(p);
        } catch (err) {
          if (isNotFound(err)) {
            left.delete(p);
            continue;
          }
          const tooMany = err instanceof ApiError && err.code === 429;
          if (!tooMany) throw err;
          if (clock.now() >= deadline) throw new Error(`failed to evict pod ${p.metadata.namespace}/${p.metadata.name} within allowed timeout (last error: ${err.message})`);
        }
      }
      if (left.size === 0 || this.stopped) break;
      await this.sleeper.sleep(EVICTION_RETRY_MS);
    }
    // The evicted pods terminate gracefully; the node goes once they have.
    const until = clock.now() + options.maxGracefulTerminationMs;
    const uids = new Set(pods.map((p) => p.metadata.uid));
    while (!this.stopped) {
      const still = pods.some((p) => {
        const live = this.d.pods.get(`${p.metadata.namespace}/${p.metadata.name}`);
        return live && uids.has(live.metadata.uid);
      });
      if (!still) return;
      if (clock.now() >= until) throw new Error('pods did not terminate within --max-graceful-termination-sec');
      await this.sleeper.sleep(POD_GONE_POLL_MS);
    }
  }
}
