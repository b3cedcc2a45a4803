import type { Node } from '../api/core/node.js';
import type { Pod } from '../api/core/pod.js';
import { parseIPv4 } from '../api/networking/cidr.js';
import { formatRuleBody } from '../kube-proxy/iptables-save.js';
import type { RecentTables, RuleHit } from '../kube-proxy/iptables-walk.js';
import { IpvsTable, newIpvsConnState, type IpvsConnState } from '../kube-proxy/ipvs-walk.js';
import type { NodeProxyState } from '../kube-proxy/node-rules.js';
import { realClock } from '../lib/clock.js';
import { hasPodNetworkIP } from './cluster-view.js';
import type { DataPathDeps, RequestSource, ServedBy, SimRequest, SimResponse, TraceHop } from './data-path-types.js';
import { defaultFlannelConfig, VXLAN_PORT, VXLAN_VNI, vethName } from './flannel.js';
import { evaluateEgress, evaluateIngress, type PolicyContext, type PolicyPeer } from './network-policy-eval.js';
import { localAddresses, nodeNetwork, type NodeNetwork } from './node-network.js';
import { BadTargetError, parseTarget, type RequestTarget } from './request-target.js';
import { chooseRoute, containerListening, renderTemplate } from './traffic-model.js';
import { idleContainerLoad, noTrafficSink } from './traffic-sink.js';

/**
 * The simulated request path: a request from a pod or the host is resolved (injected DNS),
 * NATed by kube-proxy's rules of the node it enters (the same rules `iptables-save`
 * prints), routed by flannel (VXLAN or host-gw), filtered by NetworkPolicy and answered by
 * the destination container's traffic model, whose cost goes to the TrafficSink. Nothing
 * is dialled. State kept here is the kernel's: xt_recent tables (session affinity) per node.
 */

/** The address a client outside the cluster (the host running Kubeling) appears with: the VPC router. */
export const HOST_CLIENT_IP = '10.0.0.1';
/** Linux gives up a TCP connect after 6 SYN retries: ~127 s. */
export const CONNECT_TIMEOUT_MS = 127_000;
/** Simulated per-hop costs (ms): a veth/bridge/route hop, and VXLAN encapsulation on top. */
const HOP_MS = 0.02;
const VXLAN_MS = 0.05;

export interface DataPath {
  send(req: SimRequest): SimResponse;
}

interface Where {
  node: Node;
  net: NodeNetwork;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 404: 'Not Found', 500: 'Internal Server Error' };

