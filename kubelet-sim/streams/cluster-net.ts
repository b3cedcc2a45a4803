import type { Namespace } from '../../api/core/namespace.js';
import { configMapResource, type ConfigMap } from '../../api/core/configmap.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { nodeResource, type Node } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import { serviceResource, type Service } from '../../api/core/service.js';
import { endpointSliceResource, type EndpointSlice } from '../../api/discovery/endpointslice.js';
import { networkPolicyResource, type NetworkPolicy } from '../../api/networking/network-policy.js';
import type { KubeObject } from '../../api/types.js';
import { createInformer, type Informer } from '../../client/informer.js';
import type { RestClient } from '../../client/rest-client.js';
import { imageNslookup } from '../../dns/format-nslookup.js';
import { formatDig, rdataText } from '../../dns/format-dig.js';
import { lookup } from '../../dns/lookup.js';
import { parseResolvConf, resolvConfFor } from '../../dns/resolv-conf.js';
import { KUBE_DNS_SERVICE_IP } from '../../dns/addon.js';
import { DEFAULT_CLUSTER_DNS, type ClusterDns } from '../etc-files.js';
import { resolveNameFor } from '../../dns/search.js';
import { memoryDnsView, type DnsView } from '../../dns/view.js';
import { iptablesSave } from '../../kube-proxy/iptables-save.js';
import { ipvsadmList } from '../../kube-proxy/ipvs.js';
import { DEFAULT_NETWORK_CONFIG, FLANNEL_CONFIGMAP, KUBE_PROXY_CONFIGMAP, NETWORK_CONFIG_NAMESPACE, networkConfigFrom, type NetworkConfig } from '../../kube-proxy/network-config.js';
import { createProxyRulesSource, type ProxyRulesSource } from '../../kube-proxy/node-rules.js';
import { createStaticNetworkView, type ClusterNetworkView } from '../../network/cluster-view.js';
import { createDataPath } from '../../network/data-path.js';
import type { SimRequest } from '../../network/data-path-types.js';
import { renderBridgeFdb, renderNodeIpAddr, renderNodeIpRoute } from '../../network/flannel.js';
import { nodeNetwork } from '../../network/node-network.js';
import type { ContainerLoad, TrafficSink } from '../../network/traffic-sink.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { HttpResult, NetHost } from '../shell/types.js';
import type { ContainerTarget, NetFactory } from './container-host.js';
import type { AppResponse } from './port-forward.js';

/**
 * The simulated network as the shells of this kubelet-sim see it: informer caches of the
 * objects the data path, kube-proxy's rules and DNS read (Services, EndpointSlices,
 * Nodes, Namespaces, NetworkPolicies; Pods come from the simulator's own informer), built
 * into their views when something changed, and a NetHost per container: wget/curl go
 * through network/'s data path (with this process's usage model as TrafficSink and
 * ContainerLoad, so a wget loop turns into CPU in the target pods), nslookup/dig through
 * dns/, and the node's iptables-save, ip route, bridge fdb on hostNetwork pods.
 */

const KUBE_DNS_SERVICE_KEY = 'kube-system/kube-dns';

const EMPTY_IPVS = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

export interface ClusterNet {
  netFor: NetFactory;
  /** The Services this process knows (for the containers' environ). */
  services(): Service[];
  /** What the container answers on its own port (port-forward dials localhost:PORT in the pod's namespace); undefined: nothing listens. */
  serve(t: ContainerTarget, port: number, req: { method: string; path: string }): AppResponse | undefined;
  start(): Promise<void>;
  stop(): void;
}

