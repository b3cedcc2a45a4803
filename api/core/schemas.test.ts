import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { bindingSchema } from './binding.js';
import { configMapSchema } from './configmap.js';
import { coreResources } from './index.js';
import { endpointsSchema } from './endpoints.js';
import { eventSchema } from './event.js';
import { evictionSchema } from './eviction.js';
import { namespaceSchema } from './namespace.js';
import { nodeSchema } from './node.js';
import { podSchema } from './pod.js';
import { podTemplateSpecSchema } from './pod-spec.js';
import { secretSchema } from './secret.js';
import { serviceAccountSchema } from './serviceaccount.js';
import { serviceSchema } from './service.js';

const meta = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  namespace: 'default',
  uid: '6f1c',
  resourceVersion: '42',
  creationTimestamp: '2024-05-01T11:00:00Z',
  labels: { app: 'web' },
  annotations: { 'example.com/note': 'x' },
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'r1', controller: true, blockOwnerDeletion: true }],
  finalizers: ['example.com/keep'],
  managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:metadata': {} } }],
  ...extra,
});

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: meta(),
  spec: {
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], restartPolicy: 'Always' }],
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27',
        args: ['--port', '80'],
        env: [
          { name: 'A', value: '1' },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw', optional: true } } },
        ],
        envFrom: [{ configMapRef: { name: 'cfg' } }],
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
        livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 3 },
        imagePullPolicy: 'IfNotPresent',
        securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    volumes: [
      { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420, items: [{ key: 'a', path: 'a.txt' }] } },
      { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }], defaultMode: 420 } },
    ],
    nodeName: 'node-1',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    priority: 0,
    serviceAccountName: 'default',
    serviceAccount: 'default',
    hostname: 'web-0',
    subdomain: 'web',
    terminationGracePeriodSeconds: 30,
    activeDeadlineSeconds: 600,
    securityContext: { fsGroup: 2000 },
    hostNetwork: false,
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' }],
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-05-01T11:01:00Z' }],
    hostIP: '192.168.0.11',
    hostIPs: [{ ip: '192.168.0.11' }],
    podIP: '10.244.1.5',
    podIPs: [{ ip: '10.244.1.5' }],
    startTime: '2024-05-01T11:00:01Z',
    containerStatuses: [
      {
        name: 'app',
        ready: true,
        started: true,
        restartCount: 1,
        image: 'nginx:1.27',
        imageID: 'docker.io/library/nginx@sha256:1',
        containerID: 'containerd://abc',
        state: { running: { startedAt: '2024-05-01T11:00:05Z' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2024-05-01T11:00:02Z', finishedAt: '2024-05-01T11:00:04Z' } },
      },
    ],
    qosClass: 'Burstable',
    nominatedNodeName: 'node-2',
    reason: '',
    message: '',
  },
};

const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
  spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'kubeling://node-1', unschedulable: true, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule', timeAdded: '2024-05-01T11:00:00Z' }] },
  status: {
    capacity: { cpu: '4', memory: '16Gi', pods: '110' },
    allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-05-01T11:59:00Z', lastTransitionTime: '2024-05-01T11:00:00Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    addresses: [{ type: 'InternalIP', address: '192.168.0.11' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.8', osImage: 'Ubuntu', containerRuntimeVersion: 'containerd://1.7', kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64' },
    images: [{ names: ['nginx:1.27'], sizeBytes: 1000 }],
  },
};

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(),
  spec: {
    type: 'LoadBalancer',
    selector: { app: 'web' },
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080, appProtocol: 'http' }],
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    externalTrafficPolicy: 'Local',
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    allocateLoadBalancerNodePorts: true,
    healthCheckNodePort: 31000,
  },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.9', ipMode: 'VIP' }] } },
};