export function createDataPath(deps: DataPathDeps): DataPath {
  const view = deps.view;
  const random = deps.random ?? Math.random;
  const clock = deps.clock ?? realClock;
  const sink = deps.sink ?? noTrafficSink;
  const load = deps.load ?? idleContainerLoad;
  const flannel = deps.flannel ?? defaultFlannelConfig;
  const recentByNode = new Map<string, RecentTables>();
  /** IPVS mode: the virtual-server table of each rules state, and each node's rr/persistence state. */
  const ipvsTables = new WeakMap<NodeProxyState, IpvsTable>();
  const ipvsConns = new Map<string, IpvsConnState>();
  const policyCtx: PolicyContext = {
    policies: (ns) => view.networkPolicies(ns),
    namespaceLabels: (ns) => view.namespace(ns)?.metadata.labels,
  };

  const netCache = new Map<Node, { net: NodeNetwork; local: Set<string>; isLocal: (ip: string) => boolean }>();
  const netOf = (node: Node): { net: NodeNetwork; local: Set<string>; isLocal: (ip: string) => boolean } => {
    let n = netCache.get(node);
    if (!n) {
      const net = nodeNetwork(node);
      const local = localAddresses(net);
      n = { net, local, isLocal: (ip) => local.has(ip) };
      if (netCache.size > 100_000) netCache.clear();
      netCache.set(node, n);
    }
    return n;
  };

  /**
   * Address → node, and the Service VIPs a host client may reach (external and load
   * balancer IPs), rebuilt when the view's proxyRevision moves (Services and Nodes are
   * what they depend on).
   */
  let indexRevision = -1;
  let nodeByAddr = new Map<string, Node>();
  let externalVIPs = new Set<string>();
  let firstReadyNode: Node | undefined;
  const refreshIndex = (): void => {
    const rev = view.proxyRevision();
    if (rev === indexRevision) return;
    indexRevision = rev;
    nodeByAddr = new Map();
    const ready: Node[] = [];
    for (const n of view.nodes()) {
      for (const ip of netOf(n).local) if (ip !== '127.0.0.1') nodeByAddr.set(ip, n);
      if (netOf(n).net.subnet && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.push(n);
    }
    ready.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    firstReadyNode = ready[0];
    externalVIPs = new Set();
    for (const s of view.services()) {
      for (const ip of s.spec?.externalIPs ?? []) externalVIPs.add(ip);
      if (s.spec?.type === 'LoadBalancer') for (const i of s.status?.loadBalancer?.ingress ?? []) if (i.ip) externalVIPs.add(i.ip);
    }
  };

  /** The node owning an address (InternalIP/ExternalIP/bridge/VTEP), if any. */
  const nodeByAddress = (ip: string): Node | undefined => {
    refreshIndex();
    return nodeByAddr.get(ip);
  };

  /** Where a host client's packet for `ip` enters the cluster: the node owning it, or (LB/external IPs) the first ready node. */
  const ingressNodeFor = (ip: string): Node | undefined => {
    const owner = nodeByAddress(ip);
    if (owner) return owner;
    return externalVIPs.has(ip) ? firstReadyNode : undefined;
  };

  function send(req: SimRequest): SimResponse {
    const hops: TraceHop[] | undefined = req.trace ? [] : undefined;
    /** Addresses that would answer a traceroute probe (TTL exceeded), before the destination (with trace only). */
    const routers: string[] | undefined = hops ? [] : undefined;
    const hop = (kind: TraceHop['kind'], text: string, node?: string): void => {
      hops?.push(node ? { kind, node, text } : { kind, text });
    };
    let latency = 0;
    const fail = (outcome: SimResponse['outcome'], error: string, extra: Partial<SimResponse> = {}): SimResponse => ({
      outcome,
      error,
      latencyMs: outcome === 'timeout' ? CONNECT_TIMEOUT_MS : latency,
      ...extra,
      ...(hops ? { trace: hops, routers } : {}),
    });
    const protocol = req.protocol ?? 'TCP';
    const proto = protocol === 'UDP' ? 'udp' : 'tcp';

    // The source.
    let srcPod: Pod | undefined;
    let srcWhere: Where | undefined;
    let srcIP: string;
    const from: RequestSource = req.from;
    if ('pod' in from) {
      srcPod = view.pod(from.pod.namespace, from.pod.name);
      if (!srcPod) return fail('unreachable', `pods "${from.pod.name}" not found`);
      if (!hasPodNetworkIP(srcPod) && srcPod.spec?.hostNetwork !== true) return fail('unreachable', 'Network is unreachable');
      const node = view.node(srcPod.spec?.nodeName ?? '');
      if (!node) return fail('unreachable', 'Network is unreachable');
      srcWhere = { node, net: netOf(node).net };
      srcIP = srcPod.spec?.hostNetwork ? (srcWhere.net.internalIP ?? '') : srcPod.status!.podIP!;
    } else if (from.node) {
      const node = view.node(from.node);
      if (!node) return fail('unreachable', `nodes "${from.node}" not found`);
      srcWhere = { node, net: netOf(node).net };
      srcIP = srcWhere.net.internalIP ?? '';
    } else {
      srcIP = HOST_CLIENT_IP;
    }

    // The destination.
    let target;
    try {
      target = targetOf(req.target);
    } catch (err) {
      if (err instanceof BadTargetError) return fail('no-such-host', err.message);
      throw err;
    }
    let dst = target.host;
    if (parseIPv4(dst) === undefined) {
      const ips = deps.resolveName?.(target.host, srcPod);
      if (!ips || ips.length === 0) {
        if (hops) hop('dns', `${target.host}: no such host (NXDOMAIN)`);
        return fail('no-such-host', `bad address '${target.host}'`);
      }
      dst = ips[0]!;
      if (hops) hop('dns', `${target.host} resolved to ${dst}`);
    }
    const dport = target.port;
    const sport = 32768 + Math.floor(random() * (60999 - 32768));

    // Into the first node: from a pod over its veth and cni0; from a node, locally; from outside, over the wire.
    let at: Where;
    let fromNode: boolean;
    if (srcWhere) {
      at = srcWhere;
      fromNode = !srcPod || srcPod.spec?.hostNetwork === true;
      if (srcPod && !fromNode) {
        if (hops) hop('source', `${srcPod.metadata.namespace}/${srcPod.metadata.name} eth0 ${srcIP}:${sport} → ${dst}:${dport}/${proto}`, at.net.name);
        if (hops) hop('veth', `eth0 → ${vethName(srcPod)} (host side) → cni0 bridge (${at.net.bridgeIP})`, at.net.name);
        if (at.net.bridgeIP) routers?.push(at.net.bridgeIP);
      } else {
        if (hops) hop('source', `node ${at.net.name} (${srcIP}) → ${dst}:${dport}/${proto}`, at.net.name);
      }
    } else {
      const ingress = ingressNodeFor(dst);
      if (!ingress) {
        if (hops) hop('drop', `${dst} is not reachable from outside the cluster (only node addresses, external IPs and load balancer IPs are)`);
        return fail('unreachable', 'No route to host', { resolvedIP: dst, port: dport });
      }
      at = { node: ingress, net: netOf(ingress).net };
      fromNode = false;
      if (hops) hop('wire', `host ${HOST_CLIENT_IP} → ${dst}:${dport}/${proto} arrives on ${at.net.name} eth0 (${at.net.internalIP})`, at.net.name);
      latency += HOP_MS;
    }
    latency += HOP_MS;

    // kube-proxy's rules on the node the packet enters; a node address elsewhere is routed there first.
    const walkAt = (where: Where, packetSrc: string, packetDst: string, isFromNode: boolean) => {
      const state = deps.proxy.forNode(where.net.name);
      if (!state) return undefined;
      if (deps.proxy.mode === 'ipvs') {
        // IPVS mode: the virtual servers ipvsadm prints decide, not the KUBE-SVC chains.
        let table = ipvsTables.get(state);
        if (!table) ipvsTables.set(state, (table = new IpvsTable(state.ports, [where.net.internalIP, where.net.bridgeIP, where.net.vtepIP].filter((x): x is string => !!x))));
        let conn = ipvsConns.get(where.net.name);
        if (!conn) ipvsConns.set(where.net.name, (conn = newIpvsConnState()));
        const r = table.walk({ src: packetSrc, dst: packetDst, dport, proto }, { clusterCIDR: deps.proxy.clusterCIDR, nowMs: clock.now(), state: conn });
        if (r.explanation) hop('dnat', r.explanation, where.net.name);
        return { verdict: r.verdict, masquerade: r.masquerade, hits: [], ...(r.dnat ? { dnat: r.dnat, endpointChain: `IPVS ${r.virtualServer!.address}:${r.virtualServer!.port}` } : {}) };
      }
      const isLocal = netOf(where.node).isLocal;
      let recent = recentByNode.get(where.net.name);
      if (!recent) recentByNode.set(where.net.name, (recent = new Map()));
      return state.compiled.walk({ src: packetSrc, dst: packetDst, dport, proto, fromNode: isFromNode }, { isLocal, random, nowMs: clock.now(), recent, collectHits: hops !== undefined });
    };
    let result = walkAt(at, srcIP, dst, fromNode);
    if (result && hops) traceHits(hop, result.hits, at.net.name);
    if (result && result.verdict === 'accept' && !result.dnat) {
      // Not NATed here: a packet for another node's address travels there and meets its rules.
      const owner = nodeByAddress(dst);
      if (owner && owner.metadata.name !== at.net.name) {
        if (hops) hop('route', `${dst} via eth0 (node network) to ${owner.metadata.name}`, at.net.name);
        at = { node: owner, net: netOf(owner).net };
        latency += HOP_MS;
        if (at.net.internalIP && at.net.internalIP !== dst) routers?.push(at.net.internalIP);
        result = walkAt(at, srcIP, dst, false);
        if (result && hops) traceHits(hop, result.hits, at.net.name);
      }
    }
    if (result?.verdict === 'reject') {
      if (hops) hop('drop', 'REJECT --reject-with icmp-port-unreachable: connection refused', at.net.name);
      return fail('refused', 'Connection refused', { resolvedIP: dst, port: dport });
    }
    if (result?.verdict === 'drop') {
      if (hops) hop('drop', 'DROP: the packet is discarded; the client waits until it times out', at.net.name);
      return fail('timeout', 'download timed out', { resolvedIP: dst, port: dport });
    }
    let finalDst = dst;
    let finalPort = dport;
    if (result?.dnat) {
      const i = result.dnat.lastIndexOf(':');
      finalDst = result.dnat.slice(0, i);
      finalPort = Number(result.dnat.slice(i + 1));
      if (hops) hop('dnat', `DNAT ${dst}:${dport} → ${finalDst}:${finalPort} (${result.endpointChain})`, at.net.name);
    }

    // The destination pod.
    const dstPod = view.podByIP(finalDst);
    if (!dstPod) {
      if (netOf(at.node).local.has(finalDst) || nodeByAddress(finalDst)) {
        if (hops) hop('drop', `nothing listens on ${finalDst}:${finalPort}: the node answers with a TCP reset`, at.net.name);
        return fail('refused', 'Connection refused', { resolvedIP: dst, port: dport });
      }
      if (hops) hop('drop', `no pod holds ${finalDst}: no route to host`, at.net.name);
      return fail('unreachable', 'No route to host', { resolvedIP: dst, port: dport });
    }
    const dstNode = view.node(dstPod.spec?.nodeName ?? '');
    if (!dstNode) return fail('unreachable', 'No route to host', { resolvedIP: dst, port: dport });
    const dstNet = netOf(dstNode).net;

    // Source address as the destination sees it: masqueraded to the outgoing interface of the NATing node.
    const sameNode = dstNet.name === at.net.name;
    let seenSrc = srcIP;
    if (result?.masquerade) {
      seenSrc = (sameNode ? at.net.bridgeIP : flannel.backend === 'vxlan' ? at.net.vtepIP : at.net.internalIP) ?? srcIP;
      if (hops) hop('snat', `MASQUERADE (KUBE-POSTROUTING): source ${srcIP} → ${seenSrc}`, at.net.name);
    }

    // Egress policy of the source pod (on the post-DNAT destination, as policy-enforcing CNIs evaluate it).
    if (srcPod && !fromNode) {
      const verdict = evaluateEgress(srcPod, { ip: finalDst, pod: dstPod }, finalPort, protocol, policyCtx);
      if (hops) hop('policy', `egress ${verdict.reason}`, srcWhere?.net.name);
      if (!verdict.allowed) return fail('timeout', 'download timed out', { resolvedIP: dst, port: dport });
    }

    // Routing to the destination node.
    if (sameNode) {
      if (hops) hop('bridge', `cni0 (${at.net.bridgeIP}) → ${vethName(dstPod)} → ${dstPod.metadata.namespace}/${dstPod.metadata.name} eth0 ${finalDst}`, at.net.name);
      latency += HOP_MS;
    } else if (!dstNet.subnet) {
      if (hops) hop('drop', `${dstNet.name} has no podCIDR: no route to ${finalDst}`, at.net.name);
      return fail('unreachable', 'No route to host', { resolvedIP: dst, port: dport });
    } else if (flannel.backend === 'vxlan') {
      if (hops) hop('route', `${dstNet.subnet.text} via ${dstNet.vtepIP} dev flannel.1 onlink`, at.net.name);
      if (hops) hop(
        'vxlan',
        `flannel.1 encapsulates: outer ${at.net.internalIP} → ${dstNet.internalIP} UDP dport ${VXLAN_PORT} VNI ${VXLAN_VNI} (FDB ${dstNet.vtepMac} dst ${dstNet.internalIP}); inner ${seenSrc} → ${finalDst}:${finalPort}`,
        at.net.name,
      );
      if (hops) hop('bridge', `${dstNet.name} flannel.1 decapsulates → cni0 (${dstNet.bridgeIP}) → ${vethName(dstPod)} → ${dstPod.metadata.namespace}/${dstPod.metadata.name} eth0 ${finalDst}`, dstNet.name);
      latency += 3 * HOP_MS + VXLAN_MS;
      if (dstNet.vtepIP) routers?.push(dstNet.vtepIP);
    } else {
      if (hops) hop('host-gw', `${dstNet.subnet.text} via ${dstNet.internalIP} dev eth0 (host-gw, no encapsulation)`, at.net.name);
      if (dstNet.internalIP) routers?.push(dstNet.internalIP);
      if (hops) hop('bridge', `${dstNet.name} eth0 → cni0 (${dstNet.bridgeIP}) → ${vethName(dstPod)} → ${dstPod.metadata.namespace}/${dstPod.metadata.name} eth0 ${finalDst}`, dstNet.name);
      latency += 3 * HOP_MS;
    }

    // Ingress policy of the destination pod, on the source as it arrives.
    const peer: PolicyPeer = seenSrc === srcIP && srcPod && !fromNode ? { ip: seenSrc, pod: srcPod } : { ip: seenSrc };
    const ingress = evaluateIngress(dstPod, peer, finalPort, protocol, policyCtx);
    if (hops) hop('policy', `ingress ${ingress.reason}`, dstNet.name);
    if (!ingress.allowed) return fail('timeout', 'download timed out', { resolvedIP: dst, port: dport });

    // The conntrack entry is text for traces; a load generator's request does not build it.
    const conntrack = !hops
      ? undefined
      : protocol === 'UDP'
        ? `udp      17 29 src=${srcIP} dst=${dst} sport=${sport} dport=${dport} src=${finalDst} dst=${seenSrc} sport=${finalPort} dport=${sport} mark=0 use=1`
        : `tcp      6 86399 ESTABLISHED src=${srcIP} dst=${dst} sport=${sport} dport=${dport} src=${finalDst} dst=${seenSrc} sport=${finalPort} dport=${sport} [ASSURED] mark=0 use=1`;
    if (conntrack && (result?.dnat || result?.masquerade)) hop('conntrack', conntrack, at.net.name);

    // The container.
    const running = dstPod.status?.phase === 'Running' && !!dstPod.status?.containerStatuses?.some((c) => c.state?.running);
    const listening = running ? containerListening(dstPod, finalPort, protocol) : undefined;
    if (!listening) {
      if (hops) hop('drop', `nothing listens on ${finalDst}:${finalPort}/${proto} in ${dstPod.metadata.namespace}/${dstPod.metadata.name}: TCP reset`, dstNet.name);
      return fail('refused', 'Connection refused', { resolvedIP: dst, port: dport, ...(conntrack ? { conntrack } : {}) });
    }
    const { container, model } = listening;
    const servedBy: ServedBy = {
      namespace: dstPod.metadata.namespace ?? '',
      pod: dstPod.metadata.name ?? '',
      podUid: dstPod.metadata.uid ?? '',
      container: container.name,
      node: dstNet.name,
      ip: finalDst,
      port: finalPort,
    };
    const now = clock.now();
    const serveMs = model.baseLatencyMs * load.latencyFactor(servedBy.podUid, container.name);
    latency += serveMs;
    sink.record({ namespace: servedBy.namespace, pod: servedBy.pod, podUid: servedBy.podUid, container: container.name, cpuSeconds: model.cpuSecondsPerRequest, memoryBytes: model.memoryBytesPerRequest, atMs: now });
    if (hops) hop('deliver', `${servedBy.namespace}/${servedBy.pod} container ${container.name} (${model.name} model) answers on ${finalPort}/${proto} in ${serveMs.toFixed(2)} ms`, dstNet.name);
    if (listening.listen.speaks !== 'http') {
      return { outcome: 'response', latencyMs: latency, servedBy, resolvedIP: dst, port: dport, ...(conntrack ? { conntrack } : {}), error: 'no HTTP response (the server does not speak HTTP on this port)', ...(hops ? { trace: hops, routers } : {}) };
    }
    const route = chooseRoute(model, finalPort, target.path);
    const status = route?.status ?? 404;
    const body = !route
      ? '404 page not found\n'
      : !route.body.includes('{{')
        ? route.body
        : renderTemplate(route.body, {
          pod: servedBy.pod,
          namespace: servedBy.namespace,
          node: servedBy.node,
          container: container.name,
          image: container.image ?? '',
          method: req.method ?? 'GET',
          path: target.path,
          query: target.query,
          clientIP: seenSrc,
          clientPort: sport,
          serverIP: finalDst,
          serverPort: finalPort,
          host: target.host,
          headers: () => ({ host: target.port === 80 ? target.host : `${target.host}:${target.port}`, ...(req.headers ?? {}) }),
          nowMs: now,
        });
    return {
      outcome: 'response',
      status,
      statusText: STATUS_TEXT[status] ?? '',
      headers: { ...model.headers, 'Content-Type': route?.contentType ?? 'text/plain', 'Content-Length': contentLength(body), Date: httpDate(now) },
      body,
      latencyMs: latency,
      servedBy,
      resolvedIP: dst,
      port: dport,
      ...(conntrack ? { conntrack } : {}),
      ...(hops ? { trace: hops, routers } : {}),
    };
  }

  return { send };
}

function traceHits(hop: (kind: TraceHop['kind'], text: string, node?: string) => void, hits: readonly RuleHit[], node: string): void {
  for (const h of hits) {
    if (h.rule.chain === 'PREROUTING' || h.rule.chain === 'OUTPUT' || h.rule.chain === 'POSTROUTING' || h.rule.chain === 'INPUT' || h.rule.chain === 'FORWARD') continue;
    const p = h.probability !== undefined ? ` (matched with probability ${h.probability.toFixed(4)})` : '';
    hop('iptables', `-t ${h.table} -A ${h.rule.chain} ${formatRuleBody(h.rule)}${p}`, node);
  }
}

/** Content-Length of a body; fixed bodies (most models' pages) are measured once. */
const lengthCache = new Map<string, string>();
function contentLength(body: string): string {
  let n = lengthCache.get(body);
  if (n === undefined) {
    n = String(Buffer.byteLength(body));
    if (body.length <= 4096) {
      if (lengthCache.size >= 1000) lengthCache.clear();
      lengthCache.set(body, n);
    }
  }
  return n;
}

/** Parsed request targets: load generators and shell loops send the same few URLs again and again. */
const targetCache = new Map<string, RequestTarget | BadTargetError>();
function targetOf(text: string): RequestTarget {
  let t = targetCache.get(text);
  if (t === undefined) {
    try {
      t = parseTarget(text);
    } catch (err) {
      if (!(err instanceof BadTargetError)) throw err;
      t = err;
    }
    if (targetCache.size >= 10_000) targetCache.clear();
    targetCache.set(text, t);
  }
  if (t instanceof BadTargetError) throw t;
  return t;
}

/** The Date header, formatted once per second (it changes no faster). */
let dateSecond = -1;
let dateText = '';
function httpDate(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== dateSecond) {
    dateSecond = sec;
    dateText = new Date(sec * 1000).toUTCString();
  }
  return dateText;
}

/** One request through a fresh data path (no affinity state kept): for one-shot callers. */
export function sendRequest(req: SimRequest, deps: DataPathDeps): SimResponse {
  return createDataPath(deps).send(req);
}

/** The same request with every hop recorded. */
export function traceRequest(req: SimRequest, deps: DataPathDeps): SimResponse {
  return createDataPath(deps).send({ ...req, trace: true });
}
