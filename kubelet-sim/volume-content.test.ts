import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../api/core/configmap.js';
import type { Pod } from '../api/core/pod.js';
import type { Secret } from '../api/core/secret.js';
import type { ConfigSources } from './container-config.js';
import { alwaysReadOnly, mountFailures, volumeContent } from './volume-content.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources: ConfigSources = {
  configMap: (_ns, name) => (name === 'cfg' ? ({ metadata: { name }, data: { greeting: 'hello', level: 'debug' } } as ConfigMap) : undefined),
  secret: (_ns, name) => (name === 'creds' ? ({ metadata: { name }, data: { password: b64('s3cr3t') } } as Secret) : undefined),
};
const podWith = (volumes: unknown[]): Pod => ({ metadata: { name: 'p', namespace: 'default', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], volumes } }) as Pod;
const files = (p: Pod, v: string) => {
  const c = volumeContent(p, v, sources);
  return c?.ok ? Object.fromEntries(c.files) : c;
};

describe('volume content', () => {
  it('configMap, secret (decoded) and downwardAPI files', () => {
    const p = podWith([
      { name: 'a', configMap: { name: 'cfg', items: [{ key: 'level', path: 'log/level' }] } },
      { name: 'b', secret: { secretName: 'creds' } },
      { name: 'c', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
    ]);
    expect(files(p, 'a')).toEqual({ 'log/level': 'debug' });
    expect(files(p, 'b')).toEqual({ password: 's3cr3t' });
    expect(files(p, 'c')).toEqual({ name: 'p' });
  });
  it('projected volumes join their sources; a service account token is a placeholder JWT', () => {
    const p = podWith([
      {
        name: 'all',
        projected: {
          sources: [
            { configMap: { name: 'cfg', items: [{ key: 'greeting', path: 'greeting' }] } },
            { secret: { name: 'creds' } },
            { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
            { serviceAccountToken: { path: 'token' } },
          ],
        },
      },
    ]);
    const f = files(p, 'all') as Record<string, string>;
    expect(f).toMatchObject({ greeting: 'hello', password: 's3cr3t', labels: 'app="x"' });
    expect(f.token?.split('.')).toHaveLength(3);
  });
  it('missing sources and keys fail with kube\'s words; optional ones give nothing', () => {
    const p = podWith([
      { name: 'gone', configMap: { name: 'nope' } },
      { name: 'gone-secret', secret: { secretName: 'nope' } },
      { name: 'no-key', configMap: { name: 'cfg', items: [{ key: 'missing', path: 'm' }] } },
      { name: 'no-secret-key', secret: { secretName: 'creds', items: [{ key: 'user', path: 'u' }] } },
      { name: 'maybe', configMap: { name: 'nope', optional: true } },
      { name: 'maybe-key', configMap: { name: 'cfg', optional: true, items: [{ key: 'missing', path: 'm' }, { key: 'level', path: 'l' }] } },
      { name: 'two', projected: { sources: [{ configMap: { name: 'x' } }, { secret: { name: 'y' } }] } },
      { name: 'scratch', emptyDir: {} },
    ]);
    expect(mountFailures(p, sources)).toEqual([
      { volume: 'gone', message: 'MountVolume.SetUp failed for volume "gone" : configmap "nope" not found' },
      { volume: 'gone-secret', message: 'MountVolume.SetUp failed for volume "gone-secret" : secret "nope" not found' },
      { volume: 'no-key', message: 'MountVolume.SetUp failed for volume "no-key" : configmap references non-existent config key: missing' },
      { volume: 'no-secret-key', message: 'MountVolume.SetUp failed for volume "no-secret-key" : references non-existent secret key: user' },
      { volume: 'two', message: 'MountVolume.SetUp failed for volume "two" : [configmap "x" not found, secret "y" not found]' },
    ]);
    expect(files(p, 'maybe')).toEqual({});
    expect(files(p, 'maybe-key')).toEqual({ l: 'debug' });
    expect(volumeContent(p, 'scratch', sources)).toBeUndefined();
  });
  it("the service account's kube-api-access volume never blocks on kube-root-ca.crt (its publisher is optional here)", () => {
    const p = podWith([{ name: 'kube-api-access-abcde', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] } }]);
    expect(mountFailures(p, sources)).toEqual([]);
    expect(Object.keys(files(p, 'kube-api-access-abcde') as Record<string, string>)).toEqual(['token']);
  });
  it('API data volumes are always read-only; others are not', () => {
    const p = podWith([{ name: 'a', configMap: { name: 'cfg' } }, { name: 'p', projected: { sources: [] } }, { name: 's', emptyDir: {} }]);
    expect([alwaysReadOnly(p, 'a'), alwaysReadOnly(p, 'p'), alwaysReadOnly(p, 's'), alwaysReadOnly(p, 'none')]).toEqual([true, true, false, false]);
  });
});
