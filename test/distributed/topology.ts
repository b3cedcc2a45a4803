/**
 * The highly available Kubeling topology of issue 15, seen from a test or a benchmark: a
 * 3-member etcd cluster, two apiservers behind a load balancer, and every other component
 * with its replicas. Two implementations share this interface, so one fault scenario
 * (fault.e2e.test.ts) and one benchmark (bench/distributed.ts) run against either:
 *
 * - `processes` (process-topology.ts): every component a `kubeling` subcommand (etcd
 *   Debian's binary, the balancer HAProxy) on free loopback ports, no Docker;
 * - `docker` (docker-topology.ts, docker-compose): every component its own container on
 *   a compose network.
 *
 * createTopology() runs the processes unless KUBELING_TOPOLOGY=docker asks for Docker
 * (which then must be usable: the engine is started if it can be, the image is built by
 * compose/up.sh unless KUBELING_SKIP_BUILD=1).
 */

export type ComponentName = 'etcd' | 'apiserver' | 'lb' | 'controller-manager' | 'scheduler' | 'hpa'
  | 'cluster-autoscaler' | 'metrics-server' | 'kube-proxy' | 'dns' | 'kubelet-sim';

export interface Topology {
  kind: 'docker' | 'processes';
  kubeconfigPath: string;           // admin kubeconfig pointing at the load balancer
  lbUrl: string;                    // https://127.0.0.1:<port>
  replicas(component: ComponentName): number;
  kill(component: ComponentName, index: number): Promise<void>;   // SIGKILL / docker kill (0-based index)
  stop(component: ComponentName, index: number): Promise<void>;   // graceful (SIGTERM / docker stop)
  start(component: ComponentName, index: number): Promise<void>;  // (re)start a stopped/killed instance
  leaseIdentity?(component: ComponentName, index: number): Promise<string | undefined>;
  down(opts?: { removeVolumes?: boolean }): Promise<void>;
}

export const COMPONENT_NAMES: readonly ComponentName[] = [
  'etcd', 'apiserver', 'lb', 'controller-manager', 'scheduler', 'hpa',
  'cluster-autoscaler', 'metrics-server', 'kube-proxy', 'dns', 'kubelet-sim',
];

/** The kube-system Lease each leader-elected component campaigns for (their kube names). */
export const LEASE_NAMES: Partial<Record<ComponentName, string>> = {
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  hpa: 'kubeling-hpa',
  'cluster-autoscaler': 'cluster-autoscaler',
};

export interface TopologyOptions {
  /** Simulated nodes of the kubelet-sim (default 3). */
  nodes?: number;
  /**
   * Where the state lives (processes: data dirs, logs, pids; docker: the project name is
   * derived from it). Kept across down() unless removeVolumes; default a new temporary dir.
   */
  dir?: string;
  /** Progress lines ("etcd-0 healthy", …); default silent. */
  log?: (line: string) => void;
}

/**
 * The Docker implementation's module (test/distributed/docker-topology.ts) exports
 * createDockerTopology and, optionally, dockerAvailable: when that says false (no engine
 * here), the processes run instead.
 */
export interface DockerTopologyModule {
  createDockerTopology(opts: TopologyOptions): Promise<Topology>;
  dockerAvailable?(): Promise<boolean>;
}

export type TopologyKind = Topology['kind'];

/** Which implementation to use, and why (the test prints it). */
export async function chooseTopology(): Promise<{ kind: TopologyKind; reason: string; docker?: DockerTopologyModule }> {
  const forced = process.env.KUBELING_TOPOLOGY;
  if (forced && forced !== 'docker' && forced !== 'processes') throw new Error(`KUBELING_TOPOLOGY must be docker or processes, not ${JSON.stringify(forced)}`);
  if (forced === 'processes') return { kind: 'processes', reason: 'KUBELING_TOPOLOGY=processes' };
  let docker: DockerTopologyModule | undefined;
  try {
    // A variable specifier: the module may not exist in this checkout, and tsc must not require it.
    const specifier = './docker-topology.js';
    docker = (await import(/* @vite-ignore */ specifier)) as DockerTopologyModule;
  } catch (err) {
    if (forced === 'docker') throw new Error(`KUBELING_TOPOLOGY=docker but the Docker topology cannot be loaded: ${(err as Error).message}`);
    return { kind: 'processes', reason: 'no Docker topology module in this checkout' };
  }
  if (typeof docker.createDockerTopology !== 'function') {
    if (forced === 'docker') throw new Error('KUBELING_TOPOLOGY=docker but docker-topology.js exports no createDockerTopology');
    return { kind: 'processes', reason: 'docker-topology.js exports no createDockerTopology' };
  }
  if (forced === 'docker') {
    if (docker.dockerAvailable && !(await docker.dockerAvailable())) throw new Error('KUBELING_TOPOLOGY=docker but no Docker engine and docker-compose can be used here');
    return { kind: 'docker', reason: 'KUBELING_TOPOLOGY=docker', docker };
  }
  // Not by default, even where Docker runs: the image build (5-14 min on 2 cores) does not
  // fit in a test's start-up, and a test should not start dockerd as a side effect.
  return { kind: 'processes', reason: 'the default (KUBELING_TOPOLOGY=docker runs it under docker-compose)' };
}

/** Starts the HA topology with the chosen implementation and resolves once it serves through the balancer. */
export async function createTopology(opts: TopologyOptions = {}): Promise<Topology> {
  const choice = await chooseTopology();
  opts.log?.(`topology: ${choice.kind} (${choice.reason})`);
  if (choice.kind === 'docker') return choice.docker!.createDockerTopology(opts);
  const { createProcessTopology } = await import('./process-topology.js');
  return createProcessTopology(opts);
}
