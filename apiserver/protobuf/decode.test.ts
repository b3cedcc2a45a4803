import { describe, expect, it } from 'vitest';
import { findResourceByKind } from '../../api/registry.js';
import { decodeProtobufObject, isProtobufContentType } from './decode.js';
import { ProtobufDecodeError, type ProtobufDecodeErrorCode } from './errors.js';
import { bf, entry, envelope, mf, vf } from './test-wire.js';

/**
 * Golden decodes of hand-built bodies (field numbers as in Kubernetes' generated.proto),
 * for the kinds kubectl never sends as protobuf itself: kubelets, controllers and client
 * libraries built on client-go do.
 */

const T0 = 1767225600; // 2026-01-01T00:00:00Z
const time = (no: number, seconds: number, nanos = 0) => mf(no, vf(1, seconds), ...(nanos ? [vf(2, nanos)] : []));
/** ObjectMeta as gogo writes it: every string present, creationTimestamp empty. */
const meta = (name: string, namespace = '', ...extra: Uint8Array[]) =>
  mf(1, bf(1, name), bf(2, ''), bf(3, namespace), bf(4, ''), bf(5, ''), bf(6, ''), vf(7, 0), mf(8), ...extra);
const intStr = (no: number, v: number | string) => (typeof v === 'number' ? mf(no, vf(1, 0), vf(2, v)) : mf(no, vf(1, 1), bf(3, v)));
const quantity = (no: number, key: string, value: string) => mf(no, bf(1, key), mf(2, bf(1, value)));

function decodeError(body: Uint8Array): ProtobufDecodeError {
  try {
    decodeProtobufObject(body);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) return err;
    throw err;
  }
  throw new Error('expected a ProtobufDecodeError');
}

