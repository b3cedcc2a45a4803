import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import { configMapResource } from '../api/core/configmap.js';
import type { ObjectReference } from '../api/meta.js';
import type { PodDisruptionBudget } from '../api/policy/pdb.js';
import type { KubeObject } from '../api/types.js';
import type { CloudProvider, NodeGroupView } from '../cloud/cloud-provider.js';
import type { Instance } from '../cloud/cloud-state.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { ReadonlyStore } from '../client/store.js';
import { isAlreadyExists, isNotFound, type RestClient } from '../client/rest-client.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { NodeInfo, newPodInfo } from '../scheduler/node-info.js';
import { GroupBackoff } from './backoff.js';
import { clusterState, isNodeReady, type ClusterState } from './cluster-state.js';
import { DrainActuator } from './drain-actuator.js';
import type { CaMetrics } from './metrics.js';
import { CA_NAMESPACE, PRIORITY_CONFIGMAP, type AutoscalingOptions } from './options.js';
import { unschedulablePods } from './pending-pods.js';
import { createPredicateChecker } from './predicate-checker.js';
import { hasToBeDeletedTaint, planScaleDown, type NodeForScaleDown, type ScaleDownPlan } from './scale-down.js';
import { decideScaleUp, type GroupForScaleUp } from './scale-up.js';
import { renderStatus, StatusTracker } from './status.js';
import { templateNode } from './template-node.js';

/**
 * One cluster autoscaler: CA's StaticAutoscaler.RunOnce every --scan-interval. Reads its
 * informers' caches and the cloud, decides with the pure functions (scale-up.ts,
 * scale-down.ts), and writes: a cloud size increase, taints and evictions through the
 * API (drain-actuator.ts), instance deletions, events and the status ConfigMap.
 */

export interface AutoscalerDeps {
  client: RestClient;
  cloud: CloudProvider;
  clock: Clock;
  logger: Logger;
  options: AutoscalingOptions;
  recorder: EventRecorder;
  metrics: CaMetrics;
  random: () => number;
  nodes: ReadonlyStore<KubeObject>;
  pods: ReadonlyStore<KubeObject>;
  pdbs: ReadonlyStore<KubeObject>;
}

/** CA's --ok-total-unready-count and --max-total-unready-percentage. */
const OK_TOTAL_UNREADY = 3;
const MAX_UNREADY_FRACTION = 0.45;

export interface LoopResult {
  scaleUp?: { group: string; from: number; to: number };
  plan?: ScaleDownPlan;
  /** Milliseconds from the start of the loop to the increase request, when there was one. */
  scaleUpDecisionMs?: number;
}

export class ClusterAutoscaler {
  private readonly log: Logger;
  private readonly checker = createPredicateChecker();
  private readonly backoff: GroupBackoff;
  private readonly tracker = new StatusTracker();
  private readonly drains: DrainActuator;
  private unneededSince = new Map<string, number>();
  private lastScaleUp = -Infinity;
  private lastScaleDownDelete = -Infinity;
  private templates = new Map<string, { key: string; node: Node }>();

  constructor(private readonly d: AutoscalerDeps) {
    this.log = d.logger.child({ component: 'cluster-autoscaler' });
    this.backoff = new GroupBackoff(d.options.initialNodeGroupBackoffMs, d.options.maxNodeGroupBackoffMs);
    this.drains = new DrainActuator({ ...d, statusRef: () => this.statusRef() });
  }

  /** The status ConfigMap, the object CA's cluster-wide events are about. */
  statusRef(): ObjectReference {
    return { apiVersion: 'v1', kind: 'ConfigMap', namespace: CA_NAMESPACE, name: this.d.options.statusConfigMapName };
  }

  get lastScaleDownFailure(): number {
    return this.drains.lastFailure;
  }

  async stop(): Promise<void> {
    await this.drains.stop();
  }

  private template(g: NodeGroupView): Node {
    const key = JSON.stringify(g.machine);
    const have = this.templates.get(g.name);
    if (have?.key === key) return have.node;
    const node = templateNode(g);
    this.templates.set(g.name, { key, node });
    return node;
  }

