import { parseArgs } from 'node:util';
import { namespaceResource, type Namespace } from '../api/core/namespace.js';
import { nodeResource, type Node } from '../api/core/node.js';
import { podResource, type Pod } from '../api/core/pod.js';
import { serviceResource, type Service } from '../api/core/service.js';
import { endpointSliceResource, type EndpointSlice } from '../api/discovery/endpointslice.js';
import { networkPolicyResource, type NetworkPolicy } from '../api/networking/network-policy.js';
import { createRestClient, loadKubeconfig } from '../client/rest-client.js';
import { readNetworkConfig } from '../kube-proxy/network-config.js';
import { formatTrace } from '../network/trace-format.js';
import { invalidOverride, missingSource, networkSettings, parseSource, traceInCluster, type NetworkOverrides } from '../network/trace-cluster.js';
import { kubelingVersion } from './version.js';

/**
 * `kubeling trace --kubeconfig K --from pod/NS/NAME|host[:NODE] --to URL|IP:PORT`: reads the
 * cluster once through the API and prints every hop a request would take (the same
 * computation the simulated data path runs). Exit 0 when the trace ran (whatever its
 * outcome), 1 when the cluster could not be read, 2 on a usage error.
 */

export interface TraceIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

const USAGE = `Usage: kubeling trace --kubeconfig PATH --from pod/NAMESPACE/NAME|host[:NODE] --to URL|IP:PORT [flags]

Prints every hop of a simulated request: DNS, the source node's kube-proxy rules (the
rule that matched and its probability), DNAT, masquerade, flannel routing (VXLAN or
host-gw), NetworkPolicy verdicts, conntrack, and the container that answers.

Flags:
  --kubeconfig PATH          the kubeconfig to connect with (required)
  --from SOURCE              pod/NAMESPACE/NAME, host (outside the cluster) or host:NODE (on a node)
  --to TARGET                http://name[:port]/path, name:port, IP:PORT
  --method METHOD            HTTP method (default GET)
  --proxy-mode MODE          iptables or ipvs (default: the mode kube-proxy runs in, from
                             ConfigMap kube-system/kube-proxy; iptables without it)
  --flannel-backend MODE     vxlan or host-gw (default: from kube-system/kube-flannel-cfg; vxlan)
  --cluster-cidr CIDR        the pod network (default: kube-proxy's clusterCIDR; 100.96.0.0/16)
  -h, --help                 show this help
`;

export { parseSource };

export async function runTrace(argv: readonly string[], io: TraceIo): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        kubeconfig: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        method: { type: 'string' },
        'proxy-mode': { type: 'string' },
        'flannel-backend': { type: 'string' },
        'cluster-cidr': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.stderr.write(`kubeling: ${(err as Error).message.split('\n')[0]}\nRun 'kubeling trace --help' for usage.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const usage = (message: string): number => {
    io.stderr.write(`kubeling: ${message}\nRun 'kubeling trace --help' for usage.\n`);
    return 2;
  };
  if (!values.kubeconfig) return usage('trace needs --kubeconfig PATH');
  if (!values.from) return usage('trace needs --from pod/NAMESPACE/NAME, host or host:NODE');
  if (!values.to) return usage('trace needs --to URL or IP:PORT');
  const from = parseSource(values.from);
  if (!from) return usage(`invalid --from "${values.from}": use pod/NAMESPACE/NAME, host or host:NODE`);
  const overrides: NetworkOverrides = {
    ...(values['flannel-backend'] !== undefined ? { flannelBackend: values['flannel-backend'] } : {}),
    ...(values['proxy-mode'] !== undefined ? { proxyMode: values['proxy-mode'] } : {}),
    ...(values['cluster-cidr'] !== undefined ? { clusterCIDR: values['cluster-cidr'] } : {}),
  };
  const FLAGS = { flannelBackend: '--flannel-backend', proxyMode: '--proxy-mode', clusterCIDR: '--cluster-cidr' } as const;
  const invalid = invalidOverride(overrides, (setting) => FLAGS[setting]);
  if (invalid) return usage(invalid);

  let client;
  try {
    const path = values.kubeconfig.startsWith('/') ? values.kubeconfig : `${io.cwd}/${values.kubeconfig}`;
    client = createRestClient({ ...loadKubeconfig(path), userAgent: `kubeling-trace/v${kubelingVersion()} kubernetes/kubeling` });
  } catch (err) {
    io.stderr.write(`kubeling: cannot read --kubeconfig: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const [config, pods, services, slices, nodes, policies, namespaces] = await Promise.all([
      readNetworkConfig(client),
      client.listAll<Pod>(podResource),
      client.listAll<Service>(serviceResource),
      client.listAll<EndpointSlice>(endpointSliceResource),
      client.listAll<Node>(nodeResource),
      client.listAll<NetworkPolicy>(networkPolicyResource),
      client.listAll<Namespace>(namespaceResource),
    ]);
    const snapshot = { pods: pods.items, services: services.items, endpointSlices: slices.items, nodes: nodes.items, networkPolicies: policies.items, namespaces: namespaces.items };
    const missing = missingSource(snapshot, from);
    if (missing) {
      io.stderr.write(`Error from server (NotFound): ${missing}\n`);
      return 1;
    }
    const { request, response } = traceInCluster(snapshot, {
      from,
      target: values.to,
      method: values.method ?? 'GET',
      ...networkSettings(overrides, config),
    });
    io.stdout.write(formatTrace(request, response));
    return 0;
  } catch (err) {
    io.stderr.write(`kubeling: ${(err as Error).message}\n`);
    return 1;
  } finally {
    client.close();
  }
}
