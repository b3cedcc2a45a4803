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
 * (This branch carries only the shared types; the chooser and the process topology are on
 * the ha branch.)
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

