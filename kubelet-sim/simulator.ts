import type { Node } from '../api/core/node.js';
import { nodeResource } from '../api/core/node.js';
import { podResource, type Pod } from '../api/core/pod.js';
import type { Container } from '../api/core/container.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectReference } from '../api/meta.js';
import { isConflict, isNotFound, type RestClient } from '../client/rest-client.js';
import { createInformer, type Informer } from '../client/informer.js';
import { createEventRecorder, type EventRecorder } from '../client/event-recorder.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { declaredExit } from './annotations.js';
import { DueQueue } from './due-queue.js';
import { sandboxIdOf } from './ids.js';
import { ImageCache, imagesFromStatus, planPodImages, pullStageMs, recordPulled } from './image-cache.js';
import { podImageContainers } from './image-pull.js';
import { IpAllocator, parseCidr, sandboxExhaustedMessage } from './ip-allocator.js';
import { containerRef, lifecycleEvents } from './lifecycle-events.js';
import type { NodeIdentity } from './node-status.js';
import { nodeAddresses, type ResolvedNodeTemplate } from './node-template.js';
import { kubeletNodeRef, nodeStartEvents, nodeStatusEvents, type NodeEvent } from './node-events.js';
import { registerNode, renewLease, reportNodeStatus } from './node-sync.js';
import { adoptionOf } from './node-adoption.js';
import { adoptPodSim } from './pod-adopt.js';
import { plannedPodExit, type PlannedExit } from './pod-exit-plan.js';
import { holdsSandbox, newPodSim, transition, type PodSim, type TransitionInput } from './pod-lifecycle.js';
import { renderPodStatus, statusUpToDate } from './pod-status.js';
import { delayMs, selectStage, stageDelayMs, type SimState, type Stage, type StageConfig } from './stages.js';
import { parseTime } from './time.js';
import { initsComplete } from './init-containers.js';
import { InitRunner } from './init-runner.js';
import type { ContainerHealth } from './probes/probe-manager.js';
import { createWritePool, type WritePool } from './write-pool.js';
import { createCacheTransforms, sameButVersion } from './object-cache.js';

/**
 * N simulated kubelets in one process. Per node: registration, a Lease renewed every
 * 10 s and a status report every 5 min (or at once when the live status drifted, e.g.
 * Ready=Unknown from the node lifecycle controller). Per pod: the lifecycle of stages.ts,
 * pod IPs from the node's podCIDR, graceful termination and the final delete.
 *
 * Shape: two informers (all Nodes; all bound Pods — one watch, filtered here by node
 * name), one DueQueue for every timed thing, one WritePool for every write. Handlers and
 * due callbacks only change in-memory records and enqueue keys; writes render the
 * latest state when they run, so a slow apiserver sees fewer, newer writes.
 */

export interface SimulatorOptions {
  client: RestClient;
  /** Each kubelet's own client (writes of its Node, Lease, pods); absent: `client` for all. */
  nodeClient?: (nodeName: string) => RestClient;
  names: string[];
  /** Index of names[0] in the fleet (addresses and zones derive from it). */
  firstIndex: number;
  template: ResolvedNodeTemplate;
  stages: StageConfig;
  clock: Clock;
  logger: Logger;
  port: number;
  qps: number;
  burst: number;
  concurrency: number;
  random: () => number;
  leaseRenewMs: number;
  statusReportMs: number;
  /** Normal events (Pulling, Created…, and the node's Starting, NodeReady…); warnings are always recorded. */
  events: boolean;
  /**
   * Told when a pod's run may have changed (a stage fired, the pod was first seen or is
   * gone: pod undefined): container-processes.ts starts and stops the containers' programs.
   */
  onRunChange?(rec: PodRecord, pod: Pod | undefined): void;
  /**
   * Before the containers start: why their config cannot be made (a missing ConfigMap or
   * Secret, container-config.ts), or undefined. The start then waits, retried every
   * `sandboxRetry`, with kubelet's CreateContainerConfigError.
   */
  configError?(pod: Pod): { container: string; message: string } | undefined;
  /**
   * Before the sandbox: the pod's volumes that cannot be set up (a missing ConfigMap or
   * Secret, volume-content.ts) with kubelet's FailedMount message. The pod then stays
   * ContainerCreating, looked at again every `sandboxRetry`, until they mount.
   */
  mountFailures?(pod: Pod): Array<{ volume: string; message: string }>;
  /**
   * Runs an init container's command live (container-processes.ts) and calls `exited` with
   * its status; false when the container does not run live (its planned exit applies).
   */
  runInit?(rec: PodRecord, pod: Pod, container: Container, startedAt: number, exited: (code: number) => void): boolean;
  /**
   * A deleted pod's running containers' preStop hooks (probes/hook-runner.ts): the stop
   * waits for the promise, at most the rest of the grace period; undefined: no hooks.
   */
  preStop?(rec: PodRecord, pod: Pod, graceMs: number): Promise<void> | undefined;
  /** Probe results of the pod's current run (probes/probe-manager.ts); undefined: no probes run. */
  health?(rec: PodRecord): ContainerHealth | undefined;
}

