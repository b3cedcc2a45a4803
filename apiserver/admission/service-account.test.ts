import { describe, expect, it } from 'vitest';
import { mountServiceAccountToken, randomSuffix, TOKEN_MOUNT_PATH, type PodSpecLike } from './service-account.js';

const spec = (over: Partial<PodSpecLike> = {}): PodSpecLike => ({ serviceAccountName: 'default', containers: [{}, { volumeMounts: [] }], initContainers: [{}], ...over });

describe('ServiceAccount admission: the kube-api-access volume', () => {
  it('adds one projected volume and mounts it read-only in every container', () => {
    const s = spec();
    mountServiceAccountToken(s, undefined, 'abcde');
    expect(s.volumes).toEqual([
      {
        name: 'kube-api-access-abcde',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ]);
    for (const c of [...s.containers!, ...s.initContainers!]) expect(c.volumeMounts).toEqual([{ name: 'kube-api-access-abcde', readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
  });

  it.each([
    ['the pod opts out', spec({ automountServiceAccountToken: false }), undefined],
    ['the ServiceAccount opts out', spec(), false],
    ['every container mounts the path itself', spec({ containers: [{ volumeMounts: [{ name: 'mine', mountPath: TOKEN_MOUNT_PATH }] }], initContainers: [] }), undefined],
  ])('adds nothing when %s', (_name, s, sa) => {
    mountServiceAccountToken(s, sa, 'abcde');
    expect(s.volumes).toBeUndefined();
  });

  it('lets the pod override the ServiceAccount', () => {
    const s = spec({ automountServiceAccountToken: true });
    mountServiceAccountToken(s, false, 'abcde');
    expect(s.volumes).toHaveLength(1);
  });

  it('draws suffixes from kube alphabet', () => {
    expect(randomSuffix(5, () => 0)).toBe('bbbbb');
    expect(randomSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