describe('decodeProtobufObject: envelope', () => {
  it.each<[string, Uint8Array, ProtobufDecodeErrorCode, RegExp]>([
    ['JSON sent with the protobuf type', Buffer.from('{"kind":"Pod"}'), 'BadPrefix', /expected prefix \[107 56 115 0\]/],
    ['an empty body', new Uint8Array(0), 'BadPrefix', /does not appear to be a protobuf message/],
    ['the magic alone', Buffer.from('k8s\0', 'latin1'), 'MissingKind', /Kind' is missing/],
    ['a truncated envelope', Buffer.concat([Buffer.from('k8s\0', 'latin1'), Uint8Array.of(0x0a, 0x20, 0x0a)]), 'Malformed', /unexpected EOF/],
    ['typeMeta with the wrong wire type', Buffer.concat([Buffer.from('k8s\0', 'latin1'), vf(1, 1)]), 'Malformed', /wrong wireType/],
    ['a kind we do not serve', envelope('stable.example.com/v1', 'CronTab'), 'UnknownKind', /no kind "CronTab" is registered for version "stable.example.com\/v1"/],
    ['a kind under the wrong version', envelope('v1', 'Deployment'), 'UnknownKind', /"Deployment".*"v1"/],
    ['a corrupt object', envelope('v1', 'Pod', Uint8Array.of(0x0a, 0x05, 0x01)), 'Malformed', /unexpected EOF/],
  ])('%s → %s', (_name, body, code, message) => {
    const err = decodeError(body);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('skips unknown envelope fields and returns apiVersion/kind first', () => {
    const body = Buffer.concat([envelope('v1', 'Namespace', meta('ns1')), vf(9, 1)]);
    const out = decodeProtobufObject(body);
    expect(out.apiVersion).toBe('v1');
    expect(out.kind).toBe('Namespace');
    expect(Object.keys(out.object).slice(0, 2)).toEqual(['apiVersion', 'kind']);
    expect(out.object).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns1', creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it.each([
    ['application/vnd.kubernetes.protobuf', true],
    ['Application/VND.Kubernetes.Protobuf; charset=binary', true],
    ['application/vnd.kubernetes.protobuf;stream=watch', true],
    ['application/json', false],
    [undefined, false],
  ])('isProtobufContentType(%j) = %s', (type, want) => {
    expect(isProtobufContentType(type)).toBe(want);
  });
});

interface Golden {
  name: string;
  body: Buffer;
  want: Record<string, unknown>;
  /** The api/registry.ts group/kind whose zod schema must accept the result. */
  schema?: [string, string];
}

const GOLDENS: Golden[] = [
  {
    name: 'Pod with probes, env, volumes, tolerations, affinity and status',
    schema: ['', 'Pod'],
    body: envelope(
      'v1',
      'Pod',
      meta('p1', 'default', entry(11, 'app', 'web'), mf(13, bf(1, 'ReplicaSet'), bf(3, 'rs1'), bf(4, 'u1'), bf(5, 'apps/v1'), vf(6, true))),
      mf(
        2,
        mf(1, bf(1, 'cfg'), mf(2, mf(19, mf(1, bf(1, 'cm1')), vf(3, 420)))),
        mf(1, bf(1, 'scratch'), mf(2, mf(2, bf(1, ''), mf(2, bf(1, '1Gi'))))),
        mf(
          2,
          bf(1, 'app'),
          bf(2, 'nginx'),
          bf(3, 'sh'),
          bf(3, '-c'),
          mf(6, bf(1, 'http'), vf(2, 0), vf(3, 80), bf(4, 'TCP'), bf(5, '')),
          mf(7, bf(1, 'A'), bf(2, 'b')),
          mf(7, bf(1, 'NODE'), bf(2, ''), mf(3, mf(1, bf(1, 'v1'), bf(2, 'spec.nodeName')))),
          mf(7, bf(1, 'PASS'), bf(2, ''), mf(3, mf(4, mf(1, bf(1, 'sec')), bf(2, 'password')))),
          mf(8, quantity(1, 'cpu', '500m'), quantity(2, 'memory', '64Mi')),
          mf(9, bf(1, 'cfg'), vf(2, true), bf(3, '/etc/cfg'), bf(4, ''), bf(6, '')),
          mf(10, mf(1, mf(2, bf(1, '/healthz'), intStr(2, 'http'), bf(3, ''), bf(4, 'HTTP'))), vf(2, 3), vf(3, 1), vf(4, 10), vf(5, 1), vf(6, 3)),
          mf(11, mf(1, mf(3, intStr(1, 80), bf(2, ''))), vf(2, 0), vf(3, 0), vf(4, 0), vf(5, 0), vf(6, 0)),
          mf(12, mf(2, mf(4, vf(1, 5))), bf(3, 'SIGTERM')),
          bf(13, '/dev/termination-log'),
          bf(20, 'File'),
          bf(14, 'IfNotPresent'),
          mf(15, vf(4, 1000), vf(5, true), mf(1, bf(2, 'ALL'))),
          vf(16, false),
          vf(17, false),
          vf(18, false),
        ),
        bf(3, 'Always'),
        vf(4, 30),
        bf(6, 'ClusterFirst'),
        entry(7, 'disk', 'ssd'),
        bf(8, 'default'),
        bf(9, 'default'),
        bf(10, 'n1'),
        vf(11, false),
        vf(12, false),
        vf(13, false),
        mf(14, vf(5, 2000)),
        mf(18, mf(1, mf(1, mf(1, mf(1, bf(1, 'zone'), bf(2, 'In'), bf(3, 'a'), bf(3, 'b'))))), mf(3, mf(2, vf(1, 50), mf(2, mf(1), bf(3, 'kubernetes.io/hostname'))))),
        bf(19, 'default-scheduler'),
        mf(22, bf(1, 'node.kubernetes.io/not-ready'), bf(2, 'Exists'), bf(3, ''), bf(4, 'NoExecute'), vf(5, 300)),
        vf(25, 0),
        vf(30, true),
        bf(31, 'PreemptLowerPriority'),
      ),
      mf(
        3,
        bf(1, 'Running'),
        mf(2, bf(1, 'Ready'), bf(2, 'True'), mf(3), time(4, T0)),
        bf(5, '10.0.0.1'),
        mf(16, bf(1, '10.0.0.1')),
        bf(6, '10.244.0.5'),
        mf(12, bf(1, '10.244.0.5')),
        time(7, T0),
        mf(8, bf(1, 'app'), mf(2, mf(2, time(1, T0 + 5))), mf(3), vf(4, true), vf(5, 0), bf(6, 'nginx'), bf(7, 'sha256:x'), bf(8, 'sim://1'), vf(9, true)),
        bf(9, 'Burstable'),
      ),
    ),
    want: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p1',
        namespace: 'default',
        creationTimestamp: null,
        labels: { app: 'web' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs1', uid: 'u1', controller: true }],
      },
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'cm1', defaultMode: 420 } },
          { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
        ],
        containers: [
          {
            name: 'app',
            image: 'nginx',
            command: ['sh', '-c'],
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'A', value: 'b' },
              { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
              { name: 'PASS', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
            ],
            resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
            volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
            livenessProbe: {
              httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
              initialDelaySeconds: 3,
              timeoutSeconds: 1,
              periodSeconds: 10,
              successThreshold: 1,
              failureThreshold: 3,
            },
            readinessProbe: { tcpSocket: { port: 80 } },
            lifecycle: { preStop: { sleep: { seconds: 5 } }, stopSignal: 'SIGTERM' },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'IfNotPresent',
            securityContext: { capabilities: { drop: ['ALL'] }, runAsUser: 1000, runAsNonRoot: true },
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        nodeSelector: { disk: 'ssd' },
        serviceAccountName: 'default',
        serviceAccount: 'default',
        nodeName: 'n1',
        securityContext: { fsGroup: 2000 },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
            },
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: {}, topologyKey: 'kubernetes.io/hostname' } }],
          },
        },
        schedulerName: 'default-scheduler',
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
        priority: 0,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' }],
        hostIP: '10.0.0.1',
        hostIPs: [{ ip: '10.0.0.1' }],
        podIP: '10.244.0.5',
        podIPs: [{ ip: '10.244.0.5' }],
        startTime: '2026-01-01T00:00:00Z',
        containerStatuses: [
          {
            name: 'app',
            state: { running: { startedAt: '2026-01-01T00:00:05Z' } },
            lastState: {},
            ready: true,
            restartCount: 0,
            image: 'nginx',
            imageID: 'sha256:x',
            containerID: 'sim://1',
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    },
  },
  {
    name: 'Node with taints, capacity and conditions',
    schema: ['', 'Node'],
    body: envelope(
      'v1',
      'Node',
      meta('n1'),
      mf(2, bf(1, '10.244.1.0/24'), bf(7, '10.244.1.0/24'), bf(3, 'kubeling://n1'), vf(4, true), mf(5, bf(1, 'dedicated'), bf(2, 'gpu'), bf(3, 'NoSchedule'))),
      mf(
        3,
        quantity(1, 'cpu', '4'),
        quantity(1, 'pods', '110'),
        quantity(2, 'cpu', '3800m'),
        mf(4, bf(1, 'Ready'), bf(2, 'True'), time(3, T0), time(4, T0), bf(5, 'KubeletReady'), bf(6, 'kubelet is posting ready status')),
        mf(5, bf(1, 'InternalIP'), bf(2, '10.0.0.2')),
        mf(6, mf(1, vf(1, 10250))),
        mf(7, bf(1, 'm'), bf(2, 's'), bf(3, 'b'), bf(4, '6.1'), bf(5, 'Kubeling'), bf(6, 'sim://1'), bf(7, 'v1.32.0'), bf(8, ''), bf(9, 'linux'), bf(10, 'amd64')),
      ),
    ),
    want: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', creationTimestamp: null },
      spec: {
        podCIDR: '10.244.1.0/24',
        podCIDRs: ['10.244.1.0/24'],
        providerID: 'kubeling://n1',
        unschedulable: true,
        taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
      },
      status: {
        capacity: { cpu: '4', pods: '110' },
        allocatable: { cpu: '3800m' },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastHeartbeatTime: '2026-01-01T00:00:00Z',
            lastTransitionTime: '2026-01-01T00:00:00Z',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
        ],
        addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: 'm',
          systemUUID: 's',
          bootID: 'b',
          kernelVersion: '6.1',
          osImage: 'Kubeling',
          containerRuntimeVersion: 'sim://1',
          kubeletVersion: 'v1.32.0',
          kubeProxyVersion: '',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    },
  },
  {
    name: 'Lease with MicroTimes',
    schema: ['coordination.k8s.io', 'Lease'],
    body: envelope(
      'coordination.k8s.io/v1',
      'Lease',
      meta('n1', 'kube-node-lease'),
      mf(2, bf(1, 'n1'), vf(2, 40), time(3, T0, 5_000), time(4, T0 + 10, 123_456_000), vf(5, 0)),
    ),
    want: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'n1', namespace: 'kube-node-lease', creationTimestamp: null },
      spec: {
        holderIdentity: 'n1',
        leaseDurationSeconds: 40,
        acquireTime: '2026-01-01T00:00:00.000005Z',
        renewTime: '2026-01-01T00:00:10.123456Z',
        leaseTransitions: 0,
      },
    },
  },
  {
    name: 'Event (core/v1)',
    schema: ['', 'Event'],
    body: envelope(
      'v1',
      'Event',
      meta('p1.abc', 'default'),
      mf(2, bf(1, 'Pod'), bf(2, 'default'), bf(3, 'p1'), bf(4, 'u1'), bf(5, 'v1'), bf(6, ''), bf(7, '')),
      bf(3, 'Scheduled'),
      bf(4, 'Successfully assigned default/p1 to n1'),
      mf(5, bf(1, 'default-scheduler'), bf(2, '')),
      mf(6),
      mf(7),
      vf(8, 0),
      bf(9, 'Normal'),
      time(10, T0, 1_000),
      bf(12, 'Binding'),
      bf(14, 'default-scheduler'),
      bf(15, 'sched-1'),
    ),
    want: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'p1.abc', namespace: 'default', creationTimestamp: null },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'u1', apiVersion: 'v1' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/p1 to n1',
      source: { component: 'default-scheduler' },
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Normal',
      eventTime: '2026-01-01T00:00:00.000001Z',
      action: 'Binding',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'sched-1',
    },
  },
  {
    // client-go's current event recorder (k8s.io/client-go/tools/events) writes these.
    name: 'Event (events.k8s.io/v1)',
    body: envelope(
      'events.k8s.io/v1',
      'Event',
      meta('p1.abc', 'default'),
      time(2, T0, 1_000),
      bf(4, 'default-scheduler'),
      bf(5, 'sched-1'),
      bf(6, 'Binding'),
      bf(7, 'Scheduled'),
      mf(8, bf(1, 'Pod'), bf(2, 'default'), bf(3, 'p1'), bf(4, 'u1'), bf(5, 'v1'), bf(6, ''), bf(7, '')),
      bf(10, 'Successfully assigned default/p1 to n1'),
      bf(11, 'Normal'),
      mf(12, bf(1, ''), bf(2, '')),
      mf(13),
      mf(14),
      vf(15, 0),
    ),
    want: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'p1.abc', namespace: 'default', creationTimestamp: null },
      eventTime: '2026-01-01T00:00:00.000001Z',
      reportingController: 'default-scheduler',
      reportingInstance: 'sched-1',
      action: 'Binding',
      reason: 'Scheduled',
      regarding: { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'u1', apiVersion: 'v1' },
      note: 'Successfully assigned default/p1 to n1',
      type: 'Normal',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    },
  },
  {
    name: 'EndpointSlice',
    schema: ['discovery.k8s.io', 'EndpointSlice'],
    body: envelope(
      'discovery.k8s.io/v1',
      'EndpointSlice',
      meta('web-abc', 'default', entry(11, 'kubernetes.io/service-name', 'web')),
      bf(4, 'IPv4'),
      mf(2, bf(1, '10.244.0.5'), mf(2, vf(1, true), vf(2, true), vf(3, false)), mf(4, bf(1, 'Pod'), bf(3, 'p1')), bf(6, 'n1')),
      mf(3, bf(1, 'http'), bf(2, 'TCP'), vf(3, 8080)),
    ),
    want: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: null, labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.244.0.5'],
          conditions: { ready: true, serving: true, terminating: false },
          targetRef: { kind: 'Pod', name: 'p1' },
          nodeName: 'n1',
        },
      ],
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    },
  },
  {
    name: 'Endpoints',
    schema: ['', 'Endpoints'],
    body: envelope(
      'v1',
      'Endpoints',
      meta('web', 'default'),
      mf(2, mf(1, bf(1, '10.244.0.5'), bf(3, ''), bf(4, 'n1')), mf(2, bf(1, '10.244.0.6'), bf(3, '')), mf(3, bf(1, ''), vf(2, 8080), bf(3, 'TCP'))),
    ),
    want: {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: null },
      subsets: [{ addresses: [{ ip: '10.244.0.5', nodeName: 'n1' }], notReadyAddresses: [{ ip: '10.244.0.6' }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    },
  },
  {
    name: 'Binding',
    body: envelope('v1', 'Binding', meta('p1', 'default'), mf(2, bf(1, 'Node'), bf(2, ''), bf(3, 'n1'))),
    want: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1', namespace: 'default', creationTimestamp: null }, target: { kind: 'Node', name: 'n1' } },
  },
  {
    name: 'Eviction with DeleteOptions',
    body: envelope('policy/v1', 'Eviction', meta('p1', 'default'), mf(2, vf(1, 0), mf(2, bf(1, 'u1')), bf(4, 'Foreground'), bf(5, 'All'))),
    want: {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'p1', namespace: 'default', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, propagationPolicy: 'Foreground', dryRun: ['All'] },
    },
  },
  {
    name: 'DeleteOptions under a group version',
    body: envelope('apps/v1', 'DeleteOptions', vf(3, false), mf(2, bf(2, '42'))),
    want: { apiVersion: 'apps/v1', kind: 'DeleteOptions', orphanDependents: false, preconditions: { resourceVersion: '42' } },
  },
  {
    name: 'Scale (autoscaling/v1)',
    body: envelope('autoscaling/v1', 'Scale', meta('web', 'default', bf(6, '7')), mf(2, vf(1, 0)), mf(3, vf(1, 3), bf(2, 'app=web'))),
    want: {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '7', creationTimestamp: null },
      spec: {},
      status: { replicas: 3, selector: 'app=web' },
    },
  },
  {
    name: 'HorizontalPodAutoscaler autoscaling/v2 with metrics and behavior',
    schema: ['autoscaling', 'HorizontalPodAutoscaler'],
    body: envelope(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      meta('web', 'default'),
      mf(
        2,
        mf(1, bf(1, 'Deployment'), bf(2, 'web'), bf(3, 'apps/v1')),
        vf(2, 1),
        vf(3, 10),
        mf(4, bf(1, 'Resource'), mf(4, bf(1, 'cpu'), mf(2, bf(1, 'Utilization'), vf(4, 60)))),
        mf(4, bf(1, 'Pods'), mf(3, mf(1, bf(1, 'qps')), mf(2, bf(1, 'AverageValue'), mf(3, bf(1, '100'))))),
        mf(5, mf(2, vf(3, 300), mf(2, bf(1, 'Percent'), vf(2, 10), vf(3, 60)))),
      ),
      mf(3, vf(3, 2), vf(4, 3), mf(6, bf(1, 'AbleToScale'), bf(2, 'True'), time(3, T0), bf(4, 'ReadyForNewScale'), bf(5, ''))),
    ),
    want: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: null },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '100' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } },
      },
      status: {
        currentReplicas: 2,
        desiredReplicas: 3,
        currentMetrics: null,
        conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'ReadyForNewScale' }],
      },
    },
  },
  {
    name: 'ServiceAccount with secrets and automount false',
    schema: ['', 'ServiceAccount'],
    body: envelope('v1', 'ServiceAccount', meta('build', 'ci'), mf(2, bf(3, 'build-token')), mf(3, bf(1, 'regcred')), vf(4, false)),
    want: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'build', namespace: 'ci', creationTimestamp: null },
      secrets: [{ name: 'build-token' }],
      imagePullSecrets: [{ name: 'regcred' }],
      automountServiceAccountToken: false,
    },
  },
  {
    name: 'Secret with stringData, immutable and type',
    schema: ['', 'Secret'],
    body: envelope('v1', 'Secret', meta('s', 'default'), vf(5, true), entry(2, 'k', Buffer.from('v')), entry(4, 'plain', 'text'), bf(3, 'Opaque')),
    want: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default', creationTimestamp: null },
      immutable: true,
      data: { k: 'dg==' },
      stringData: { plain: 'text' },
      type: 'Opaque',
    },
  },
];