export interface NodeRecord {
  id: NodeIdentity;
  hostIP: string;
  failed: boolean;
  registered: boolean;
  /** Deleted from the apiserver: a kubelet does not re-register on its own, neither do we. */
  gone: boolean;
  uid?: string;
  leaseRV?: string;
  lastReportAt: number;
  alloc?: IpAllocator;
  pods: Set<PodRecord>;
  /** Pods whose sandbox waits for the node's podCIDR. */
  waitingNetwork: Set<PodRecord>;
  /** What the node's container runtime holds: decides pulls, feeds status.images. */
  images: ImageCache;
  /** Adopted nodes (node-adoption.ts) run their own machine template instead of the fleet's. */
  template?: ResolvedNodeTemplate;
}

export interface PodRecord {
  key: string;
  uid: string;
  node: NodeRecord;
  sim: PodSim;
  /** Bumped whenever a scheduled stage is superseded; due callbacks compare it. */
  gen: number;
  pendingStage?: string;
  /** The address this pod holds in its node's allocator (not for hostNetwork pods). */
  ipHeld?: string;
  listeners?: Set<() => void>;
  /** When the containers' commands make them exit (pod-exit-plan.ts); null: they run forever. Fixed per pod uid. */
  planned: PlannedExit | null;
  /** preStop hooks of a deleted pod: running (the stop waits) or done. */
  preStop?: 'running' | 'done';
  /** `planned` was set by containerExited for the current run only: the next run gets the pod's own plan back. */
  plannedOnce?: boolean;
}

/** Jitter of the heartbeat loop, as kubelet's lease controller (wait.JitterUntil, factor 0.04). */
const LEASE_JITTER = 0.04;

export class Simulator {
  readonly nodes = new Map<string, NodeRecord>();
  readonly pods = new Map<string, PodRecord>();
  private readonly due: DueQueue;
  private readonly pool: WritePool;
  private readonly recorder: EventRecorder;
  private readonly inits: InitRunner;
  readonly podInformer: Informer<KubeObject>;
  readonly nodeInformer: Informer<KubeObject>;
  private readonly log: Logger;
  private stopped = false;
  private started = false;

