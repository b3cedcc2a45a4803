import { GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig, type GraphQLNullableType } from './graphql-js.js';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { resourceByKind } from '../../api/registry.js';
import { ApiError, badRequest } from '../errors.js';
import { invalidOverride, missingSource, networkSettings, parseSource, traceInCluster, type ClusterSnapshot, type NetworkOverrides } from '../../network/trace-cluster.js';
import { formatTrace } from '../../network/trace-format.js';
import { configMapResource, type ConfigMap } from '../../api/core/configmap.js';
import { FLANNEL_CONFIGMAP, KUBE_PROXY_CONFIGMAP, NETWORK_CONFIG_NAMESPACE, networkConfigFrom, type NetworkConfig } from '../../kube-proxy/network-config.js';
import { GraphQLJSON } from './scalars.js';
import { access, guard, type GraphqlContext } from './schema.js';

/**
 * `trace(from, to)`: `kubeling trace` as a query. The cluster's objects are read through
 * the request's batched, RBAC-checked lists (a caller who may not list pods cannot trace),
 * then one request is walked through the simulated network (network/trace-cluster.ts):
 * every hop, the outcome, and the text `kubeling trace` prints.
 */

const KINDS: ReadonlyArray<[string, string, keyof ClusterSnapshot]> = [
  ['', 'Pod', 'pods'],
  ['', 'Service', 'services'],
  ['discovery.k8s.io', 'EndpointSlice', 'endpointSlices'],
  ['', 'Node', 'nodes'],
  ['networking.k8s.io', 'NetworkPolicy', 'networkPolicies'],
  ['', 'Namespace', 'namespaces'],
];

/** The ConfigMaps kube-proxy publishes its mode and flannel backend in; missing ones give the defaults. */
async function publishedConfig(ctx: GraphqlContext): Promise<NetworkConfig> {
  const get = async (name: string): Promise<ConfigMap | undefined> => {
    try {
      return (await ctx.kube.registries.for(configMapResource).get(NETWORK_CONFIG_NAMESPACE, name)) as ConfigMap;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  };
  const [proxyCm, flannelCm] = await Promise.all([get(KUBE_PROXY_CONFIGMAP), get(FLANNEL_CONFIGMAP)]);
  return networkConfigFrom(proxyCm, flannelCm);
}

const nonNull = <T extends GraphQLNullableType>(t: T): GraphQLNonNull<T> => new GraphQLNonNull(t);

const TraceHopType = new GraphQLObjectType({
  name: 'TraceHop',
  fields: {
    kind: { type: nonNull(GraphQLString), description: 'dns, source, veth, bridge, iptables, dnat, snat, route, vxlan, host-gw, wire, policy, conntrack, deliver or drop.' },
    node: { type: GraphQLString, description: 'The node the hop happens on.' },
    text: { type: nonNull(GraphQLString) },
  },
});

const TraceType = new GraphQLObjectType({
  name: 'Trace',
  fields: {
    outcome: { type: nonNull(GraphQLString), description: 'response, refused, timeout, unreachable or no-such-host.' },
    status: { type: GraphQLInt, description: 'The HTTP status, when the server answered.' },
    body: { type: GraphQLString },
    error: { type: GraphQLString, description: "What a client prints for a failed outcome (wget's words)." },
    latencyMs: { type: nonNull(GraphQLFloat), description: 'Simulated time of the request.' },
    resolvedIP: { type: GraphQLString },
    servedBy: { type: GraphQLJSON, description: 'The container that answered: namespace, pod, container, node, ip, port.' },
    hops: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(TraceHopType))) },
    text: { type: nonNull(GraphQLString), description: 'The hops as `kubeling trace` prints them.' },
  },
});


export const traceField: GraphQLFieldConfig<unknown, GraphqlContext, { from: string; to: string; method?: string | null; clusterCidr?: string | null; flannelBackend?: string | null; proxyMode?: string | null }> = {
  type: new GraphQLNonNull(TraceType),
  description: 'Walks one simulated request through the cluster network, as `kubeling trace --from … --to …`: from is pod/NAMESPACE/NAME, host or host:NODE; to is http://name[:port]/path, name:port or IP:PORT.',
  args: {
    from: { type: nonNull(GraphQLString) },
    to: { type: nonNull(GraphQLString) },
    method: { type: GraphQLString, defaultValue: 'GET' },
    clusterCidr: { type: GraphQLString, description: "Default: kube-proxy's clusterCIDR (ConfigMap kube-system/kube-proxy), else 100.96.0.0/16." },
    flannelBackend: { type: GraphQLString, description: 'vxlan or host-gw. Default: the backend in ConfigMap kube-system/kube-flannel-cfg, else vxlan.' },
    proxyMode: { type: GraphQLString, description: 'iptables or ipvs. Default: the mode kube-proxy runs in (ConfigMap kube-system/kube-proxy), else iptables.' },
  },
  resolve: (_src, args, ctx) =>
    guard(
      ctx,
      async () => {
        const from = parseSource(args.from);
        if (!from) throw badRequest(`invalid from "${args.from}": give pod/NAMESPACE/NAME, host or host:NODE`);
        const overrides: NetworkOverrides = {
          ...(args.flannelBackend != null ? { flannelBackend: args.flannelBackend } : {}),
          ...(args.proxyMode != null ? { proxyMode: args.proxyMode } : {}),
          ...(args.clusterCidr != null ? { clusterCIDR: args.clusterCidr } : {}),
        };
        const invalid = invalidOverride(overrides, (setting) => (setting === 'clusterCIDR' ? 'clusterCidr' : setting));
        if (invalid) throw badRequest(invalid);
        if (args.to.trim() === '') throw badRequest('to must not be empty');
        const reads = ctx.kube.reads();
        const lists = await Promise.all(KINDS.map(([g, k]) => reads.list(resourceByKind(g, k), undefined)));
        const snapshot = Object.fromEntries(KINDS.map(([, , key], i) => [key, lists[i] as KubeObject[]])) as unknown as ClusterSnapshot;
        const config = await publishedConfig(ctx);
        const missing = missingSource(snapshot, from);
        if (missing) throw new ApiError(404, 'NotFound', missing);
        const { request, response } = traceInCluster(snapshot, {
          from,
          target: args.to,
          method: args.method ?? 'GET',
          ...networkSettings(overrides, config),
        });
        return {
          outcome: response.outcome,
          status: response.status,
          body: response.body,
          error: response.error,
          latencyMs: response.latencyMs,
          resolvedIP: response.resolvedIP,
          servedBy: response.servedBy,
          hops: response.trace ?? [],
          text: formatTrace(request, response),
        };
      },
      [
        ...KINDS.map(([g, k]) => access(resourceByKind(g, k), 'list', undefined)),
        // The network configuration the trace follows (kube-proxy/network-config.ts).
        access(configMapResource, 'get', NETWORK_CONFIG_NAMESPACE, KUBE_PROXY_CONFIGMAP),
        access(configMapResource, 'get', NETWORK_CONFIG_NAMESPACE, FLANNEL_CONFIGMAP),
      ],
    ),
};
