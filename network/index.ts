/** The simulated network's public surface: what the shell, port-forward, kube-proxy and `kubeling trace` call. */
export { createStaticNetworkView, hasPodNetworkIP, type ClusterNetworkView, type NetworkObjects } from './cluster-view.js';
export { createInformerNetworkView, type InformerNetworkView } from './informer-view.js';
export { createDataPath, sendRequest, traceRequest, HOST_CLIENT_IP, CONNECT_TIMEOUT_MS, type DataPath } from './data-path.js';
export type { DataPathDeps, HopKind, Outcome, RequestSource, ResolveName, ServedBy, SimRequest, SimResponse, TraceHop } from './data-path-types.js';
export { formatCurlVerbose, formatTrace, formatTraceroute } from './trace-format.js';
export {
  defaultFlannelConfig,
  nodeRoutes,
  renderBridgeFdb,
  renderFlannelLink,
  renderFlannelNeighbors,
  renderNodeIpAddr,
  renderNodeIpRoute,
  renderPodIpAddr,
  renderPodIpRoute,
  renderSubnetEnv,
  type FlannelBackend,
  type FlannelConfig,
} from './flannel.js';
export { nodeNetwork, localAddresses, type NodeNetwork } from './node-network.js';
export { evaluateEgress, evaluateIngress, type PolicyVerdict } from './network-policy-eval.js';
export { containerListening, listeningPorts, modelFor, parseImage } from './traffic-model.js';
export { trafficModels, type TrafficModel } from './traffic-models.js';
export { createProxyRulesSource, computeNodeProxyState, type ProxyRulesSource, type ProxyMode } from '../kube-proxy/node-rules.js';
export { noTrafficSink, idleContainerLoad, type ContainerLoad, type TrafficSink, type ServedRequest } from './traffic-sink.js';