  constructor(private readonly o: SimulatorOptions) {
    this.log = o.logger;
    this.due = new DueQueue(o.clock);
    this.pool = createWritePool({
      clock: o.clock,
      logger: o.logger,
      concurrency: o.concurrency,
      qps: o.qps,
      burst: o.burst,
      clientOf: (key) => this.clientOf(key),
      sync: (key, throttle) => this.sync(key, throttle),
    });
    this.recorder = createEventRecorder(o.client, { component: 'kubelet', clock: o.clock, logger: o.logger });
    this.inits = new InitRunner({
      now: () => o.clock.now(),
      after: (ms, fn) => this.due.after(ms, fn),
      event: (ref, type, reason, message, node) => this.recordEvent(ref, type, reason, message, node),
      changed: (rec) => {
        this.pool.enqueue(`pod:${rec.key}`);
        this.notify(rec);
      },
      schedule: (rec, pod) => this.schedule(rec, pod),
      livePod: (rec) => this.livePod(rec),
      stopped: () => this.stopped,
      stages: o.stages,
      runInit: o.runInit && ((rec, pod, c, startedAt, exited) => o.runInit!(rec, pod, c, startedAt, exited)),
    });
    o.names.forEach((name, i) => {
      const index = o.firstIndex + i;
      this.nodes.set(name, {
        id: { name, index, port: o.port },
        hostIP: nodeAddresses(name, index).internalIP,
        failed: false,
        registered: false,
        gone: false,
        lastReportAt: -Infinity,
        pods: new Set(),
        waitingNetwork: new Set(),
        images: new ImageCache(o.template.images),
      });
    });
    // The caches keep what a kubelet reads, with what pods and nodes have in common shared
    // (object-cache.ts): most of the simulator's memory was informer copies of Pods.
    const cache = createCacheTransforms();
    this.nodeInformer = createInformer(o.client, nodeResource, { clock: o.clock, logger: o.logger, transform: cache.node });
    this.podInformer = createInformer(o.client, podResource, { fieldSelector: 'spec.nodeName!=', clock: o.clock, logger: o.logger, transform: cache.pod });
    this.nodeInformer.addEventHandler({
      onAdd: (n) => this.onNode(n as Node),
      onUpdate: (old, n) => {
        if (!sameButVersion(old, n)) this.onNode(n as Node);
      },
      onDelete: (n) => this.onNodeDeleted(n as Node),
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.onPod(p as Pod),
      // Only a dropped field changed (or nothing): nothing for a kubelet to do.
      onUpdate: (old, p) => {
        if (!sameButVersion(old, p)) this.onPod(p as Pod);
      },
      onDelete: (p) => this.onPodDeleted(p as Pod),
    });
  }

  /** Starts informers, registers every node and starts the heartbeat ticks (spread over one interval). */
  async start(): Promise<void> {
    this.nodeInformer.start();
    this.podInformer.start();
    await Promise.all([this.nodeInformer.waitForSync(), this.podInformer.waitForSync()]);
    const count = this.nodes.size;
    let i = 0;
    for (const node of this.nodes.values()) {
      this.pool.enqueue(`node:${node.id.name}`);
      // Spread: node i ticks first at i/N of an interval, so heartbeats never come in bursts.
      this.due.after(Math.floor((this.o.leaseRenewMs * i++) / Math.max(1, count)), () => this.tick(node));
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.due.stop();
    this.nodeInformer.stop();
    this.podInformer.stop();
    for (const rec of this.pods.values()) this.notify(rec);
    await this.pool.stop();
    await this.recorder.stop({ drop: true });
  }

  // ---- nodes -------------------------------------------------------------------------

  failNode(name: string): void {
    const node = this.mustNode(name);
    node.failed = true;
    this.log.info({ node: name }, 'node failed (simulated): heartbeats and status updates stop');
    for (const rec of node.pods) this.notify(rec);
  }

  recoverNode(name: string): void {
    const node = this.mustNode(name);
    if (!node.failed) return;
    node.failed = false;
    this.log.info({ node: name }, 'node recovered (simulated)');
    this.pool.enqueue(`lease:${name}`);
    this.pool.enqueue(`node:${name}`);
    for (const rec of node.pods) {
      rec.gen++;
      rec.pendingStage = undefined;
      const pod = this.livePod(rec);
      if (pod) {
        this.schedule(rec, pod);
        this.pool.enqueue(`pod:${rec.key}`);
      }
    }
  }

  private mustNode(name: string): NodeRecord {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`node "${name}" is not simulated by this kubelet-sim`);
    return node;
  }

  private tick(node: NodeRecord): void {
    if (this.stopped || node.gone) return;
    if (!node.failed) {
      if (node.registered) this.pool.enqueue(`lease:${node.id.name}`);
      this.pool.enqueue(`node:${node.id.name}`);
    }
    const every = this.o.leaseRenewMs;
    this.due.after(every + Math.floor(this.o.random() * LEASE_JITTER * every), () => this.tick(node));
  }

