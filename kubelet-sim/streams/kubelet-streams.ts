import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../api/core/pod.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Simulator } from '../simulator.js';
import type { ContainerLoad, TrafficSink } from '../../network/traffic-sink.js';
import { createClusterNet } from './cluster-net.js';
import type { ConfigSources } from '../container-config.js';
import type { ClusterDns } from '../etc-files.js';
import { ContainerHosts, type ContainerTarget } from './container-host.js';
import { createStreamUpgradeHandler, type StreamHost } from './exec-server.js';
import { MainProcesses } from './main-process.js';

/**
 * The kubelet-sim's streaming side, wired to its Simulator: which containers run (and
 * where), the Services for their environ (one Service informer per process), the
 * per-container filesystems and interactive main processes. index.ts hands onUpgrade to
 * the loopback server.
 */

export interface KubeletStreams {
  onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The containers' filesystems, environ and network (also for their own programs: container-processes.ts). */
  readonly hosts: ContainerHosts;
  start(): Promise<void>;
  stop(): void;
}

export function createKubeletStreams(o: {
  client: RestClient;
  clock: Clock;
  logger: Logger;
  simulator: () => Simulator | undefined;
  sink?: TrafficSink;
  load?: ContainerLoad;
  /** ConfigMaps and Secrets for the containers' env (container-config.ts). */
  config?: ConfigSources;
  /** kubelet's --cluster-dns and --cluster-domain (default DEFAULT_CLUSTER_DNS). */
  clusterDns?: ClusterDns;
}): KubeletStreams {
  const logger = o.logger.child({ component: 'kubelet-streams' });
  const net = createClusterNet({
    client: o.client,
    clock: o.clock,
    logger: o.logger,
    pods: () => (o.simulator()?.podInformer.store.list() ?? []) as Pod[],
    podInformer: () => o.simulator()?.podInformer,
    nodeInformer: () => o.simulator()?.nodeInformer,
    sink: o.sink,
    load: o.load,
    ...(o.clusterDns ? { clusterDns: o.clusterDns } : {}),
  });
  const hosts = new ContainerHosts(o.clock, () => net.services(), net.netFor, o.config, o.clusterDns);
  const mains = new MainProcesses(logger);

  const target: StreamHost['target'] = (namespace, name, containerName) => {
    const sim = o.simulator();
    const key = `${namespace}/${name}`;
    const rec = sim?.pods.get(key);
    const pod = sim?.podInformer.store.get(key) as Pod | undefined;
    if (!sim || !rec || !pod || pod.metadata.uid !== rec.uid) return { ok: false, code: 404, message: `pod "${name}" not found on this kubelet` };
    if (rec.node.failed) return { ok: false, code: 503, message: `kubelet on node "${rec.node.id.name}" is not responding (simulated node failure)` };
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
    const container = containerName === undefined ? pod.spec?.containers?.[0] : containers.find((c) => c.name === containerName);
    const run = rec.sim.run;
    if (!container || rec.sim.state !== 'Running' || !run || run.finishedAt !== undefined) {
      return { ok: false, code: 404, message: `container not found ("${containerName ?? ''}")` };
    }
    const t: ContainerTarget = { pod, container, node: rec.node.id.name, hostIP: rec.node.hostIP, podIP: rec.sim.podIP, startedAt: run.startedAt };
    return { ok: true, target: t };
  };

  const host: StreamHost = {
    logger,
    target,
    hosts,
    mains,
    containerExited: (t, code) => {
      logger.info({ pod: `${t.pod.metadata.namespace}/${t.pod.metadata.name}`, container: t.container.name, exitCode: code }, 'interactive main process exited');
      o.simulator()?.containerExited(`${t.pod.metadata.namespace}/${t.pod.metadata.name}`, t.pod.metadata.uid ?? '', t.startedAt, code);
    },
    portForward: {
      clock: o.clock,
      logger,
      serve: async (t, port, req) => net.serve(t, port, req),
    },
  };
  const onUpgrade = createStreamUpgradeHandler(host);
  return {
    onUpgrade,
    hosts,
    async start() {
      await net.start();
    },
    stop() {
      net.stop();
    },
  };
}
