import { describe, expect, it } from 'vitest';
import type { Container } from '../../api/core/container.js';
import type { Pod } from '../../api/core/pod.js';
import { checkAction, resolvePort, unhealthyFor, type CheckContext, type HandlerAction } from './handler-check.js';

const nginx: Container = { name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] };
const podOf = (annotations?: Record<string, string>, containers: Container[] = [nginx]): Pod =>
  ({ metadata: { name: 'p', namespace: 'default', uid: 'u1', annotations }, spec: { containers } }) as Pod;

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  pod: podOf(),
  container: nginx,
  podIP: '100.96.0.5',
  kind: 'liveness',
  timeoutMs: 1000,
  latencyFactor: () => 1,
  exec: async () => ({ code: 0, output: '' }),
  ...over,
});

const check = (a: HandlerAction, over: Partial<CheckContext> = {}) => checkAction(a, ctx(over));

describe('httpGet against the traffic model', () => {
  it("a path the image answers with 200 passes; nginx's 404 fails with kube's message", async () => {
    expect(await check({ httpGet: { port: 80, path: '/' } })).toEqual({ outcome: 'success', output: '' });
    expect(await check({ httpGet: { port: 80, path: '/healthz' } })).toEqual({ outcome: 'failure', output: 'HTTP probe failed with statuscode: 404' });
  });
  it('a port by name resolves through the container ports; an unknown name errors', async () => {
    expect((await check({ httpGet: { port: 'http', path: '/' } })).outcome).toBe('success');
    expect(await check({ httpGet: { port: 'metrics', path: '/' } })).toEqual({ outcome: 'error', output: 'port metrics not found' });
  });
  it('nothing listening: connection refused', async () => {
    expect(await check({ httpGet: { port: 8080, path: '/healthz' } })).toEqual({
      outcome: 'failure',
      output: 'Get "http://100.96.0.5:8080/healthz": dial tcp 100.96.0.5:8080: connect: connection refused',
    });
  });
  it('the unhealthy annotation answers 500, for the kinds it names', async () => {
    const pod = podOf({ 'kubeling.io/unhealthy': 'liveness' });
    expect(await check({ httpGet: { port: 80, path: '/' } }, { pod })).toEqual({ outcome: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect((await check({ httpGet: { port: 80, path: '/' } }, { pod, kind: 'readiness' })).outcome).toBe('success');
  });
  it('a container slowed by load past timeoutSeconds times out', async () => {
    const r = await check({ httpGet: { port: 80, path: '/' } }, { latencyFactor: () => 10_000 });
    expect(r).toEqual({ outcome: 'failure', output: 'Get "http://100.96.0.5:80/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)' });
  });
  it('no pod IP yet: errored, not failed', async () => {
    expect((await check({ httpGet: { port: 80 } }, { podIP: undefined })).outcome).toBe('error');
  });
});

describe('tcpSocket, grpc, exec', () => {
  it('tcpSocket passes on a listening port, is refused on another, times out when unhealthy', async () => {
    expect((await check({ tcpSocket: { port: 80 } })).outcome).toBe('success');
    expect(await check({ tcpSocket: { port: 81 } })).toEqual({ outcome: 'failure', output: 'dial tcp 100.96.0.5:81: connect: connection refused' });
    expect(await check({ tcpSocket: { port: 'http' } }, { pod: podOf({ 'kubeling.io/unhealthy': 'true' }) })).toEqual({ outcome: 'failure', output: 'dial tcp 100.96.0.5:80: i/o timeout' });
  });
  it('grpc: SERVING when the port listens, NOT_SERVING when unhealthy, a connect timeout otherwise', async () => {
    expect((await check({ grpc: { port: 80 } })).outcome).toBe('success');
    expect(await check({ grpc: { port: 80 } }, { pod: podOf({ 'kubeling.io/unhealthy': 'true' }) })).toEqual({ outcome: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    expect(await check({ grpc: { port: 9090 } })).toEqual({ outcome: 'failure', output: 'timeout: failed to connect service "100.96.0.5:9090" within 1s' });
  });
  it('exec: the exit code decides, the output is the message; a timeout fails', async () => {
    expect(await check({ exec: { command: ['cat', '/tmp/healthy'] } }, { exec: async () => ({ code: 1, output: "cat: can't open '/tmp/healthy': No such file or directory\n" }) })).toEqual({
      outcome: 'failure',
      output: "cat: can't open '/tmp/healthy': No such file or directory\n",
    });
    expect(await check({ exec: { command: ['sleep', '5'] } }, { exec: async () => ({ code: 130, output: '', timedOut: true }) })).toEqual({ outcome: 'failure', output: 'command "sleep 5" timed out' });
    expect((await check({ exec: { command: ['true'] } })).outcome).toBe('success');
  });
  it('no handler: errored', async () => {
    expect((await check({})).outcome).toBe('error');
  });
});

describe('annotation and ports', () => {
  it('unhealthy values', () => {
    const k = (v: string | undefined, kind: 'liveness' | 'readiness' | undefined) => unhealthyFor(podOf(v === undefined ? undefined : { 'kubeling.io/unhealthy': v }), kind);
    expect(k(undefined, 'liveness')).toBe(false);
    expect(k('true', 'readiness')).toBe(true);
    expect(k('false', 'readiness')).toBe(false);
    expect(k('readiness, startup', 'readiness')).toBe(true);
    expect(k('readiness', 'liveness')).toBe(false);
    expect(k('true', undefined)).toBe(false);
  });
  it('resolvePort', () => {
    expect(resolvePort(8080, nginx)).toBe(8080);
    expect(resolvePort('8080', nginx)).toBe(8080);
    expect(resolvePort('http', nginx)).toBe(80);
  });
});
