import { AUTOSCALER_FLAGS } from './autoscaler-args.js';

/**
 * The flags of the long-running commands, as data: args.ts builds the parser from this
 * table and help.ts the help text, so the two cannot drift apart.
 */

export type Command =
  | 'up'
  | 'apiserver'
  | 'controller-manager'
  | 'scheduler'
  | 'kubelet-sim'
  | 'hpa'
  | 'kube-proxy'
  | 'dns'
  | 'metrics-server'
  | 'cloud'
  | 'cloud-controller-manager'
  | 'cluster-autoscaler'
  | 'ingress-controller';

export const COMMANDS: Record<Command, string> = {
  up: 'Start a whole cluster in this process and write a kubeconfig for kubectl',
  apiserver: 'Start the apiserver alone (for running components as separate processes)',
  'controller-manager': 'Run the controllers against an apiserver (kube-controller-manager)',
  scheduler: 'Assign pods to nodes through an apiserver (kube-scheduler)',
  'kubelet-sim': 'Simulate the kubelets of N nodes against an apiserver',
  'metrics-server': 'Scrape the kubelets and serve metrics.k8s.io through API aggregation (metrics-server)',
  hpa: 'Run the HorizontalPodAutoscaler controller against an apiserver',
  'kube-proxy': 'Program every simulated node\'s Service rules and serve NodePorts on the host (kube-proxy)',
  dns: 'Serve the cluster DNS (CoreDNS semantics) on a loopback UDP/TCP port',
  cloud: 'Run the simulated cloud (node groups, machines, load balancers, routes) and serve its API on loopback',
  'cloud-controller-manager': 'Run the cloud controllers (node, route, service) against an apiserver and the simulated cloud',
  'cluster-autoscaler': 'Add and remove nodes of the simulated cloud as pods need them (cluster-autoscaler)',
  'ingress-controller': 'Serve the Ingresses of the nginx class on loopback HTTP/HTTPS through their Services (a simulated ingress-nginx)',
};

export interface FlagSpec {
  name: string;
  /** Placeholder shown in help; absent for boolean flags. */
  value?: string;
  short?: string;
  /**
   * Boolean flags only: also accepts `--name=true|false` and `--no-name`, as kube's
   * boolean flags whose default is true (`--leader-elect=false`).
   */
  negatable?: boolean;
  help: string;
  /** Commands that take the flag. A name may appear twice with disjoint command lists. */
  commands: readonly Command[];
}

/** Commands that run an apiserver (and write a kubeconfig). */
export const SERVER_COMMANDS: readonly Command[] = ['up', 'apiserver'];
/** Commands that connect to an apiserver through a kubeconfig they read. */
export const CLIENT_COMMANDS: readonly Command[] = [
  'controller-manager',
  'scheduler',
  'kubelet-sim',
  'hpa',
  'kube-proxy',
  'dns',
  'metrics-server',
  'cloud',
  'cloud-controller-manager',
  'cluster-autoscaler',
  'ingress-controller',
];
const ALL: readonly Command[] = [...SERVER_COMMANDS, ...CLIENT_COMMANDS];

