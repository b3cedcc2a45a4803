import type { Pod } from '../api/core/pod.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock } from '../lib/clock.js';
import { rootLogger, type Logger } from '../lib/logger.js';
import { KUBELET_ENDPOINT } from './annotations.js';
import { startLogServer } from './log-server.js';
import { resolveNodeTemplate, type NodeTemplate, type ResolvedNodeTemplate } from './node-template.js';
import { Simulator } from './simulator.js';
import { createKubeletStreams } from './streams/kubelet-streams.js';
import { DEFAULT_CLUSTER_DNS, type ClusterDns } from './etc-files.js';
import { createEventRecorder } from '../client/event-recorder.js';
import { createConfigSources } from './config-sources.js';
import { configErrorOf, ContainerProcesses } from './container-processes.js';
import { ProbeManager, type ContainerAccess } from './probes/probe-manager.js';
import { execInContainer } from './probes/probe-exec.js';
import { HookRunner } from './probes/hook-runner.js';
import { mountFailures } from './volume-content.js';
import type { ContainerLoad, TrafficSink } from '../network/traffic-sink.js';
import { capacityOf } from './node-template.js';
import { createNodeSource } from './usage/node-source.js';
import { createProfileCache } from './usage/pod-view.js';
import { LOAD_PROFILE_ANNOTATION } from './usage/profile.js';
import { UsageModel } from './usage/usage-model.js';
import { OOM_EXIT_CODE, OOM_REASON } from './usage/memory.js';
import { defaultStageConfig, mergeStageConfig, type SimState, type StageConfig, type StageConfigOverrides } from './stages.js';

export { loadNodeTemplate, resolveNodeTemplate, defaultNodeTemplate, type NodeTemplate } from './node-template.js';
export { loadStageConfig, defaultStageConfig, mergeStageConfig, type StageConfig, type StageConfigOverrides, type SimState } from './stages.js';
export { KUBELET_ENDPOINT, EXIT_AFTER, EXIT_CODE, LOG, LOG_INTERVAL } from './annotations.js';

/**
 * Entry point: N simulated kubelets in this process, talking to the apiserver only
 * through `client` (kwok-style). The CLI (`kubeling kubelet-sim`, `kubeling up --nodes N`)
 * calls this; tests call it with a fake client and a FakeClock.
 */
export interface KubeletSimOptions {
  client: RestClient;
  /**
   * Each simulated kubelet's client, carrying its own credential (system:node:NAME in
   * system:nodes) for its writes: Node, Lease, pod status, pod deletion. `client` then
   * serves the shared informers (one watch for every node). Absent: `client` does all.
   */
  nodeClient?: (nodeName: string) => RestClient;
  /** How many nodes to simulate. */
  nodes: number;
  /** Node names are `<prefix><index>`; default `kubeling-node-`. */
  namePrefix?: string;
  /** First index (several kubelet-sim processes can share a prefix); default 0. */
  startIndex?: number;
  template?: NodeTemplate | ResolvedNodeTemplate;
  /** A full config or overrides merged over the defaults (stages.ts). */
  stages?: StageConfig | StageConfigOverrides;
  clock?: Clock;
  logger?: Logger;
  /** Port of the log/control server; default 0 (a free port). */
  port?: number;
  /** Address that server listens on (default 127.0.0.1; a container uses 0.0.0.0 so the apiserver's forwarder reaches it). */
  address?: string;
  /**
   * Apiserver writes per second of each node's kubelet (kubelet's --kube-api-qps, default
   * 50) and its burst (--kube-api-burst, default 100). All nodes together are bounded by
   * `concurrency` and by what the apiserver takes (its 429s back the writes off).
   */
  qps?: number;
  burst?: number;
  /** Writes in flight at once; default 16. */
  concurrency?: number;
  /** Lease renewal interval (kubelet: 10 s = leaseDuration/4). */
  leaseRenewMs?: number;
  /** Unconditional node status report interval (kubelet's nodeStatusReportFrequency: 5 min). */
  statusReportMs?: number;
  /**
   * kubelet's --cluster-dns (the nameservers of ClusterFirst pods' /etc/resolv.conf; empty:
   * they get the node's resolver) and --cluster-domain; defaults 10.96.0.10 and
   * cluster.local, kubeadm's kubelet configuration. `kubeling up` derives the address from
   * its --service-cluster-ip-range.
   */
  clusterDns?: readonly string[];
  clusterDomain?: string;
  /** Record Normal events (pod lifecycle: Pulling, Created, Started…; node: Starting, NodeReady…); default true. Warnings always. */
  events?: boolean;
  random?: () => number;
}

export interface KubeletSim {
  /** The loopback port serving logs and the failure control. */
  readonly port: number;
  /** `127.0.0.1:PORT`, as published in each Node's kubeling.io/kubelet-endpoint annotation. */
  readonly endpoint: string;
  readonly nodeNames: readonly string[];
  /** Stops heartbeats and status updates of a node (its kubelet "dies"); pods on it freeze. */
  failNode(name: string): void;
  /** Brings a failed node back: lease and status at once, pods carry on. */
  recoverNode(name: string): void;
  /** The simulated state of a pod (`namespace/name`), for tests and debugging. */
  podState(key: string): SimState | undefined;
  /** Writes waiting in the pool. */
  backlog(): number;
  /**
   * The usage model, for the simulated data path (network/): report served requests to
   * it and ask it how throttled a container is. Also what /stats/summary and
   * /metrics/resource serve.
   */
  readonly usage: TrafficSink & ContainerLoad;
  stop(): Promise<void>;
}

