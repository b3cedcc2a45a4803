import { deploymentResource } from '../api/apps/deployment.js';
import { configMapResource } from '../api/core/configmap.js';
import { serviceAccountResource } from '../api/core/serviceaccount.js';
import { serviceResource } from '../api/core/service.js';
import { clusterRoleBindingResource } from '../api/rbac/cluster-role-binding.js';
import { clusterRoleResource } from '../api/rbac/cluster-role.js';
import type { KubeObject } from '../api/types.js';
import { isAlreadyExists } from '../client/api-error.js';
import type { ResourceRef } from '../client/resource.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../lib/logger.js';
import { clusterDnsIP, defaultServiceIpRange } from '../api/networking/service-cidr.js';

/**
 * kubeadm's CoreDNS addon (cmd/kubeadm/app/phases/addons/dns): the objects `kubeadm init`
 * creates through the API, so `kubectl get deploy,svc,ep -n kube-system` looks like a
 * kubeadm cluster. The simulated kubelets run the pods, the endpoint controllers give the
 * kube-dns Service its endpoints. What answers queries is `kubeling dns`, from the same
 * data; the pods stand for it.
 *
 * Created by the dns component at its start, as kubeadm's addon phase is a client of the
 * apiserver (not part of it); each object only if absent, so a user's edits (replicas, a
 * deleted Deployment they recreate) are kept across restarts.
 */

/** kubeadm's kube-dns address in its default Service range 10.96.0.0/12: the tenth address (api/networking/service-cidr.ts). */
export const KUBE_DNS_SERVICE_IP = clusterDnsIP(defaultServiceIpRange());
export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3';
const LABELS = { 'k8s-app': 'kube-dns' };

/**
 * kubeadm's Corefile: what a real CoreDNS would load; `kubeling dns` implements its
 * kubernetes block and refuses the rest (no forward, no cache). kubeadm also sets `ttl 30`;
 * it is left out here because the server answers with the plugin's default TTL of 5.
 */
export function corefile(clusterDomain: string): string {
  return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;
}

export function coreDnsObjects(clusterDomain: string, serviceIP = KUBE_DNS_SERVICE_IP): { ref: ResourceRef; obj: KubeObject }[] {
  const ns = 'kube-system';
  return [
    { ref: serviceAccountResource, obj: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: ns } } },
    {
      ref: clusterRoleResource,
      obj: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'system:coredns' },
        rules: [
          { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
        ],
      } as KubeObject,
    },
    {
      ref: clusterRoleBindingResource,
      obj: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'system:coredns' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
        subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: ns }],
      } as KubeObject,
    },
    { ref: configMapResource, obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: ns }, data: { Corefile: corefile(clusterDomain) } } as KubeObject },
    {
      ref: deploymentResource,
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'coredns', namespace: ns, labels: LABELS },
        spec: {
          replicas: 2,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          selector: { matchLabels: LABELS },
          template: {
            metadata: { labels: LABELS },
            spec: {
              serviceAccountName: 'coredns',
              // Not simulated, so left out: priorityClassName system-cluster-critical and the
              // health/ready probes (the simulated kubelet cannot reach a container port).
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] }, topologyKey: 'kubernetes.io/hostname' } },
                  ],
                },
              },
              tolerations: [
                { key: 'CriticalAddonsOnly', operator: 'Exists' },
                { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
              ],
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              containers: [
                {
                  name: 'coredns',
                  image: COREDNS_IMAGE,
                  imagePullPolicy: 'IfNotPresent',
                  args: ['-conf', '/etc/coredns/Corefile'],
                  resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                  volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
                  ports: [
                    { containerPort: 53, name: 'dns', protocol: 'UDP' },
                    { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                    { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
                  ],
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
                },
              ],
              // CoreDNS resolves upstream names through the node's resolver, not itself.
              dnsPolicy: 'Default',
              volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
            },
          },
        },
      } as KubeObject,
    },
    {
      ref: serviceResource,
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'kube-dns',
          namespace: ns,
          labels: { ...LABELS, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
          annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
        },
        spec: {
          selector: LABELS,
          clusterIP: serviceIP,
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
            { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
          ],
        },
      } as KubeObject,
    },
  ];
}

/** Creates each addon object that does not exist yet; an object that exists is left as it is. */
export async function ensureCoreDnsAddon(client: RestClient, clusterDomain: string, logger: Logger, serviceIP: string = KUBE_DNS_SERVICE_IP): Promise<void> {
  const log = logger.child({ component: 'dns-addon' });
  for (const { ref, obj } of coreDnsObjects(clusterDomain, serviceIP)) {
    try {
      await client.create(ref, obj);
      log.info({ kind: obj.kind, name: obj.metadata?.name }, 'created CoreDNS addon object');
    } catch (err) {
      if (isAlreadyExists(err)) continue;
      // The kube-dns address can be taken by a Service created earlier: say so, keep serving DNS.
      log.warn({ err, kind: obj.kind, name: obj.metadata?.name }, 'could not create CoreDNS addon object');
    }
  }
}
