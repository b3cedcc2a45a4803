import type { Pod } from '../api/core/pod.js';
import type { Clock } from '../lib/clock.js';
import type { ProxyRulesSource } from '../kube-proxy/node-rules.js';
import type { ClusterNetworkView } from './cluster-view.js';
import type { FlannelConfig } from './flannel.js';
import type { ContainerLoad, TrafficSink } from './traffic-sink.js';

/** Where a simulated request starts. */
export type RequestSource =
  /** A pod's network namespace (its eth0). */
  | { readonly pod: { readonly namespace: string; readonly name: string } }
  /** The host: a node's own network namespace when `node` is given, else a client outside the cluster (the machine running Kubeling). */
  | { readonly host: true; readonly node?: string };

export interface SimRequest {
  readonly from: RequestSource;
  /** `http://name[:port]/path`, `name:port`, `ip:port`, a bare name or IP (port 80). */
  readonly target: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Transport; TCP unless a UDP client (DNS) asks. */
  readonly protocol?: 'TCP' | 'UDP';
  /** Collect the hops (the packet trace); off for load generators. */
  readonly trace?: boolean;
}

export type Outcome = 'response' | 'refused' | 'timeout' | 'unreachable' | 'no-such-host';

export interface ServedBy {
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
  readonly container: string;
  readonly node: string;
  readonly ip: string;
  readonly port: number;
}

export type HopKind =
  | 'dns'
  | 'source'
  | 'veth'
  | 'bridge'
  | 'iptables'
  | 'dnat'
  | 'snat'
  | 'route'
  | 'vxlan'
  | 'host-gw'
  | 'wire'
  | 'policy'
  | 'conntrack'
  | 'deliver'
  | 'drop';

export interface TraceHop {
  readonly kind: HopKind;
  /** The node the hop happens on, when on one. */
  readonly node?: string;
  readonly text: string;
}

export interface SimResponse {
  readonly outcome: Outcome;
  /** HTTP status, when the server spoke HTTP. */
  readonly status?: number;
  readonly statusText?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Simulated wall time of the request, ms. For a timeout: Linux's connect timeout (127 s); callers with shorter timeouts cut it. */
  readonly latencyMs: number;
  readonly servedBy?: ServedBy;
  /** What a client prints for a failed outcome (`Connection refused`, `bad address 'x'`, …). */
  readonly error?: string;
  /** The resolved destination and where it really went. */
  readonly resolvedIP?: string;
  readonly port?: number;
  /** `conntrack -L` line of the connection, when one was made (with trace only: load generators do not build it). */
  readonly conntrack?: string;
  readonly trace?: readonly TraceHop[];
  /** With trace: the addresses a traceroute would list before the destination (gateways, remote VTEPs or node IPs). */
  readonly routers?: readonly string[];
}

/** How a pod's DNS resolves a name (the dns engineer's resolver): the A records, empty/undefined for NXDOMAIN. */
export type ResolveName = (name: string, fromPod: Pod | undefined) => readonly string[] | undefined;

export interface DataPathDeps {
  readonly view: ClusterNetworkView;
  readonly proxy: ProxyRulesSource;
  readonly resolveName?: ResolveName;
  readonly sink?: TrafficSink;
  readonly load?: ContainerLoad;
  /** [0, 1): statistic matches and ephemeral ports; seed it (lib/random.ts) for replayable runs. */
  readonly random?: () => number;
  readonly clock?: Pick<Clock, 'now'>;
  readonly flannel?: FlannelConfig;
}