/** kubelet's defaults for --kube-api-qps and --kube-api-burst (KubeletConfiguration kubeAPIQPS/kubeAPIBurst). */
export const KUBELET_API_QPS = 50;
export const KUBELET_API_BURST = 100;

export async function startKubeletSim(opts: KubeletSimOptions): Promise<KubeletSim> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 0) throw new Error(`kubelet-sim: --nodes must be a non-negative integer (got ${opts.nodes})`);
  const clock = opts.clock ?? realClock;
  const logger = (opts.logger ?? rootLogger).child({ component: 'kubelet-sim' });
  const prefix = opts.namePrefix ?? 'kubeling-node-';
  const first = opts.startIndex ?? 0;
  const names = Array.from({ length: opts.nodes }, (_, i) => `${prefix}${first + i}`);
  const stages = isFullConfig(opts.stages) ? mergeStageConfig(opts.stages, {}) : mergeStageConfig(defaultStageConfig, opts.stages ?? {});
  const template = resolveNodeTemplate(opts.template as NodeTemplate | undefined);
  const qps = opts.qps ?? KUBELET_API_QPS;

  let sim: Simulator | undefined;
  // The usage model first: the data path that the streams' shells use reports to it (sink, load).
  const usageEvents = createEventRecorder(opts.client, { component: 'kubelet', clock, logger });
  const profiles = createProfileCache();
  const nodeSource = createNodeSource(() => sim, capacityOf(template), clock.now(), profiles, (pod, node, message) => {
    // A bad profile must not stop the pod: it keeps its image's model, and the user is told.
    logger.warn({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node, annotation: LOAD_PROFILE_ANNOTATION, reason: message }, 'load profile refused');
    usageEvents.event(pod, 'Warning', 'InvalidLoadProfile', `annotation ${LOAD_PROFILE_ANNOTATION} refused: ${message}; using the image's usage model`, { host: node });
  });
  const usage = new UsageModel({
    clock,
    source: nodeSource.source,
    nodeOf: nodeSource.nodeOf,
    // Over its memory limit: the kernel kills the container (exit 137, OOMKilled); the
    // pod's restartPolicy decides what follows. Simulated containers of a pod share one run.
    onOomKill(uid, container) {
      for (const rec of sim?.pods.values() ?? []) {
        if (rec.uid !== uid || !rec.sim.run) continue;
        logger.info({ pod: rec.key, container, node: rec.node.id.name }, 'container over its memory limit: OOM-killed');
        sim!.containerExited(rec.key, uid, rec.sim.run.startedAt, OOM_EXIT_CODE, OOM_REASON);
        return;
      }
    },
  });
  // exec, attach and port-forward (WebSocket upgrades on the same loopback server); the
  // shells' requests feed the usage model.
  const config = createConfigSources(opts.client, { clock, logger });
  const clusterDns: ClusterDns = {
    ...DEFAULT_CLUSTER_DNS,
    ...(opts.clusterDns ? { nameservers: opts.clusterDns } : {}),
    ...(opts.clusterDomain ? { domain: opts.clusterDomain } : {}),
  };
  const streams = createKubeletStreams({ client: opts.client, clock, logger, simulator: () => sim, sink: usage, load: usage, config, clusterDns });
  // The containers' own commands, run in the simulated shell as their main processes.
  const processes = new ContainerProcesses({
    clock,
    logger: logger.child({ component: 'container-processes' }),
    hostFor: (t) => streams.hosts.hostFor(t, false),
    config,
    exited: (key, uid, startedAt, code) => sim?.containerExited(key, uid, startedAt, code),
    printed: (key) => sim?.notifyPod(key),
    warn: (ref, reason, message, node) => sim?.recordEvent(ref, 'Warning', reason, message, node),
  });
  /** The pod as its kubelet sees it, unless it is gone or its node's kubelet is down (a dead kubelet probes nothing). */
  const runningPod = (key: string, uid: string): Pod | undefined => {
    const rec = sim?.pods.get(key);
    if (!rec || rec.uid !== uid || rec.node.failed) return undefined;
    const pod = sim?.podInformer.store.get(key) as Pod | undefined;
    return pod && pod.metadata.uid === uid ? pod : undefined;
  };
  const inContainer: ContainerAccess = {
    clock,
    livePod: (key, uid) => runningPod(key, uid),
    exec: (ref, pod, container, startedAt, argv, timeoutMs) =>
      execInContainer(streams.hosts, clock, { pod, container, node: ref.node, hostIP: ref.hostIP, podIP: ref.podIP, startedAt }, argv, timeoutMs),
    latencyFactor: (uid, container) => usage.latencyFactor(uid, container),
    event: (ref, type, reason, message, node) => sim?.recordEvent(ref, type, reason, message, node),
  };
  // Liveness, readiness and startup probes of the running containers.
  const probes = new ProbeManager({
    ...inContainer,
    logger: logger.child({ component: 'prober' }),
    changed: (key) => sim?.probeChanged(key),
    kill(key, uid, startedAt) {
      // SIGTERM, then SIGKILL: a shell or program without a handler ends with 137.
      sim?.containerExited(key, uid, startedAt, 137);
    },
  });
  // postStart and preStop hooks.
  const hooks = new HookRunner({
    ...inContainer,
    logger: logger.child({ component: 'lifecycle-hooks' }),
    kill: (key, uid, startedAt) => sim?.containerExited(key, uid, startedAt, 137),
  });
  const server = await startLogServer(
    {
      clock,
      logger,
      defaultIntervalMs: stages.logIntervalMs,
      lookup(namespace, name) {
        const key = `${namespace}/${name}`;
        const rec = sim?.pods.get(key);
        const pod = sim?.podInformer.store.get(key) as Pod | undefined;
        if (!rec || !pod || pod.metadata.uid !== rec.uid) return undefined;
        return {
          pod,
          sim: rec.sim,
          node: rec.node.id.name,
          failed: rec.node.failed,
          liveOutput: (c, startedAt) => (processes.isLive(pod, c) ? (processes.output(rec.uid, c.name, startedAt) ?? []) : undefined),
        };
      },
      watch: (namespace, name, fn) => sim?.watchPod(`${namespace}/${name}`, fn) ?? (() => {}),
      failNode: (name) => sim!.failNode(name),
      recoverNode: (name) => sim!.recoverNode(name),
      nodeStats(name) {
        const rec = sim?.nodes.get(name);
        if (!rec) return undefined;
        if (rec.failed) return 'failed';
        return usage.sample(name);
      },
      listNodes: () =>
        [...(sim?.nodes.values() ?? [])].map((n) => ({ name: n.id.name, failed: n.failed, registered: n.registered, pods: n.pods.size })),
    },
    opts.port ?? 0,
    streams.onUpgrade,
    opts.address,
  );

  sim = new Simulator({
    client: opts.client,
    ...(opts.nodeClient ? { nodeClient: opts.nodeClient } : {}),
    names,
    firstIndex: first,
    template,
    stages,
    clock,
    logger,
    port: server.port,
    qps,
    burst: opts.burst ?? KUBELET_API_BURST,
    concurrency: opts.concurrency ?? 16,
    random: opts.random ?? Math.random,
    leaseRenewMs: opts.leaseRenewMs ?? 10_000,
    statusReportMs: opts.statusReportMs ?? 300_000,
    events: opts.events ?? true,
    configError: (pod) => configErrorOf(pod, config),
    mountFailures: (pod) => mountFailures(pod, config),
    health: (rec) => probes.health(rec.uid, rec.sim.run?.startedAt),
    runInit: (rec, pod, container, startedAt, exited) =>
      processes.runInit({ key: rec.key, uid: rec.uid, node: rec.node.id.name, hostIP: rec.node.hostIP, podIP: rec.sim.podIP, running: false }, pod, container, startedAt, exited),
    onRunChange: (rec, pod) => {
      const ref = { key: rec.key, uid: rec.uid, node: rec.node.id.name, hostIP: rec.node.hostIP, podIP: rec.sim.podIP, run: rec.sim.run, running: rec.sim.state === 'Running' };
      processes.runChanged(ref, pod);
      probes.runChanged(ref, pod);
      hooks.runChanged(ref, pod);
    },
    preStop: (rec, pod, graceMs) =>
      hooks.preStop({ key: rec.key, uid: rec.uid, node: rec.node.id.name, hostIP: rec.node.hostIP, podIP: rec.sim.podIP, run: rec.sim.run, running: true }, pod, graceMs),
  });
  try {
    // Config and the network first: the first runs of containers read them.
    await config.start();
    await streams.start();
    await sim.start();
  } catch (err) {
    probes.stop();
    processes.stop();
    config.stop();
    streams.stop();
    await sim.stop();
    await server.close();
    throw err;
  }
  logger.info({ nodes: names.length, port: server.port, annotation: KUBELET_ENDPOINT }, 'kubelet-sim started');
  const s = sim;
  return {
    port: server.port,
    endpoint: `127.0.0.1:${server.port}`,
    nodeNames: names,
    failNode: (name) => s.failNode(name),
    recoverNode: (name) => s.recoverNode(name),
    podState: (key) => s.podState(key),
    backlog: () => s.backlog(),
    usage,
    async stop() {
      probes.stop();
      processes.stop();
      config.stop();
      streams.stop();
      await s.stop();
      await server.close();
      await usageEvents.stop({ drop: true });
    },
  };
}

function isFullConfig(c: StageConfig | StageConfigOverrides | undefined): c is StageConfig {
  return !!c && Array.isArray(c.stages) && c.restartBackoff?.initialMs !== undefined && c.sandboxRetry !== undefined && c.logIntervalMs !== undefined;
}