  async runOnce(): Promise<LoopResult> {
    const { clock, cloud, metrics, options } = this.d;
    const start = clock.now();
    const now = start;
    metrics.lastActivity.set({ activity: 'main' }, now / 1000);
    const groups = await cloud.nodeGroups();
    const instances = await cloud.instances();
    const nodes = this.d.nodes.list() as Node[];
    const allPods = this.d.pods.list() as Pod[];
    const state = clusterState(nodes, groups, instances, now, options.maxNodeProvisionTimeMs);
    await this.handleFailedInstances(groups, state, now);

    const result: LoopResult = {};
    const unready = state.unreadyNodes;
    const healthy = unready <= Math.max(OK_TOTAL_UNREADY, MAX_UNREADY_FRACTION * state.totalNodes);
    metrics.clusterSafeToAutoscale.set(healthy ? 1 : 0);

    // Pods by node, once (scale-up and scale-down both need them).
    const podsByNode = new Map<string, Pod[]>();
    for (const p of allPods) {
      const n = p.spec?.nodeName;
      const phase = p.status?.phase;
      if (!n || phase === 'Succeeded' || phase === 'Failed') continue;
      let list = podsByNode.get(n);
      if (!list) podsByNode.set(n, (list = []));
      list.push(p);
    }

    const pending = unschedulablePods(allPods, now, options.newPodScaleUpDelayMs);
    metrics.unschedulablePodsCount.set({ type: 'unschedulable' }, pending.length);
    let scaleUpInProgress = false;
    for (const c of state.counts.values()) if (c.upcoming > 0) scaleUpInProgress = true;

    if (healthy && pending.length > 0) {
      const up = await this.scaleUp(pending, nodes, podsByNode, groups, state, now);
      if (up) {
        result.scaleUp = up;
        result.scaleUpDecisionMs = clock.now() - start;
        scaleUpInProgress = true;
      }
    }

    let plan: ScaleDownPlan | undefined;
    if (healthy && options.scaleDownEnabled) {
      const t0 = clock.now();
      plan = this.scaleDownPlan(nodes, podsByNode, state, now);
      result.plan = plan;
      metrics.functionDuration.observe({ function: 'findUnneeded' }, (clock.now() - t0) / 1000);
      const cooldown =
        now - this.lastScaleUp < options.scaleDownDelayAfterAddMs ||
        now - this.lastScaleDownDelete < options.scaleDownDelayAfterDeleteMs ||
        now - this.drains.lastFailure < options.scaleDownDelayAfterFailureMs;
      metrics.scaleDownInCooldown.set(cooldown ? 1 : 0);
      if (!cooldown && (plan.empty.length > 0 || plan.drain)) {
        metrics.lastActivity.set({ activity: 'scaleDown' }, now / 1000);
        const started = this.drains.start(plan, state, instances);
        if (started > 0) this.lastScaleDownDelete = now;
      }
    }

    await this.writeStatus(groups, state, plan, healthy, scaleUpInProgress, now);
    this.updateMetrics(groups, state, plan);
    metrics.functionDuration.observe({ function: 'main' }, (clock.now() - start) / 1000);
    return result;
  }

  /** Failed creates and overdue nodes: back the group off, delete the instances (CA's DeleteCreatedNodesWithErrors). */
  private async handleFailedInstances(groups: NodeGroupView[], state: ClusterState, now: number): Promise<void> {
    for (const g of groups) {
      const c = state.counts.get(g.name)!;
      const bad: Instance[] = [...c.failed, ...c.overdue];
      if (bad.length === 0) continue;
      const first = c.failed[0]?.error;
      const code = first?.code ?? 'timeout';
      const message = first?.message ?? `${c.overdue.length} node(s) of group ${g.name} did not register within ${Math.round(this.d.options.maxNodeProvisionTimeMs / 1000)}s`;
      const b = this.backoff.fail(g.name, now, code, message);
      this.d.metrics.failedScaleUps.inc({ reason: first ? 'cloudProviderError' : 'timeout' });
      const reason = first ? 'FailedToScaleUpGroup' : 'ScaleUpTimedOut';
      this.d.recorder.event(this.statusRef(), 'Warning', reason, first ? `Scale-up failed for group ${g.name}: ${code}: ${message}` : `Nodes added to group ${g.name} failed to register within ${Math.round(this.d.options.maxNodeProvisionTimeMs / 1000)}s`);
      this.log.warn({ group: g.name, code, backoffMs: b.durationMs, instances: bad.map((i) => i.id) }, 'scale-up failed; node group backed off');
      try {
        await this.d.cloud.deleteInstances(
          g.name,
          bad.map((i) => i.id),
        );
      } catch (err) {
        this.log.warn({ group: g.name, err: (err as Error).message }, 'failed to delete instances of a failed scale-up');
      }
      // They are gone from the counts now.
      c.failed = [];
      c.overdue = [];
    }
  }