  private onNode(n: Node): void {
    const node = this.nodes.get(n.metadata.name ?? '') ?? this.adopt(n);
    if (!node) return;
    node.gone = false;
    // First sight of a Node a kubelet already ran (restart): its runtime still holds those images.
    if (node.uid === undefined) for (const image of imagesFromStatus(n.status?.images)) node.images.add(image);
    if (n.metadata.uid) node.uid = n.metadata.uid;
    const cidr = parseCidr(n.spec?.podCIDR ?? n.spec?.podCIDRs?.[0]);
    if (!cidr || node.alloc?.cidr.text === cidr.text) return;
    const first = node.alloc === undefined;
    node.alloc = new IpAllocator(cidr);
    // The network is ready now (a CIDR was freed for a node that had none): report it at
    // once, as kubelet does when its runtime's network turns ready, not at the next tick.
    if (first && node.registered && this.started) this.pool.enqueue(`node:${node.id.name}`);
    // Rebuild from the pods this node already runs (restart of the simulator).
    for (const rec of node.pods) this.reserveAdoptedIP(rec);
    const waiting = [...node.waitingNetwork];
    node.waitingNetwork.clear();
    for (const rec of waiting) {
      rec.pendingStage = undefined;
      const pod = this.livePod(rec);
      if (pod) this.schedule(rec, pod);
    }
  }

  /**
   * Takes on a Node created by someone else for a kubelet-sim to run (node-adoption.ts):
   * from now on it is one of ours, registered, heartbeating and running its pods.
   */
  private adopt(n: Node): NodeRecord | undefined {
    if (this.stopped) return undefined;
    const a = adoptionOf(n);
    if (!a) return undefined;
    const name = n.metadata.name ?? '';
    if ('error' in a) {
      this.log.warn({ node: name, reason: a.error }, 'not adopting node');
      return undefined;
    }
    const node: NodeRecord = {
      id: { name, index: a.index, port: this.o.port },
      hostIP: nodeAddresses(name, a.index).internalIP,
      failed: false,
      registered: false,
      gone: false,
      lastReportAt: -Infinity,
      pods: new Set(),
      waitingNetwork: new Set(),
      images: new ImageCache(a.template.images),
      template: a.template,
    };
    this.nodes.set(name, node);
    this.log.info({ node: name }, 'adopted node');
    // Pods already bound to it (a restart) were skipped while the node was unknown.
    for (const p of this.podInformer.store.list()) if ((p as Pod).spec?.nodeName === name) this.onPod(p as Pod);
    if (this.started) {
      this.pool.enqueue(`node:${name}`);
      this.due.after(Math.floor(this.o.random() * this.o.leaseRenewMs), () => this.tick(node));
    }
    return node;
  }

  private onNodeDeleted(n: Node): void {
    const node = this.nodes.get(n.metadata.name ?? '');
    if (!node) return;
    node.gone = true;
    node.registered = false;
    node.leaseRV = undefined;
    this.log.info({ node: node.id.name }, 'node deleted from the apiserver; its kubelet stops reporting');
  }

  // ---- pods --------------------------------------------------------------------------

  private onPod(pod: Pod): void {
    if (this.stopped) return;
    const node = this.nodes.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    let rec = this.pods.get(key);
    if (rec && rec.uid !== pod.metadata.uid) {
      this.forget(rec);
      rec = undefined;
    }
    if (!rec) {
      rec = { key, uid: pod.metadata.uid ?? '', node, sim: adoptPodSim(pod) ?? newPodSim(), gen: 0, planned: plannedPodExit(pod.spec) ?? null };
      this.pods.set(key, rec);
      node.pods.add(rec);
      this.reserveAdoptedIP(rec);
      // Adopted running (a restart of this process): its containers' programs start again.
      if (rec.sim.state === 'Running') this.o.onRunChange?.(rec, pod);
    }
    if (node.failed) return;
    this.schedule(rec, pod);
    // An ephemeral container added (kubectl debug) starts at once: report its status.
    if ((pod.spec?.ephemeralContainers?.length ?? 0) !== (pod.status?.ephemeralContainerStatuses?.length ?? 0)) this.pool.enqueue(`pod:${key}`);
    // Readiness gates: another controller set one of the gate conditions; Ready follows (a no-op write is skipped).
    else if ((pod.spec?.readinessGates?.length ?? 0) > 0 && rec.sim.state === 'Running') this.pool.enqueue(`pod:${key}`);
  }

