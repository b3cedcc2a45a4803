import { describe, expect, it } from 'vitest';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * Probes seen with the real kubectl: a readiness probe failing then passing (the pod's
 * READY column, its Ready condition and the Service's endpoints follow), a liveness probe
 * restarting a container with kube's events, and kube's validation of a bad probe.
 * Health is switched with the documented `kubeling.io/unhealthy` annotation.
 */
const cluster = useClusterWithComponents({ nodes: 1 });

const ok = async (c: ClusterWithComponents, args: string[], stdin?: string): Promise<string> => {
  const res = await c.kubectl(args, stdin === undefined ? {} : { stdin });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
};

const until = (c: ClusterWithComponents, what: string, args: string[], test: (out: string) => boolean) =>
  waitUntil(async () => {
    const out = await ok(c, args);
    if (!test(out)) throw new Error(out);
    return true;
  }, what, 30_000);

const podWith = (name: string, probes: Record<string, unknown>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: name }, ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }], ...probes }] },
});

describe('probes', () => {
  it('a readiness probe failing then passing: READY, the Ready condition and the endpoints follow', async () => {
    const c = cluster();
    const pod = podWith('ready-web', { readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 } }, { 'kubeling.io/unhealthy': 'readiness' });
    await ok(c, ['apply', '-f', '-'], JSON.stringify(pod));
    await ok(c, ['expose', 'pod', 'ready-web', '--port=80']);
    await until(c, 'the pod running', ['get', 'pod', 'ready-web', '--no-headers'], (o) => /\s0\/1\s+Running\s/.test(o));
    await until(c, 'an Unhealthy event', ['get', 'events', '--field-selector=reason=Unhealthy,involvedObject.name=ready-web', '-o', 'jsonpath={.items[*].message}'], (o) =>
      o.includes('Readiness probe failed: HTTP probe failed with statuscode: 500'),
    );
    expect(await ok(c, ['get', 'pod', 'ready-web', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).toBe('False');
    // Not ready: the address is in the slice, not ready (and not in the Endpoints' addresses).
    expect(await ok(c, ['get', 'endpoints', 'ready-web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).toBe('');

    await ok(c, ['annotate', 'pod', 'ready-web', 'kubeling.io/unhealthy-']);
    await ok(c, ['wait', '--for=condition=Ready', 'pod/ready-web', '--timeout=30s']);
    const ip = await ok(c, ['get', 'pod', 'ready-web', '-o', 'jsonpath={.status.podIP}']);
    await until(c, 'the endpoint ready', ['get', 'endpoints', 'ready-web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'], (o) => o === ip);
    expect(await ok(c, ['get', 'pod', 'ready-web', '--no-headers'])).toMatch(/\s1\/1\s+Running\s+0\s/);

    // Failing again: out of the endpoints, no restart.
    await ok(c, ['annotate', 'pod', 'ready-web', 'kubeling.io/unhealthy=readiness']);
    await until(c, 'the endpoint not ready', ['get', 'endpoints', 'ready-web', '-o', 'jsonpath={.subsets[*].notReadyAddresses[*].ip}'], (o) => o === ip);
    expect(await ok(c, ['get', 'pod', 'ready-web', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).toBe('0');
  });

  it('a failing liveness probe restarts the container, with Unhealthy and Killing events', async () => {
    const c = cluster();
    const pod = podWith('live-web', { livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 2 } });
    await ok(c, ['apply', '-f', '-'], JSON.stringify(pod));
    await ok(c, ['wait', '--for=condition=Ready', 'pod/live-web', '--timeout=30s']);
    await ok(c, ['annotate', 'pod', 'live-web', 'kubeling.io/unhealthy=liveness']);
    await until(c, 'a restart', ['get', 'pod', 'live-web', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'], (o) => Number(o) >= 1);
    await ok(c, ['annotate', 'pod', 'live-web', 'kubeling.io/unhealthy-']);
    const describe = await ok(c, ['describe', 'pod', 'live-web']);
    expect(describe).toContain('Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(describe).toContain('Container web failed liveness probe, will be restarted');
    expect(describe).toMatch(/Liveness:\s+http-get http:\/\/:80\/ delay=0s timeout=1s period=1s #success=1 #failure=2/);
    expect(await ok(c, ['get', 'pod', 'live-web', '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}'])).toBe('137');
  });

  it('postStart runs in the container; a failing preStop hook is FailedPreStopHook', async () => {
    const c = cluster();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hooked' },
      spec: {
        terminationGracePeriodSeconds: 5,
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            command: ['sleep', '3600'],
            lifecycle: {
              postStart: { exec: { command: ['/bin/sh', '-c', 'echo Hello from the postStart handler > /tmp/message'] } },
              preStop: { exec: { command: ['/bin/sh', '-c', 'echo draining; exit 1'] } },
            },
          },
        ],
      },
    };
    await ok(c, ['apply', '-f', '-'], JSON.stringify(pod));
    await ok(c, ['wait', '--for=condition=Ready', 'pod/hooked', '--timeout=30s']);
    await until(c, 'the postStart file', ['exec', 'hooked', '--', 'cat', '/tmp/message'], (o) => o === 'Hello from the postStart handler\n');
    await ok(c, ['delete', 'pod', 'hooked', '--wait=true', '--timeout=30s']);
    const events = await ok(c, ['get', 'events', '--field-selector=reason=FailedPreStopHook,involvedObject.name=hooked', '-o', 'jsonpath={.items[*].message}']);
    expect(events).toMatch(/^Exec lifecycle hook \(\[\/bin\/sh -c echo draining; exit 1\]\) for Container "app" in Pod "hooked_default\([0-9a-f-]+\)" failed - error: command '\/bin\/sh -c echo draining; exit 1' exited with 1: draining\n, message: "draining\\n"$/);
  });

  it('a bad probe is refused with kube\'s validation message', async () => {
    const c = cluster();
    const pod = podWith('bad-probe', { readinessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 5 } });
    const res = await c.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(pod) });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Forbidden: must not be set for readinessProbes');
  });
});