  private async scaleUp(
    pending: Pod[],
    nodes: Node[],
    podsByNode: Map<string, Pod[]>,
    groups: NodeGroupView[],
    state: ClusterState,
    now: number,
  ): Promise<{ group: string; from: number; to: number } | undefined> {
    const { clock, options, metrics, recorder } = this.d;
    const t0 = clock.now();
    const cluster: NodeInfo[] = [];
    for (const n of nodes) {
      if (!isNodeReady(n) || hasToBeDeletedTaint(n)) continue;
      const info = new NodeInfo(n.metadata.name ?? '', n);
      for (const p of podsByNode.get(n.metadata.name ?? '') ?? []) info.addPod(newPodInfo(p));
      cluster.push(info);
    }
    let upcoming = 0;
    for (const g of groups) {
      const count = state.counts.get(g.name)!.upcoming;
      upcoming += count;
      const t = this.template(g);
      for (let i = 0; i < count; i++) cluster.push(new NodeInfo(`upcoming-${g.name}-${i}`, { ...t, metadata: { ...t.metadata, name: `upcoming-${g.name}-${i}` } }));
    }
    const forScaleUp: GroupForScaleUp[] = groups.map((g) => ({ view: g, template: this.template(g), backedOff: this.backoff.backedOff(g.name, now) !== undefined }));
    const priorities = options.expander.includes('priority') ? await this.priorities() : undefined;
    const decision = decideScaleUp({
      pending,
      cluster,
      groups: forScaleUp,
      totalNodes: state.totalNodes + upcoming,
      maxNodesTotal: options.maxNodesTotal,
      expander: options.expander,
      expanderContext: { random: this.d.random, ...(priorities !== undefined ? { priorities } : {}) },
      checker: this.checker,
    });
    for (const { pod, reasons } of decision.noScaleUp) {
      recorder.event(pod as Pod, 'Normal', 'NotTriggerScaleUp', `pod didn't trigger scale-up: ${reasons.join(', ')}`);
    }
    metrics.functionDuration.observe({ function: 'scaleUp' }, (clock.now() - t0) / 1000);
    const inc = decision.increase;
    if (!inc) return undefined;
    metrics.lastActivity.set({ activity: 'scaleUp' }, now / 1000);
    try {
      await this.d.cloud.increaseSize(inc.group, inc.to - inc.from);
    } catch (err) {
      const message = (err as Error).message;
      const b = this.backoff.fail(inc.group, now, (err as { code?: string }).code ?? 'cloudProviderError', message);
      metrics.failedScaleUps.inc({ reason: 'cloudProviderError' });
      recorder.event(this.statusRef(), 'Warning', 'FailedToScaleUpGroup', `Scale-up failed for group ${inc.group}: ${message}`);
      this.log.warn({ group: inc.group, err: message, backoffMs: b.durationMs }, 'scale-up failed');
      return undefined;
    }
    this.lastScaleUp = now;
    metrics.scaledUpNodes.inc(inc.to - inc.from);
    this.log.info({ group: inc.group, from: inc.from, to: inc.to, pods: inc.pods.length }, 'scale-up');
    recorder.event(this.statusRef(), 'Normal', 'ScaledUpGroup', `Scale-up: setting group ${inc.group} size to ${inc.to} instead of ${inc.from} (max: ${inc.max})`);
    for (const p of inc.pods) recorder.event(p as Pod, 'Normal', 'TriggeredScaleUp', `pod triggered scale-up: [{${inc.group} ${inc.from}->${inc.to} (max: ${inc.max})}]`);
    return { group: inc.group, from: inc.from, to: inc.to };
  }

  private async priorities(): Promise<string | undefined> {
    try {
      const cm = await this.d.client.get<KubeObject & { data?: Record<string, string> }>(configMapResource, PRIORITY_CONFIGMAP, { namespace: CA_NAMESPACE });
      return cm.data?.['priorities'];
    } catch (err) {
      if (!isNotFound(err)) this.log.warn({ err: (err as Error).message }, 'reading the priority expander ConfigMap failed');
      return undefined;
    }
  }