  private onPodDeleted(pod: Pod): void {
    const rec = this.pods.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
    if (rec && rec.uid === pod.metadata.uid) this.forget(rec);
  }

  private forget(rec: PodRecord): void {
    rec.gen++;
    this.releaseIP(rec);
    rec.node.pods.delete(rec);
    rec.node.waitingNetwork.delete(rec);
    this.pods.delete(rec.key);
    this.notify(rec);
    this.o.onRunChange?.(rec, undefined);
  }

  private livePod(rec: PodRecord): Pod | undefined {
    const pod = this.podInformer.store.get(rec.key) as Pod | undefined;
    return pod && pod.metadata.uid === rec.uid ? pod : undefined;
  }

  /** Schedules the stage that applies now, unless that very stage is already pending. */
  private schedule(rec: PodRecord, pod: Pod): void {
    const now = this.o.clock.now();
    const deleting = Boolean(pod.metadata.deletionTimestamp);
    const annotations = pod.metadata.annotations;
    // A pod adopted with its sandbox up (simulator restart) has no image plan yet: decide it now.
    if (rec.sim.state === 'SandboxReady' && rec.sim.image === undefined) {
      const { plan, mask } = planPodImages(rec.node.images, podImageContainers(pod.spec));
      rec.sim = { ...rec.sim, image: plan, imageMask: mask };
    }
    // Init containers running: their own exits move the pod on (init-runner.ts), not a stage.
    if (!deleting && rec.sim.state === 'Pulled' && rec.sim.init && !initsComplete(rec.sim.init, pod.spec?.initContainers?.length ?? 0)) {
      if (rec.pendingStage) {
        rec.gen++;
        rec.pendingStage = undefined;
      }
      return;
    }
    if (deleting && rec.sim.state === 'Running' && rec.preStop === undefined && this.o.preStop) {
      const graceMs = Math.max(0, (parseTime(pod.metadata.deletionTimestamp) ?? now) - now);
      const hooks = this.o.preStop(rec, pod, graceMs);
      rec.preStop = hooks ? 'running' : 'done';
      if (hooks) {
        const finish = () => {
          if (rec.preStop !== 'running') return;
          rec.preStop = 'done';
          const live = this.livePod(rec);
          if (live && !this.stopped) this.schedule(rec, live);
        };
        void hooks.then(finish, finish);
        this.due.after(graceMs, finish);
      }
    }
    if (deleting && rec.preStop === 'running') {
      if (rec.pendingStage) {
        rec.gen++;
        rec.pendingStage = undefined;
      }
      return;
    }
    const plannedExitMs = rec.planned?.afterMs;
    const stage = selectStage(this.o.stages.stages, { state: rec.sim.state, deleting, annotations, image: rec.sim.image, plannedExitMs });
    if (!stage) {
      if (rec.pendingStage) {
        rec.gen++;
        rec.pendingStage = undefined;
      }
      return;
    }
    if (rec.pendingStage === stage.name) return;
    const graceRemainingMs = deleting ? (parseTime(pod.metadata.deletionTimestamp) ?? now) - now : undefined;
    let ms = stageDelayMs(stage, this.o.stages, { annotations, graceRemainingMs, backoffStep: rec.sim.backoffStep, plannedExitMs }, this.o.random);
    // A declared or planned exit counts from the container's start, also for a run adopted after a restart.
    if ((stage.delay.fromAnnotation || stage.delay.fromPlannedExit) && rec.sim.state === 'Running' && rec.sim.run) ms = Math.max(0, ms - (now - rec.sim.run.startedAt));
    // Fetching images: an image another pod on the node is already pulling is joined, not pulled twice.
    if (rec.sim.state === 'SandboxReady' && stage.next === 'Pulled' && rec.sim.image === 'pull') {
      ms = pullStageMs(rec.node.images, podImageContainers(pod.spec), rec.sim.imageMask ?? 0, ms, now);
    }
    this.at(rec, stage, ms);
  }

