import { describe, expect, it } from 'vitest';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * ConfigMap, Secret and downwardAPI volumes inside simulated containers, seen with the
 * real kubectl: the files `kubectl exec … cat` shows, `items` and subPath mounts, and an
 * edited ConfigMap showing in the next exec (subPath mounts keep what they got, as in kube).
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
  metadata: { name: 'reader', labels: { app: 'reader' } },
  spec: {
    containers: [
      {
        name: 'main',
        image: 'busybox:1.36',
        command: ['sleep', '3600'],
        env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'greeting' } } }],
        volumeMounts: [
          { name: 'config', mountPath: '/etc/config' },
          { name: 'only-level', mountPath: '/etc/level' },
          { name: 'config', mountPath: '/etc/app.properties', subPath: 'app.properties' },
          { name: 'creds', mountPath: '/etc/creds', readOnly: true },
          { name: 'info', mountPath: '/etc/podinfo' },
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'app-config' } },
      { name: 'only-level', configMap: { name: 'app-config', items: [{ key: 'level', path: 'log/level.txt' }] } },
      { name: 'creds', secret: { secretName: 'app-creds', defaultMode: 0o400 } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
    ],
  },
};

describe('configuration volumes in containers', () => {
  it('mounts ConfigMap, Secret and downwardAPI volumes, and follows ConfigMap edits', async () => {
    const c = cluster();
    await ok(c, ['create', 'configmap', 'app-config', '--from-literal=greeting=hello', '--from-literal=level=debug', '--from-literal=app.properties=color=blue']);
    await ok(c, ['create', 'secret', 'generic', 'app-creds', '--from-literal=password=s3cr3t']);
    await ok(c, ['apply', '-f', '-'], JSON.stringify(POD));
    await ok(c, ['wait', '--for=condition=Ready', 'pod/reader', '--timeout=60s']);

    const cat = (path: string) => ok(c, ['exec', 'reader', '--', 'cat', path]);
    expect((await ok(c, ['exec', 'reader', '--', 'ls', '/etc/config'])).split('\n').filter(Boolean)).toEqual(['app.properties', 'greeting', 'level']);
    expect(await cat('/etc/config/greeting')).toBe('hello');
    expect(await cat('/etc/level/log/level.txt')).toBe('debug');
    expect(await cat('/etc/app.properties')).toBe('color=blue');
    expect(await cat('/etc/creds/password')).toBe('s3cr3t');
    expect(await cat('/etc/podinfo/name')).toBe('reader');
    expect(await cat('/etc/podinfo/labels')).toBe('app="reader"');
    expect(await ok(c, ['exec', 'reader', '--', 'sh', '-c', 'echo $GREETING'])).toBe('hello\n');

    await ok(c, ['patch', 'configmap', 'app-config', '--type=merge', '-p', '{"data":{"greeting":"bonjour","app.properties":"color=red"}}']);
    await waitUntil(async () => {
      const now = await cat('/etc/config/greeting');
      if (now !== 'bonjour') throw new Error(now);
      return true;
    }, 'the edited ConfigMap in the volume', 30_000);
    // A subPath mount and the environment keep what the container started with, as in kube.
    expect(await cat('/etc/app.properties')).toBe('color=blue');
    expect(await ok(c, ['exec', 'reader', '--', 'sh', '-c', 'echo $GREETING'])).toBe('hello\n');

    // A key removed from the ConfigMap leaves the volume.
    await ok(c, ['patch', 'configmap', 'app-config', '--type=json', '-p', '[{"op":"remove","path":"/data/level"}]']);
    await waitUntil(async () => {
      const ls = await ok(c, ['exec', 'reader', '--', 'ls', '/etc/config']);
      if (ls.includes('level')) throw new Error(ls);
      return true;
    }, 'the removed key gone', 30_000);
  });
});