describe('decodeProtobufObject: golden objects', () => {
  it.each(GOLDENS.map((g) => [g.name, g] as const))('%s', (_name, g) => {
    const out = decodeProtobufObject(g.body);
    expect(out.object).toEqual(g.want);
    if (g.schema) {
      const rt = findResourceByKind(g.schema[0], g.schema[1]);
      expect(rt, `${g.schema.join('/')} is served`).toBeDefined();
      const parsed = rt!.schema.safeParse(out.object);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });
});

describe('decodeProtobufObject: never throws anything but ProtobufDecodeError', () => {
  it('on every truncation of a real body', () => {
    const body = GOLDENS[0].body;
    for (let len = 0; len < body.length; len++) {
      try {
        decodeProtobufObject(body.subarray(0, len));
      } catch (err) {
        expect(err).toBeInstanceOf(ProtobufDecodeError);
      }
    }
  });

  it('on single-byte corruptions of a real body', () => {
    const body = Buffer.from(GOLDENS[0].body);
    for (let i = 4; i < body.length; i += 3) {
      const copy = Buffer.from(body);
      copy[i] ^= 0xa5;
      try {
        decodeProtobufObject(copy);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtobufDecodeError);
      }
    }
  });

  it('decodes a truncated body into an error, not a partial object', () => {
    expect(() => decodeProtobufObject(GOLDENS[0].body.subarray(0, GOLDENS[0].body.length - 1))).toThrow(ProtobufDecodeError);
  });
});