  private at(rec: PodRecord, stage: Stage, ms: number): void {
    const gen = ++rec.gen;
    rec.pendingStage = stage.name;
    this.due.after(ms, () => {
      if (rec.gen === gen) this.fire(rec, stage);
    });
  }

  private fire(rec: PodRecord, stage: Stage): void {
    const pod = this.livePod(rec);
    if (!pod || this.stopped) return;
    // A failed node's kubelet is dead: the stage stays pending until recoverNode reschedules.
    if (rec.node.failed) return;
    const now = this.o.clock.now();
    const input: TransitionInput = { now, restartPolicy: pod.spec?.restartPolicy, cfg: this.o.stages };
    if (stage.next === 'SandboxReady' && rec.sim.state !== 'SandboxReady' && this.o.mountFailures) {
      const failed = this.o.mountFailures(pod);
      if (failed.length > 0) {
        for (const f of failed) this.recorder.event(pod, 'Warning', 'FailedMount', f.message, { host: rec.node.id.name });
        this.at(rec, stage, delayMs(this.o.stages.sandboxRetry, this.o.random));
        return;
      }
    }
    if (stage.next === 'SandboxReady') {
      const ip = this.sandboxIP(rec, pod, stage);
      if (ip === undefined) return;
      input.podIP = ip;
      // The kubelet looks at the images once the sandbox is up (EnsureImageExists per container).
      input.image = planPodImages(rec.node.images, podImageContainers(pod.spec));
    }
    if (stage.next === 'Running' && rec.sim.state === 'Pulled' && !initsComplete(rec.sim.init, pod.spec?.initContainers?.length ?? 0)) {
      rec.pendingStage = undefined;
      if (rec.sim.init === undefined) this.inits.advance(rec, pod);
      return;
    }
    if (stage.next === 'Running' && this.o.configError) {
      const blocked = this.o.configError(pod);
      if (blocked !== undefined) {
        // kubelet: the container is not created; it says so on every attempt.
        const changed = rec.sim.configError !== blocked.message;
        rec.sim = { ...rec.sim, configError: blocked.message };
        this.recorder.event(containerRef(pod, blocked.container), 'Warning', 'Failed', `Error: ${blocked.message}`, { host: rec.node.id.name });
        if (changed) this.pool.enqueue(`pod:${rec.key}`);
        this.at(rec, stage, delayMs(this.o.stages.sandboxRetry, this.o.random));
        return;
      }
    }
    if (stage.next === 'Pulled' && rec.sim.image !== undefined) recordPulled(rec.node.images, podImageContainers(pod.spec), rec.sim.imageMask ?? 0);
    if (stage.next === 'Exited') {
      input.exitCode = stage.delay.fromPlannedExit ? (rec.planned?.exitCode ?? 0) : (declaredExit(pod.metadata.annotations)?.exitCode ?? 0);
      if (stage.delay.fromPlannedExit && rec.planned?.reason) input.exitReason = rec.planned.reason;
      if (rec.plannedOnce) {
        rec.planned = plannedPodExit(pod.spec) ?? null;
        rec.plannedOnce = false;
      }
    }
    const before = rec.sim;
    rec.pendingStage = undefined;
    rec.node.waitingNetwork.delete(rec);
    rec.sim = transition(rec.sim, stage.next, input);
    if (holdsSandbox(before.state) && !holdsSandbox(rec.sim.state)) this.releaseIP(rec);
    this.log.debug({ pod: rec.key, node: rec.node.id.name, stage: stage.name, state: rec.sim.state }, 'stage');
    for (const ev of lifecycleEvents(pod, before, rec.sim, now)) {
      if (ev.type === 'Warning' || this.o.events) this.recorder.event(ev.ref, ev.type, ev.reason, ev.message, { host: rec.node.id.name });
    }
    this.pool.enqueue(`pod:${rec.key}`);
    this.notify(rec);
    this.o.onRunChange?.(rec, pod);
    this.schedule(rec, pod);
  }

