import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../api/core/configmap.js';
import type { Container } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import type { Secret } from '../api/core/secret.js';
import { resolveContainerEnv, volumeFiles, type ConfigSources } from './container-config.js';

const cm: ConfigMap = { metadata: { name: 'game', namespace: 'default' }, data: { lives: '3', 'ui.properties': 'color=blue\n' } } as ConfigMap;
const secret: Secret = { metadata: { name: 'db', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } } as Secret;
const sources: ConfigSources = {
  configMap: (ns, name) => (ns === 'default' && name === 'game' ? cm : undefined),
  secret: (ns, name) => (ns === 'default' && name === 'db' ? secret : undefined),
};
const pod = (container: Container, volumes: unknown[] = []): Pod =>
  ({ metadata: { name: 'p', namespace: 'default', uid: 'u1', labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [container], volumes }, status: { podIP: '100.96.0.5' } }) as Pod;

describe('resolveContainerEnv', () => {
  it('combines envFrom, values, valueFrom and $(VAR) as the kubelet does', () => {
    const c: Container = {
      name: 'c',
      image: 'busybox',
      resources: { limits: { memory: '64Mi', cpu: '500m' } },
      envFrom: [{ configMapRef: { name: 'game' }, prefix: 'GAME_' }],
      env: [
        { name: 'LIVES', valueFrom: { configMapKeyRef: { name: 'game', key: 'lives' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'GREETING', value: 'hello $(POD)' },
      ],
    } as Container;
    const r = resolveContainerEnv(pod(c), c, sources);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.fromEntries(r.env)).toEqual({
      GAME_lives: '3',
      'GAME_ui.properties': 'color=blue\n',
      LIVES: '3',
      PASSWORD: 's3cret',
      POD: 'p',
      APP: 'web',
      IP: '100.96.0.5',
      MEM: String(64 * 1024 * 1024),
      CPU: '1',
      GREETING: 'hello p',
    });
  });

  it.each([
    [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }, 'configmap "nope" not found'],
    [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'game', key: 'nope' } } }, "couldn't find key nope in ConfigMap default/game"],
    [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }, 'secret "nope" not found'],
    [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } }, "couldn't find key user in Secret default/db"],
  ])('CreateContainerConfigError for %j', (env, message) => {
    const c = { name: 'c', image: 'busybox', env: [env] } as Container;
    expect(resolveContainerEnv(pod(c), c, sources)).toEqual({ ok: false, reason: 'CreateContainerConfigError', message });
  });

  it('skips optional references that are missing', () => {
    const c = { name: 'c', image: 'busybox', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }], envFrom: [{ secretRef: { name: 'nope', optional: true } }] } as Container;
    const r = resolveContainerEnv(pod(c), c, sources);
    expect(r.ok && r.env.size).toBe(0);
  });
});

describe('volumeFiles', () => {
  const c = { name: 'c', image: 'busybox' } as Container;
  it.each([
    ['every key of a ConfigMap', { name: 'config', configMap: { name: 'game' } }, { lives: '3', 'ui.properties': 'color=blue\n' }],
    ['selected items', { name: 'config', configMap: { name: 'game', items: [{ key: 'lives', path: 'game/lives' }] } }, { 'game/lives': '3' }],
    ['a Secret, decoded', { name: 'config', secret: { secretName: 'db' } }, { password: 's3cret' }],
    ['downward API', { name: 'config', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }, { labels: 'app="web"' }],
  ])('%s', (_n, vol, want) => {
    expect(Object.fromEntries(volumeFiles(pod(c, [vol]), 'config', sources)!)).toEqual(want);
  });

  it('is undefined for a missing ConfigMap', () => {
    expect(volumeFiles(pod(c, [{ name: 'config', configMap: { name: 'nope' } }]), 'config', sources)).toBeUndefined();
  });
});
