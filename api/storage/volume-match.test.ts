import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim } from '../core/persistent-volume.js';
import { findMatchingVolume } from './volume-match.js';

const pv = (name: string, size: string, extra: NonNullable<PersistentVolume['spec']> = {}, labels?: Record<string, string>): PersistentVolume => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: '/x' }, ...extra },
  status: { phase: 'Available' },
});
const pvc = (size: string, extra: NonNullable<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim => ({
  metadata: { name: 'c', namespace: 'default', uid: 'u' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: 'manual', ...extra },
});

describe('findMatchingVolume', () => {
  it.each([
    ['the smallest big-enough volume', [pv('big', '10Gi'), pv('small', '2Gi'), pv('tiny', '500Mi')], pvc('1Gi'), 'small'],
    ['none big enough', [pv('tiny', '500Mi')], pvc('1Gi'), undefined],
    ['another class', [pv('a', '5Gi', { storageClassName: 'fast' })], pvc('1Gi'), undefined],
    ['missing access mode', [pv('a', '5Gi')], pvc('1Gi', { accessModes: ['ReadWriteMany'] }), undefined],
    ['bound elsewhere', [pv('a', '5Gi', { claimRef: { name: 'other', namespace: 'default', uid: 'x' } })], pvc('1Gi'), undefined],
    ['pre-bound to this claim wins', [pv('small', '2Gi'), pv('mine', '10Gi', { claimRef: { name: 'c', namespace: 'default' } })], pvc('1Gi'), 'mine'],
    ['selector', [pv('a', '5Gi', {}, { tier: 'gold' }), pv('b', '2Gi')], pvc('1Gi', { selector: { matchLabels: { tier: 'gold' } } }), 'a'],
  ])('%s', (_n, pvs, claim, want) => {
    expect(findMatchingVolume(pvs, claim)?.metadata.name).toBe(want);
  });
});