  /** The pod's address, or undefined when the sandbox cannot get one yet (retried). */
  private sandboxIP(rec: PodRecord, pod: Pod, stage: Stage): string | undefined {
    if (pod.spec?.hostNetwork) return rec.node.hostIP;
    if (rec.ipHeld) return rec.ipHeld;
    const alloc = rec.node.alloc;
    if (!alloc) {
      // No podCIDR yet (the IPAM controller has not got to this node): wait for it.
      rec.node.waitingNetwork.add(rec);
      rec.pendingStage = stage.name;
      return undefined;
    }
    const ip = alloc.allocate();
    if (ip) {
      rec.ipHeld = ip;
      return ip;
    }
    const attempts = rec.sim.sandboxAttempts + 1;
    rec.sim = { ...rec.sim, sandboxAttempts: attempts };
    const message = sandboxExhaustedMessage(sandboxIdOf(rec.uid, attempts), alloc.rangeText());
    this.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', message, { host: rec.node.id.name });
    this.log.debug({ pod: rec.key, node: rec.node.id.name }, 'pod CIDR exhausted; sandbox retried later');
    this.at(rec, stage, delayMs(this.o.stages.sandboxRetry, this.o.random));
    return undefined;
  }

  private reserveAdoptedIP(rec: PodRecord): void {
    const ip = rec.sim.podIP;
    const alloc = rec.node.alloc;
    if (!ip || !alloc || rec.ipHeld || !holdsSandbox(rec.sim.state) || ip === rec.node.hostIP) return;
    if (alloc.reserve(ip)) rec.ipHeld = ip;
    else this.log.warn({ pod: rec.key, ip, cidr: alloc.cidr.text }, 'existing pod IP is outside the podCIDR or already taken');
  }

  private releaseIP(rec: PodRecord): void {
    if (rec.ipHeld) rec.node.alloc?.release(rec.ipHeld);
    rec.ipHeld = undefined;
  }

  private notify(rec: PodRecord): void {
    if (!rec.listeners) return;
    for (const fn of [...rec.listeners]) fn();
  }

  /**
   * Records an event as this node's kubelet (the simulator's own recorder: event names
   * are unique per recorder, and two recorders on one clock could pick the same name).
   */
  recordEvent(ref: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string, node: string): void {
    if (type === 'Warning' || this.o.events) this.recorder.event(ref, type, reason, message, { host: node });
  }

  /** Wakes the pod's watchers (log followers) without a state change: its containers printed. */
  notifyPod(key: string): void {
    const rec = this.pods.get(key);
    if (rec) this.notify(rec);
  }

  /** Calls fn whenever the pod's simulated state changes or it goes; returns an unsubscribe. */
  watchPod(key: string, fn: () => void): () => void {
    const rec = this.pods.get(key);
    if (!rec) return () => {};
    (rec.listeners ??= new Set()).add(fn);
    return () => {
      rec.listeners?.delete(fn);
      if (rec.listeners?.size === 0) rec.listeners = undefined;
    };
  }

  /**
   * A container's main process ended by itself (an attached interactive shell ran `exit`):
   * the run ends now with that code, through the same command-exit stage as a planned
   * exit; restartPolicy then applies. Ignored unless that very run is still going.
   */
  containerExited(key: string, uid: string, startedAt: number, exitCode: number, reason?: string): void {
    const rec = this.pods.get(key);
    const run = rec?.sim.run;
    if (!rec || rec.uid !== uid || rec.sim.state !== 'Running' || !run || run.startedAt !== startedAt || run.finishedAt !== undefined) return;
    const pod = this.livePod(rec);
    if (!pod) return;
    rec.planned = { afterMs: Math.max(0, this.o.clock.now() - run.startedAt), exitCode, ...(reason ? { reason } : {}) };
    rec.plannedOnce = true;
    rec.gen++;
    rec.pendingStage = undefined;
    this.schedule(rec, pod);
  }

  /** A probe result of the pod changed: write its status again. */
  probeChanged(key: string): void {
    if (this.pods.has(key)) this.pool.enqueue(`pod:${key}`);
  }