export function createClusterNet(o: {
  client: RestClient;
  clock: Clock;
  logger: Logger;
  pods: () => Iterable<Pod>;
  podInformer?: () => Informer<KubeObject> | undefined;
  /**
   * The simulator's Node informer, shared instead of a second cache of every Node (a
   * full copy of each Node was most of the kubelet-sim's memory per node); absent: its own.
   */
  nodeInformer?: () => Informer<KubeObject> | undefined;
  sink?: TrafficSink;
  load?: ContainerLoad;
  /** kubelet's --cluster-dns and --cluster-domain (default DEFAULT_CLUSTER_DNS). */
  clusterDns?: ClusterDns;
}): ClusterNet {
  const clusterDns = o.clusterDns ?? DEFAULT_CLUSTER_DNS;
  /** The pod's resolv.conf, as this kubelet writes it. */
  const podResolvConf = (pod: Pod) => resolvConfFor(pod, { clusterDomain: clusterDns.domain, nameservers: clusterDns.nameservers, host: parseResolvConf(clusterDns.hostResolvConf) });
  const opts = { clock: o.clock, logger: o.logger };
  const informers = {
    services: createInformer(o.client, serviceResource, opts),
    slices: createInformer(o.client, endpointSliceResource, opts),
    ...(o.nodeInformer ? {} : { nodes: createInformer(o.client, nodeResource, opts) }),
    namespaces: createInformer(o.client, namespaceResource, opts),
    policies: createInformer(o.client, networkPolicyResource, opts),
    // kube-proxy's mode and flannel's backend, as the kube-proxy component publishes them (kube-proxy/network-config.ts).
    config: createInformer(o.client, configMapResource, { ...opts, namespace: NETWORK_CONFIG_NAMESPACE }),
  };
  let dirty = true;
  const touch = () => void (dirty = true);
  for (const inf of Object.values(informers)) inf.addEventHandler({ onAdd: touch, onUpdate: touch, onDelete: touch });
  let hooked = false;
  let nodesHooked = false;
  const nodeInformer = (): Informer<KubeObject> | undefined => informers.nodes ?? o.nodeInformer?.();

  const view = createStaticNetworkView();
  let dns: DnsView = memoryDnsView({});
  let config: NetworkConfig = DEFAULT_NETWORK_CONFIG;
  let proxy: ProxyRulesSource = createProxyRulesSource(view, { mode: config.proxyMode, clusterCIDR: config.clusterCIDR });
  /**
   * One data path while the network configuration stays the same: it keeps the kernel's
   * state between requests (xt_recent tables for sessionAffinity, IPVS rr positions and
   * persistence templates), so a wget loop sees affinity and round robin as on a node.
   */
  const makePath = () =>
    createDataPath({
      view,
      proxy,
      flannel: { backend: config.flannelBackend, network: config.clusterCIDR },
      resolveName: (name, fromPod) =>
        fromPod
          ? resolveNameFor(dns, name, fromPod, { clusterDomain: clusterDns.domain, nameservers: clusterDns.nameservers, nameserver: answeringDns(), host: parseResolvConf(clusterDns.hostResolvConf) })
          : undefined,
      sink: o.sink,
      load: o.load,
      clock: o.clock,
    });
  let path = makePath();
  /** Rebuilds the views when an object changed since the last request (pods: every time, they move fast). */
  const refresh = (): ClusterNetworkView => {
    const podInf = o.podInformer?.();
    if (podInf && !hooked) {
      hooked = true;
      podInf.addEventHandler({ onAdd: touch, onUpdate: touch, onDelete: touch });
    }
    const nodeInf = informers.nodes ? undefined : o.nodeInformer?.();
    if (nodeInf && !nodesHooked) {
      nodesHooked = true;
      nodeInf.addEventHandler({ onAdd: touch, onUpdate: touch, onDelete: touch });
    }
    if (!dirty) return view;
    dirty = false;
    const pods = [...o.pods()];
    const services = informers.services.store.list() as Service[];
    const endpointSlices = informers.slices.store.list() as EndpointSlice[];
    const namespaces = informers.namespaces.store.list() as Namespace[];
    view.update({ pods, services, endpointSlices, nodes: (nodeInformer()?.store.list() ?? []) as Node[], namespaces, networkPolicies: informers.policies.store.list() as NetworkPolicy[] });
    dns = memoryDnsView({ services, endpointSlices, pods, namespaces: namespaces.map((n) => n.metadata.name ?? '') });
    const cms = informers.config.store;
    const next = networkConfigFrom(cms.get(`${NETWORK_CONFIG_NAMESPACE}/${KUBE_PROXY_CONFIGMAP}`) as ConfigMap | undefined, cms.get(`${NETWORK_CONFIG_NAMESPACE}/${FLANNEL_CONFIGMAP}`) as ConfigMap | undefined);
    if (next.proxyMode !== config.proxyMode || next.clusterCIDR !== config.clusterCIDR || next.flannelBackend !== config.flannelBackend) {
      config = next;
      // The rules source caches per view revision; only a new mode or CIDR needs a new one.
      proxy = createProxyRulesSource(view, { mode: config.proxyMode, clusterCIDR: config.clusterCIDR });
      path = makePath();
    }
    return view;
  };

  /**
   * The address the cluster DNS answers on: the kube-dns Service's ClusterIP (queries to it
   * reach CoreDNS), else the kubelet's first --cluster-dns. Any other server never replies.
   */
  const answeringDns = (): string => {
    const svc = informers.services.store.get(KUBE_DNS_SERVICE_KEY) as Service | undefined;
    const ip = svc?.spec?.clusterIP;
    return ip && ip !== 'None' ? ip : (clusterDns.nameservers[0] ?? KUBE_DNS_SERVICE_IP);
  };

  const send = (req: SimRequest) => {
    refresh();
    return path.send(req);
  };

  const netFor: NetFactory = (t: ContainerTarget): NetHost => {
    const from: SimRequest['from'] = t.pod.spec?.hostNetwork ? { host: true, node: t.node } : { pod: { namespace: t.pod.metadata.namespace ?? '', name: t.pod.metadata.name ?? '' } };
    const node = () => (refresh(), view.node(t.node));
    return {
      async http(req): Promise<HttpResult> {
        const res = send({ from, target: req.url, method: req.method, headers: req.headers });
        const error = res.outcome === 'response' ? undefined : res.outcome === 'no-such-host' ? 'bad-address' : res.outcome;
        const headers: Record<string, string> = { ...(res.headers ?? {}) };
        if (res.resolvedIP) headers['x-kubeling-remote'] = res.resolvedIP;
        // A request that never got an HTTP answer from a server that does not speak HTTP.
        if (res.outcome === 'response' && res.status === undefined) return { error: 'refused', latencyMs: res.latencyMs };
        return { status: res.status, body: res.body, headers, latencyMs: Math.min(res.latencyMs, 10_000), error };
      },
      nslookup(args) {
        refresh();
        const names = args.filter((a) => !a.startsWith('-'));
        const type = args.find((a) => a.startsWith('-type='))?.slice(6) ?? args.find((a) => a.startsWith('-query='))?.slice(7);
        if (names.length === 0) return { output: 'Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n', code: 1 };
        const conf = podResolvConf(t.pod);
        const out = imageNslookup(dns, t.container.image ?? '', names[0]!, conf, { server: names[1], type: type?.toUpperCase(), clusterDNS: answeringDns(), clusterDomain: clusterDns.domain });
        return { output: out.stdout, code: out.exitCode };
      },
      dig(args) {
        refresh();
        const server = args.find((a) => a.startsWith('@'))?.slice(1) ?? podResolvConf(t.pod).nameservers[0] ?? answeringDns();
        const rest = args.filter((a) => !a.startsWith('@') && !a.startsWith('+'));
        const qname = rest[0] ?? '.';
        const qtype = (rest[1] ?? 'A').toUpperCase();
        const short = args.includes('+short');
        if (server !== answeringDns()) return { output: ';; communications error to ' + server + '#53: timed out\n', code: 9 };
        const result = lookup(dns, qname.replace(/\.$/, ''), qtype as Parameters<typeof lookup>[2], { clusterDomain: clusterDns.domain });
        if (short) return { output: result.answers.map((r) => `${rdataText(r)}\n`).join(''), code: 0 };
        return { output: formatDig(qname, qtype, result, { server, nowMs: o.clock.now(), args: args.join(' ') }), code: 0 };
      },
      command(argv) {
        if (!t.pod.spec?.hostNetwork) return undefined;
        const n = node();
        if (!n) return { output: '', code: 1 };
        const nodes = view.nodes();
        const [prog, obj] = argv;
        if (prog === 'ipvsadm') {
          // kube-proxy --proxy-mode=ipvs: the node's virtual servers; iptables mode: none.
          if (config.proxyMode !== 'ipvs') return { output: EMPTY_IPVS, code: 0 };
          const state = proxy.forNode(t.node);
          const net = nodeNetwork(n);
          return { output: ipvsadmList(state?.ports ?? [], [net.internalIP, net.bridgeIP, net.vtepIP].filter((x): x is string => !!x)), code: 0 };
        }
        if (prog === 'iptables-save') {
          const state = proxy.forNode(t.node);
          const table = argv.includes('-t') ? argv[argv.indexOf('-t') + 1] : undefined;
          return state ? { output: iptablesSave(state.rules, o.clock.now(), table === 'nat' || table === 'filter' ? table : undefined), code: 0 } : { output: '', code: 1 };
        }
        if (prog === 'ip' && obj && 'route'.startsWith(obj.replace(/^-/, ''))) return { output: renderNodeIpRoute(n, nodes), code: 0 };
        if (prog === 'ip' && obj && ('address'.startsWith(obj) || obj === 'a')) return { output: renderNodeIpAddr(n, [...view.pods()].filter((p) => p.spec?.nodeName === t.node)), code: 0 };
        if (prog === 'bridge') return { output: renderBridgeFdb(n, nodes), code: 0 };
        // Simulated connections are not kept after their request: the table is empty between requests.
        if (prog === 'conntrack') return { output: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n', code: 0 };
        return undefined;
      },
    };
  };

  const serve: ClusterNet['serve'] = (t, port, req) => {
    const ip = t.pod.spec?.hostNetwork ? t.hostIP : t.podIP;
    if (!ip) return undefined;
    const from: SimRequest['from'] = t.pod.spec?.hostNetwork ? { host: true, node: t.node } : { pod: { namespace: t.pod.metadata.namespace ?? '', name: t.pod.metadata.name ?? '' } };
    const res = send({ from, target: `http://${ip}:${port}${req.path.startsWith('/') ? req.path : `/${req.path}`}`, method: req.method });
    if (res.outcome !== 'response' || res.status === undefined) return undefined;
    return { status: res.status, headers: { ...(res.headers ?? {}) }, body: res.body ?? '', latencyMs: Math.min(res.latencyMs, 10_000) };
  };

  return {
    netFor,
    services: () => informers.services.store.list() as Service[],
    serve,
    async start() {
      for (const inf of Object.values(informers)) inf.start();
      await Promise.all(Object.values(informers).map((inf) => inf.waitForSync()));
    },
    stop() {
      for (const inf of Object.values(informers)) inf.stop();
    },
  };
}