  private scaleDownPlan(nodes: Node[], podsByNode: Map<string, Pod[]>, state: ClusterState, now: number): ScaleDownPlan {
    const o = this.d.options;
    const input: NodeForScaleDown[] = nodes.map((n) => {
      const name = n.metadata.name ?? '';
      const g = state.groupOfNode.get(name);
      return {
        node: n,
        pods: podsByNode.get(name) ?? [],
        ready: isNodeReady(n),
        ...(g ? { group: { name: g.name, minSize: g.minSize, targetSize: g.targetSize } } : {}),
      };
    });
    const plan = planScaleDown({
      nodes: input,
      pdbs: this.d.pdbs.list() as PodDisruptionBudget[],
      now,
      unneededSince: this.unneededSince,
      threshold: o.scaleDownUtilizationThreshold,
      unneededTimeMs: o.scaleDownUnneededTimeMs,
      maxEmptyBulkDelete: o.maxEmptyBulkDelete,
      rules: { skipNodesWithLocalStorage: o.skipNodesWithLocalStorage, skipNodesWithSystemPods: o.skipNodesWithSystemPods },
      checker: this.checker,
    });
    this.unneededSince = plan.unneededSince;
    return plan;
  }

  private async writeStatus(groups: NodeGroupView[], state: ClusterState, plan: ScaleDownPlan | undefined, healthy: boolean, scaleUpInProgress: boolean, now: number): Promise<void> {
    if (!this.d.options.writeStatusConfigMap) return;
    const candidatesOf = (g: string) => [...(plan?.unneededSince.keys() ?? [])].filter((n) => state.groupOfNode.get(n)?.name === g).length;
    let notStarted = 0;
    let unregistered = 0;
    let longUnregistered = 0;
    for (const c of state.counts.values()) {
      notStarted += c.notStarted;
      unregistered += Math.max(0, c.upcoming - c.notStarted);
      longUnregistered += c.overdue.length;
    }
    const text = renderStatus(
      {
        now,
        readyNodes: state.readyNodes,
        unreadyNodes: state.unreadyNodes,
        totalNodes: state.totalNodes,
        notStarted,
        unregistered,
        longUnregistered,
        healthy,
        scaleUpInProgress,
        scaleDownCandidates: plan?.unneededSince.size ?? 0,
        groups: groups.map((g) => {
          const b = this.backoff.backedOff(g.name, now);
          return { view: g, counts: state.counts.get(g.name)!, scaleDownCandidates: candidatesOf(g.name), ...(b ? { backoff: b } : {}) };
        }),
      },
      this.tracker,
    );
    const name = this.d.options.statusConfigMapName;
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: CA_NAMESPACE, annotations: { 'cluster-autoscaler.kubernetes.io/last-updated': new Date(now).toISOString().replace(/\.\d+Z$/, 'Z') } },
      data: { status: text },
    } as KubeObject;
    try {
      await this.d.client.patch(configMapResource, name, { metadata: body.metadata, data: body.data }, { type: 'merge', namespace: CA_NAMESPACE });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await this.d.client.create(configMapResource, body);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
  }

  private updateMetrics(groups: NodeGroupView[], state: ClusterState, plan: ScaleDownPlan | undefined): void {
    const m = this.d.metrics;
    let notStarted = 0;
    let unregistered = 0;
    let longUnregistered = 0;
    for (const c of state.counts.values()) {
      notStarted += c.notStarted;
      unregistered += Math.max(0, c.upcoming - c.notStarted);
      longUnregistered += c.overdue.length;
    }
    m.nodesCount.set({ state: 'ready' }, state.readyNodes);
    m.nodesCount.set({ state: 'unready' }, state.unreadyNodes - notStarted);
    m.nodesCount.set({ state: 'notStarted' }, notStarted);
    m.nodesCount.set({ state: 'unregistered' }, unregistered);
    m.nodesCount.set({ state: 'longUnregistered' }, longUnregistered);
    m.nodeGroupsCount.set({ node_group_type: 'autoscaled' }, groups.length);
    m.maxNodesCount.set(this.d.options.maxNodesTotal);
    for (const g of groups) {
      m.nodeGroupMin.set({ node_group: g.name }, g.minSize);
      m.nodeGroupMax.set({ node_group: g.name }, g.maxSize);
      m.nodeGroupTarget.set({ node_group: g.name }, g.targetSize);
    }
    if (plan) {
      m.unneededNodes.set(plan.unneededSince.size);
      m.unremovableNodes.reset();
      const byReason = new Map<string, number>();
      for (const { reason } of plan.unremovable.values()) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
      for (const [reason, n] of byReason) m.unremovableNodes.set({ reason }, n);
    }
  }
}
