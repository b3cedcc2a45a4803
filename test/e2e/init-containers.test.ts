import { describe, expect, it } from 'vitest';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * Init and sidecar containers seen with the real kubectl: the STATUS column moving through
 * Init:0/2 and Init:1/2 to Running, each init container's own log, Init:Error for a failed
 * one under restartPolicy Never, and a sidecar (an init container with restartPolicy
 * Always) running beside the app (READY 2/2).
 */
const cluster = useClusterWithComponents({ nodes: 1 });

const ok = async (c: ClusterWithComponents, args: string[], stdin?: string): Promise<string> => {
  const res = await c.kubectl(args, stdin === undefined ? {} : { stdin });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
};
const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox:1.36', command: ['sh', '-c', script], ...extra });
const pod = (name: string, initContainers: unknown[], containers: unknown[], restartPolicy = 'Always') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { restartPolicy, initContainers, containers },
});
const statusOf = async (c: ClusterWithComponents, name: string) => (await ok(c, ['get', 'pod', name, '--no-headers'])).trim().split(/\s+/).slice(1, 3).join(' ');

describe('init containers', () => {
  it('run in order before the app, each with its own logs', async () => {
    const c = cluster();
    await ok(c, ['apply', '-f', '-'], JSON.stringify(pod('myapp', [sh('init-a', 'echo a is done; sleep 2'), sh('init-b', 'echo b is done; sleep 2')], [{ name: 'app', image: 'nginx:1.27' }])));
    const seen = new Set<string>();
    await waitUntil(async () => {
      const s = await statusOf(c, 'myapp');
      seen.add(s);
      if (s !== '1/1 Running') throw new Error(s);
      return true;
    }, 'the app running', 30_000);
    expect(seen).toContain('0/1 Init:0/2');
    expect(seen).toContain('0/1 Init:1/2');
    expect(await ok(c, ['logs', 'myapp', '-c', 'init-a'])).toBe('a is done\n');
    expect(await ok(c, ['logs', 'myapp', '-c', 'init-b'])).toBe('b is done\n');
    expect(await ok(c, ['get', 'pod', 'myapp', '-o', 'jsonpath={.status.initContainerStatuses[*].state.terminated.reason}'])).toBe('Completed Completed');
  });

  it('a failed init container under restartPolicy Never fails the pod: Init:Error', async () => {
    const c = cluster();
    await ok(c, ['apply', '-f', '-'], JSON.stringify(pod('doomed', [sh('check', 'echo missing dependency >&2; exit 2')], [{ name: 'app', image: 'nginx:1.27' }], 'Never')));
    await waitUntil(async () => {
      const s = await statusOf(c, 'doomed');
      if (s !== '0/1 Init:Error') throw new Error(s);
      return true;
    }, 'Init:Error', 30_000);
    expect(await ok(c, ['logs', 'doomed', '-c', 'check'])).toBe('missing dependency\n');
  });

  it('a sidecar starts first, keeps running beside the app: READY 2/2', async () => {
    const c = cluster();
    await ok(c, ['apply', '-f', '-'], JSON.stringify(pod('sided', [sh('proxy', 'while true; do sleep 5; done', { restartPolicy: 'Always' }), sh('setup', 'sleep 1')], [{ name: 'app', image: 'nginx:1.27' }])));
    await ok(c, ['wait', '--for=condition=Ready', 'pod/sided', '--timeout=30s']);
    expect(await statusOf(c, 'sided')).toBe('2/2 Running');
    expect(await ok(c, ['get', 'pod', 'sided', '-o', 'jsonpath={.status.initContainerStatuses[0].started} {.status.initContainerStatuses[1].state.terminated.reason}'])).toBe('true Completed');
  });
});
