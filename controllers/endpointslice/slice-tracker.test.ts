import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../../api/discovery/endpointslice.js';
import { svc } from '../endpoints/test-builders.js';
import { EndpointSliceTracker } from './slice-tracker.js';

const slice = (uid: string, generation: number, service = 'web'): EndpointSlice => ({
  metadata: { name: `${service}-${uid}`, namespace: 'default', uid, generation, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
});
const web = svc('web').obj();

describe('EndpointSliceTracker', () => {
  it('our own write is not a reason to sync; anyone else’s is', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', 2));
    expect(t.shouldSync(slice('a', 2))).toBe(false);
    expect(t.shouldSync(slice('a', 3))).toBe(true);
    expect(t.shouldSync(slice('b', 1))).toBe(true);
  });

  it.each<{ name: string; tracked: Array<[string, number | 'deleted']>; cached: EndpointSlice[]; stale: boolean }>([
    { name: 'nothing tracked', tracked: [], cached: [slice('a', 1)], stale: false },
    { name: 'cache has our generation', tracked: [['a', 2]], cached: [slice('a', 2)], stale: false },
    { name: 'cache is older than our update', tracked: [['a', 2]], cached: [slice('a', 1)], stale: true },
    { name: 'our create is not in the cache yet', tracked: [['a', 1]], cached: [], stale: true },
    { name: 'our delete is still in the cache', tracked: [['a', 'deleted']], cached: [slice('a', 1)], stale: true },
    { name: 'our delete is gone from the cache', tracked: [['a', 'deleted']], cached: [], stale: false },
  ])('staleSlices: $name', ({ tracked, cached, stale }) => {
    const t = new EndpointSliceTracker();
    for (const [uid, g] of tracked) {
      if (g === 'deleted') t.expectDeletion(slice(uid, 1));
      else t.update(slice(uid, g));
    }
    expect(t.staleSlices(web, cached)).toBe(stale);
  });

  it('handleDeletion: true only for our own deletes, and forgets the slice', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', 1));
    t.expectDeletion(slice('b', 1));
    expect(t.handleDeletion(slice('a', 1))).toBe(false);
    expect(t.handleDeletion(slice('b', 1))).toBe(true);
    expect(t.has(slice('a', 1)) || t.has(slice('b', 1))).toBe(false);
    expect(t.staleSlices(web, [])).toBe(false);
  });

  it('deleteService forgets every slice of the Service', () => {
    const t = new EndpointSliceTracker();
    t.update(slice('a', 1));
    t.update(slice('z', 1, 'other'));
    t.deleteService('default', 'web');
    expect(t.staleSlices(web, [])).toBe(false);
    expect(t.has(slice('z', 1, 'other'))).toBe(true);
  });
});
