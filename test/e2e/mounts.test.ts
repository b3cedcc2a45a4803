import { describe, expect, it } from 'vitest';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * Volume mounts as kube makes them, seen with the real kubectl: a pod whose ConfigMap is
 * missing stays ContainerCreating with FailedMount and starts once the ConfigMap is
 * created; ConfigMap volumes and `readOnly: true` mounts refuse writes ("Read-only file
 * system"), an emptyDir takes them.
 */
const cluster = useClusterWithComponents({ nodes: 1 });

const ok = async (c: ClusterWithComponents, args: string[], stdin?: string): Promise<string> => {
  const res = await c.kubectl(args, stdin === undefined ? {} : { stdin });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
};

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'mounted' },
  spec: {
    containers: [
      {
        name: 'main',
        image: 'busybox:1.36',
        command: ['sleep', '3600'],
        volumeMounts: [
          { name: 'config', mountPath: '/etc/config' },
          { name: 'scratch', mountPath: '/scratch' },
          { name: 'frozen', mountPath: '/frozen', readOnly: true },
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'late-config' } },
      { name: 'scratch', emptyDir: {} },
      { name: 'frozen', emptyDir: {} },
    ],
  },
};

describe('volume mounts', () => {
  it('FailedMount until the ConfigMap exists, then Running with read-only API data volumes', async () => {
    const c = cluster();
    await ok(c, ['apply', '-f', '-'], JSON.stringify(POD));
    await waitUntil(async () => {
      const out = await ok(c, ['get', 'events', '--field-selector=reason=FailedMount,involvedObject.name=mounted', '-o', 'jsonpath={.items[*].message}']);
      if (!out.includes('MountVolume.SetUp failed for volume "config" : configmap "late-config" not found')) throw new Error(out);
      return true;
    }, 'a FailedMount event', 30_000);
    expect(await ok(c, ['get', 'pod', 'mounted', '--no-headers'])).toMatch(/\s0\/1\s+ContainerCreating\s/);

    await ok(c, ['create', 'configmap', 'late-config', '--from-literal=greeting=hello']);
    await ok(c, ['wait', '--for=condition=Ready', 'pod/mounted', '--timeout=30s']);
    expect(await ok(c, ['exec', 'mounted', '--', 'cat', '/etc/config/greeting'])).toBe('hello');

    const sh = (script: string) => c.kubectl(['exec', 'mounted', '--', 'sh', '-c', script]);
    let r = await sh('echo x > /etc/config/greeting');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("sh: can't create /etc/config/greeting: Read-only file system");
    r = await sh('touch /frozen/file');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('touch: /frozen/file: Read-only file system');
    expect((await sh('echo ok > /scratch/f && cat /scratch/f')).stdout).toBe('ok\n');
  });
});