const cases: [string, z.ZodType, Record<string, unknown>][] = [
  ['Pod', podSchema, pod],
  ['Node', nodeSchema, node],
  ['Service', serviceSchema, service],
  ['Namespace', namespaceSchema, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False' }] } }],
  ['Endpoints', endpointsSchema, { apiVersion: 'v1', kind: 'Endpoints', metadata: meta(), subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u' } }], notReadyAddresses: [{ ip: '10.244.1.6' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }] }],
  ['Event', eventSchema, { apiVersion: 'v1', kind: 'Event', metadata: meta(), involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Scheduled', message: 'ok', source: { component: 'default-scheduler' }, firstTimestamp: '2024-05-01T11:00:00Z', lastTimestamp: '2024-05-01T11:00:00Z', count: 1, type: 'Normal', eventTime: null, reportingComponent: 'default-scheduler', reportingInstance: 'x', action: 'Binding', series: { count: 2, lastObservedTime: '2024-05-01T11:00:00.000000Z' } }],
  ['ConfigMap', configMapSchema, { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(), data: { a: '1' }, binaryData: { b: 'AA==' }, immutable: true }],
  ['Secret', secretSchema, { apiVersion: 'v1', kind: 'Secret', metadata: meta(), data: { a: 'YQ==' }, stringData: { b: 'x' }, type: 'Opaque', immutable: false }],
  ['ServiceAccount', serviceAccountSchema, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), secrets: [{ name: 'tok' }], imagePullSecrets: [{ name: 'reg' }], automountServiceAccountToken: false }],
  ['Binding', bindingSchema, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web', namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } }],
  ['Eviction', evictionSchema, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u' } } }],
  ['PodTemplateSpec', podTemplateSpecSchema, { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'x', resources: {} }] } }],
];

/** Adds an unknown key to every object inside v (not to free-form maps: labels, data, …). */
function withJunk(v: unknown, path = ''): unknown {
  if (Array.isArray(v)) return v.map((x, i) => withJunk(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object') return v;
  const freeForm = /(labels|annotations|nodeSelector|data|binaryData|stringData|capacity|allocatable|requests|limits|selector|matchLabels|managedFields\[\d+\])$/;
  if (freeForm.test(path)) return v;
  const out: Record<string, unknown> = { unknownFieldXYZ: { nested: true } };
  for (const [k, x] of Object.entries(v)) out[k] = withJunk(x, path ? `${path}.${k}` : k);
  return out;
}

describe('schemas', () => {
  it.each(cases)('%s keeps every known field', (_kind, schema, manifest) => {
    expect(schema.parse(manifest)).toEqual(manifest);
  });

  it.each(cases)('%s strips unknown fields at every level', (_kind, schema, manifest) => {
    const junk = withJunk(manifest);
    expect(JSON.stringify(junk)).toContain('unknownFieldXYZ');
    expect(schema.parse(junk)).toEqual(manifest);
  });

  it('a Service selector stays a free-form map', () => {
    expect(serviceSchema.parse({ metadata: {}, spec: { selector: { anything: 'goes' } } })).toEqual({ metadata: {}, spec: { selector: { anything: 'goes' } } });
  });

  it('rejects wrong shapes', () => {
    expect(podSchema.safeParse({ metadata: {}, spec: { containers: 'nginx' } }).success).toBe(false);
    expect(serviceSchema.safeParse({ metadata: {}, spec: { ports: [{ port: '80' }] } }).success).toBe(false);
  });
});

describe('coreResources', () => {
  it('lists the kinds in discovery order with kube names', () => {
    expect(coreResources.map((r) => [r.plural, r.kind, r.shortNames.join(','), r.namespaced])).toEqual([
      ['configmaps', 'ConfigMap', 'cm', true],
      ['endpoints', 'Endpoints', 'ep', true],
      ['events', 'Event', 'ev', true],
      ['limitranges', 'LimitRange', 'limits', true],
      ['namespaces', 'Namespace', 'ns', false],
      ['nodes', 'Node', 'no', false],
      ['persistentvolumeclaims', 'PersistentVolumeClaim', 'pvc', true],
      ['persistentvolumes', 'PersistentVolume', 'pv', false],
      ['pods', 'Pod', 'po', true],
      ['replicationcontrollers', 'ReplicationController', 'rc', true],
      ['resourcequotas', 'ResourceQuota', 'quota', true],
      ['secrets', 'Secret', '', true],
      ['serviceaccounts', 'ServiceAccount', 'sa', true],
      ['services', 'Service', 'svc', true],
    ]);
    expect(coreResources.filter((r) => r.categories.includes('all')).map((r) => r.plural)).toEqual(['pods', 'replicationcontrollers', 'services']);
    expect(coreResources.filter((r) => r.subresources.status).map((r) => r.plural)).toEqual(['namespaces', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'replicationcontrollers', 'resourcequotas', 'services']);
  });

  it('prints rows as wide as their columns', () => {
    for (const r of coreResources) {
      const row = r.tableRow({ metadata: { name: 'x' } }, 0);
      expect(row, r.kind).toHaveLength(r.tableColumns.length);
      expect(r.tableColumns.filter((c) => c.format === 'name').map((c) => c.name), r.kind).toEqual(['Name']);
    }
  });
});