export const FLAGS: readonly FlagSpec[] = [
  { name: 'data-dir', value: 'DIR', help: 'where state lives: pki/, kubeling.db, kubeconfig (default ./.kubeling)', commands: SERVER_COMMANDS },
  { name: 'port', value: 'N', help: 'HTTPS port of the apiserver; 0 picks a free port (default 6443)', commands: SERVER_COMMANDS },
  { name: 'bind-address', value: 'IP', help: 'address the apiserver listens on (default 127.0.0.1)', commands: SERVER_COMMANDS },
  { name: 'nodes', value: 'N', help: 'number of simulated nodes (default 3)', commands: ['up', 'kubelet-sim'] },
  { name: 'store', value: 'sqlite|etcd', help: 'storage backend (default sqlite; etcd when --etcd-servers is given)', commands: SERVER_COMMANDS },
  { name: 'etcd-servers', value: 'URLS', help: 'comma-separated etcd client URLs, e.g. http://127.0.0.1:2379', commands: SERVER_COMMANDS },
  {
    name: 'kubeconfig',
    value: 'PATH',
    help: 'where to WRITE the kubeconfig (default DIR/kubeconfig); an existing kubeconfig is merged into, not replaced',
    commands: SERVER_COMMANDS,
  },
  {
    name: 'kubeconfig',
    value: 'PATH',
    help: 'required: the kubeconfig to connect with (READ), e.g. the one `kubeling apiserver` writes',
    commands: CLIENT_COMMANDS,
  },
  { name: 'token-auth-file', value: 'PATH', help: 'extra bearer tokens: CSV lines token,user,uid,"group1,group2"', commands: SERVER_COMMANDS },
  { name: 'client-ca-file', value: 'PATH', help: 'CA bundle whose client certificates authenticate (CN user, O groups); default DIR/pki/ca.crt', commands: SERVER_COMMANDS },
  { name: 'admission-control-config-file', value: 'PATH', help: 'an AdmissionConfiguration: PodSecurity defaults and exemptions', commands: SERVER_COMMANDS },
  {
    name: 'anonymous-auth',
    negatable: true,
    help: 'requests without credentials are system:anonymous, then authorized (default true; --anonymous-auth=false: 401)',
    commands: SERVER_COMMANDS,
  },
  {
    name: 'leader-elect',
    negatable: true,
    help: 'act only while holding the kube-system Lease, so replicas can stand by (default true; --leader-elect=false to turn off)',
    commands: ['controller-manager', 'scheduler', 'hpa', 'cloud-controller-manager', 'cluster-autoscaler'],
  },
  {
    name: 'controllers',
    value: 'LIST',
    help: 'controllers to run: * for all, name to add one, -name to leave one out, e.g. *,-node-lifecycle-controller (default *)',
    commands: ['controller-manager'],
  },
  { name: 'cluster-cidr', value: 'CIDR', help: 'IPv4 range node pod CIDRs are cut from (default 100.96.0.0/16)', commands: ['controller-manager'] },
  {
    name: 'cluster-cidr',
    value: 'CIDR',
    help: 'IPv4 range node pod CIDRs are cut from (default 100.96.0.0/16, widened inside 100.64.0.0/10 when --nodes needs more than 256 /24s)',
    commands: ['up'],
  },
  { name: 'node-cidr-mask-size', value: 'N', help: 'prefix length of each node pod CIDR (default 24)', commands: ['controller-manager', 'up'] },
  {
    name: 'service-cluster-ip-range',
    value: 'CIDR',
    help: 'IPv4 range Service ClusterIPs come from; the kubernetes Service takes its first address, kube-dns (up) its tenth (default 10.96.0.0/12)',
    commands: SERVER_COMMANDS,
  },
  {
    name: 'cluster-dns',
    value: 'IPS',
    help: "comma-separated DNS server IPs for pods' /etc/resolv.conf under dnsPolicy ClusterFirst (default 10.96.0.10, the kube-dns Service of 10.96.0.0/12)",
    commands: ['kubelet-sim'],
  },
  {
    name: 'node-monitor-grace-period',
    value: 'DURATION',
    help: 'how long a node may go without a heartbeat before it is marked NotReady, e.g. 40s (default 40s)',
    commands: ['controller-manager'],
  },
  {
    name: 'use-service-account-credentials',
    negatable: true,
    help: 'each controller acts as its own ServiceAccount in kube-system (system:controller:NAME roles) instead of the manager credential (up: default true, as kubeadm sets it; controller-manager and hpa: default false, as kube)',
    commands: ['controller-manager', 'hpa', 'up'],
  },
  {
    name: 'apiserver-thread',
    negatable: true,
    help: 'run the apiserver on its own thread, off the event loop of the controllers and simulated kubelets (default true)',
    commands: ['up'],
  },
  { name: 'kube-api-qps', value: 'N', help: 'requests per second each simulated kubelet may send the apiserver (default 50, as kubelet)', commands: ['up', 'kubelet-sim'] },
  { name: 'kube-api-burst', value: 'N', help: 'requests each simulated kubelet may send at once above its QPS (default 100, as kubelet)', commands: ['up', 'kubelet-sim'] },
  { name: 'port', value: 'N', help: "port of the simulated kubelets' server (logs, exec, attach, port-forward); 0 picks a free port (default 0; kubelet's is 10250)", commands: ['kubelet-sim'] },
  { name: 'address', value: 'IP', help: "address the simulated kubelets' server listens on (default 127.0.0.1; 0.0.0.0 in a container)", commands: ['kubelet-sim'] },
  {
    name: 'node-credentials-key',
    value: 'FILE',
    help: "the apiserver's component credential key (DIR/pki/component-credentials.key): each simulated kubelet then writes as system:node:NAME, as in up",
    commands: ['kubelet-sim'],
  },
  { name: 'node-name-prefix', value: 'PREFIX', help: 'node names are PREFIX0, PREFIX1, … (default kubeling-node-)', commands: ['kubelet-sim'] },
  { name: 'node-template', value: 'FILE', help: 'JSON or YAML node template: capacity, labels, taints, zones…', commands: ['up', 'kubelet-sim'] },
  {
    name: 'stage-config',
    value: 'FILE',
    help: 'JSON or YAML overrides of the simulated pod lifecycle: stage delays, crash-loop back-off… (see kubelet-sim/README.md)',
    commands: ['up', 'kubelet-sim'],
  },
  {
    name: 'metric-resolution',
    value: 'DURATION',
    help: 'how often the metrics server scrapes every kubelet; usage is the rate between two scrapes (default 15s)',
    commands: ['up', 'metrics-server'],
  },
  { name: 'secure-port', value: 'N', help: 'HTTPS port the metrics server listens on, on loopback; 0 picks a free one (default 0)', commands: ['metrics-server'] },
  // kube-controller-manager's HPA flags; `up` passes them to its in-process HPA controller.
  { name: 'horizontal-pod-autoscaler-sync-period', value: 'DURATION', help: 'how often each HPA is synced (default 15s)', commands: ['up', 'hpa'] },
  {
    name: 'horizontal-pod-autoscaler-tolerance',
    value: 'RATIO',
    help: 'minimum change (from 1.0) in the desired-to-actual metrics ratio before scaling (default 0.1)',
    commands: ['up', 'hpa'],
  },
  {
    name: 'horizontal-pod-autoscaler-downscale-stabilization',
    value: 'DURATION',
    help: 'how far back the highest recommendation is kept when scaling down (default 5m0s)',
    commands: ['up', 'hpa'],
  },
  {
    name: 'horizontal-pod-autoscaler-cpu-initialization-period',
    value: 'DURATION',
    help: 'after a pod starts, how long its CPU samples may be skipped (default 5m0s)',
    commands: ['up', 'hpa'],
  },
  {
    name: 'horizontal-pod-autoscaler-initial-readiness-delay',
    value: 'DURATION',
    help: 'after a pod starts, how long readiness changes count as its first readiness (default 30s)',
    commands: ['up', 'hpa'],
  },
  // kube-proxy's flags (and the simulated network's backend); `up` passes them to its in-process kube-proxy.
  { name: 'proxy-mode', value: 'iptables|ipvs', help: 'which rules kube-proxy writes and the data path follows (default iptables)', commands: ['up', 'kube-proxy'] },
  {
    name: 'nodeport-addresses',
    value: 'IPS',
    help: 'loopback addresses NodePort Services are served on for real, comma-separated, or none (default 127.0.0.1)',
    commands: ['up', 'kube-proxy'],
  },
  { name: 'flannel-backend', value: 'vxlan|host-gw', help: 'how the simulated pod network crosses nodes (default vxlan)', commands: ['up', 'kube-proxy'] },
  { name: 'cluster-cidr', value: 'CIDR', help: 'the pod network: traffic from outside it to a cluster IP is masqueraded (default 100.96.0.0/16)', commands: ['kube-proxy'] },
  {
    name: 'dns-port',
    value: 'N|none',
    help: 'UDP and TCP port of the cluster DNS server on loopback; 0 picks a free port, none (up only) runs no DNS (default 10053)',
    commands: ['up', 'dns'],
  },
  { name: 'ingress-http-port', value: 'N|none', help: 'loopback port the ingress controller serves HTTP on; 0 picks a free port, none runs no ingress controller (default 10080)', commands: ['up'] },
  { name: 'ingress-https-port', value: 'N|none', help: 'loopback port the ingress controller serves HTTPS on; none serves no HTTPS (default 10443)', commands: ['up'] },
  { name: 'http-port', value: 'N', help: 'loopback port Ingresses are served on over HTTP; 0 picks a free port (default 10080)', commands: ['ingress-controller'] },
  { name: 'https-port', value: 'N|none', help: 'loopback port Ingresses are served on over HTTPS, or none (default 10443)', commands: ['ingress-controller'] },
  { name: 'ingress-class', value: 'NAME', help: 'the IngressClass to serve; installed as the default class when missing (default nginx)', commands: ['ingress-controller'] },
  { name: 'dns-address', value: 'IP', help: 'address the cluster DNS server listens on; must be loopback (default 127.0.0.1)', commands: ['up', 'dns'] },
  { name: 'cluster-domain', value: 'DOMAIN', help: 'the cluster DNS domain (default cluster.local)', commands: ['up', 'dns', 'kubelet-sim'] },
  {
    name: 'advertise-address',
    value: 'IP',
    help: 'address the kubernetes Service endpoints list (default the bind address, or 10.0.0.2 when binding loopback)',
    commands: SERVER_COMMANDS,
  },
  ...AUTOSCALER_FLAGS,
  { name: 'log-level', value: 'LEVEL', help: 'trace, debug, info, warn, error, fatal or silent (default info)', commands: ALL },
  { name: 'help', short: 'h', help: 'show this help', commands: ALL },
];

export function flagsFor(command: Command): FlagSpec[] {
  return FLAGS.filter((f) => f.commands.includes(command));
}
