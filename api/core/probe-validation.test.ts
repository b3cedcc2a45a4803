import { describe, expect, it } from 'vitest';
import type { Container } from './container.js';
import { validatePodSpec } from './pod-validation.js';
import type { PodSpec } from './pod-spec.js';

/** Probe and lifecycle validation, with kube-apiserver's field paths and messages (ValidatePodSpec). */

const spec = (c: Partial<Container>, init?: Partial<Container>): PodSpec =>
  ({
    restartPolicy: 'Always',
    containers: [{ name: 'app', image: 'nginx', ...c }],
    ...(init ? { initContainers: [{ name: 'init', image: 'busybox', ...init }] } : {}),
  }) as PodSpec;
const errors = (s: PodSpec) => validatePodSpec(s, 'spec').map((e) => `${e.field}: ${e.message}`);

describe('probe validation', () => {
  const table: Array<{ name: string; spec: PodSpec; want: string[] }> = [
    { name: 'a valid probe', spec: spec({ readinessProbe: { httpGet: { port: 'http', path: '/' }, periodSeconds: 5 } }), want: [] },
    { name: 'no handler', spec: spec({ livenessProbe: { periodSeconds: 5 } }), want: ['spec.containers[0].livenessProbe: Required value: must specify a handler type'] },
    { name: 'two handlers', spec: spec({ livenessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }), want: ['spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'] },
    { name: 'negative period', spec: spec({ readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: -1 } }), want: ['spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'liveness successThreshold', spec: spec({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }), want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'] },
    { name: 'startup successThreshold', spec: spec({ startupProbe: { tcpSocket: { port: 80 }, successThreshold: 3 } }), want: ['spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1'] },
    {
      name: 'terminationGracePeriodSeconds on a readiness probe',
      spec: spec({ readinessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 5 } }),
      want: ['spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Forbidden: must not be set for readinessProbes'],
    },
    { name: 'terminationGracePeriodSeconds 0 on liveness', spec: spec({ livenessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 0 } }), want: ['spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0'] },
    { name: 'grpc port out of range', spec: spec({ livenessProbe: { grpc: { port: 70000 } } }), want: ['spec.containers[0].livenessProbe.grpc.port: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
    { name: 'bad scheme', spec: spec({ livenessProbe: { httpGet: { port: 80, scheme: 'FTP' } } }), want: ['spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"'] },
    {
      name: 'probes and hooks on a plain init container',
      spec: spec({}, { readinessProbe: { tcpSocket: { port: 80 } }, lifecycle: { postStart: { exec: { command: ['true'] } } } }),
      want: ['spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always', 'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    },
    { name: 'probes on a sidecar', spec: spec({}, { restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 80 } } }), want: [] },
  ];
  for (const t of table) it(t.name, () => expect(errors(t.spec)).toEqual(t.want));
});