  podState(key: string): SimState | undefined {
    return this.pods.get(key)?.sim.state;
  }

  backlog(): number {
    return this.pool.backlog();
  }

  // ---- writes ------------------------------------------------------------------------

  /** The node (kubelet) whose client budget a write key spends: `node:N`/`lease:N` → N, `pod:ns/p` → its node. */
  private clientOf(key: string): string {
    const name = key.slice(key.indexOf(':') + 1);
    return key.startsWith('pod:') ? (this.pods.get(name)?.node.id.name ?? '') : name;
  }

  private async sync(key: string, throttle: () => Promise<void>): Promise<void> {
    if (this.stopped) return;
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const name = key.slice(colon + 1);
    if (kind === 'pod') return this.syncPod(name, throttle);
    if (kind === 'node') return this.syncNode(name, throttle);
    if (kind === 'lease') return this.syncLease(name, throttle);
  }

  /**
   * The client of one node's kubelet: its own credential (system:node:NAME) when the
   * caller gave `nodeClient`, so the Node authorizer and NodeRestriction judge each
   * kubelet's writes; else the shared client. Made once per node.
   */
  private clientFor(nodeName: string): RestClient {
    if (!this.o.nodeClient) return this.o.client;
    let c = this.nodeClients.get(nodeName);
    if (!c) this.nodeClients.set(nodeName, (c = this.o.nodeClient(nodeName)));
    return c;
  }

  private readonly nodeClients = new Map<string, RestClient>();

  private async syncPod(key: string, throttle: () => Promise<void>): Promise<void> {
    const rec = this.pods.get(key);
    if (!rec || rec.node.failed) return;
    const client = this.clientFor(rec.node.id.name);
    const pod = this.livePod(rec);
    if (!pod) return;
    const [namespace, name] = key.split('/') as [string, string];
    try {
      if (rec.sim.state === 'Deleted') {
        // What a kubelet does once the containers are gone: remove the object for good.
        await throttle();
        await client.delete(podResource, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid: rec.uid } });
        return;
      }
      if (rec.sim.state === 'New') return;
      const wanted = renderPodStatus({ pod, sim: rec.sim, hostIP: rec.node.hostIP, now: this.o.clock.now(), cfg: this.o.stages, health: this.o.health?.(rec) });
      if (statusUpToDate(pod.status, wanted)) return;
      await throttle();
      await client.patch(podResource, name, { status: wanted }, { type: 'merge', subresource: 'status', namespace });
    } catch (err) {
      if (isNotFound(err)) return;
      // A precondition conflict means another pod took the name: nothing of ours to write.
      if (isConflict(err) && rec.sim.state === 'Deleted') return;
      throw err;
    }
  }

  private async syncNode(name: string, throttle: () => Promise<void>): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || node.failed || node.gone) return;
    const ctx = { client: this.clientFor(name), template: node.template ?? this.o.template, now: this.o.clock.now(), throttle };
    if (!node.registered) {
      const written = await registerNode(ctx, node);
      this.log.debug({ node: name }, 'node registered');
      this.nodeEvents(name, nodeStartEvents(name, written.previous, written.reported));
      this.pool.enqueue(`lease:${name}`);
      return;
    }
    const written = await reportNodeStatus(ctx, node, this.nodeInformer.store.get(name) as Node | undefined, this.o.statusReportMs);
    if (written) this.nodeEvents(name, nodeStatusEvents(name, written.previous, written.reported));
  }

  /** Records a kubelet's events on its Node, from that node (source.host), unless events are off. */
  private nodeEvents(name: string, events: NodeEvent[]): void {
    if (!this.o.events) return;
    const ref = kubeletNodeRef(name);
    for (const ev of events) this.recorder.event(ref, ev.type, ev.reason, ev.message, { host: name });
  }

  private async syncLease(name: string, throttle: () => Promise<void>): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || node.failed || node.gone || !node.registered) return;
    await renewLease({ client: this.clientFor(name), template: this.o.template, now: this.o.clock.now(), throttle }, node);
  }
}
