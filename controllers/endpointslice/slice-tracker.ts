import type { Service } from '../../api/core/service.js';
import type { EndpointSlice } from '../../api/discovery/endpointslice.js';
import { serviceKeyOfSlice } from './slice-meta.js';

/**
 * kube's EndpointSliceTracker: the generation of every slice this controller last wrote,
 * by Service, so that
 * - a sync never plans from a cache older than its own writes (staleSlices: a slice it
 *   wrote is missing or older in the cache, or one it deleted is still there) — the sync
 *   is retried instead, which is what keeps a slow cache from producing duplicate slices;
 * - informer events for its own writes do not trigger another sync (shouldSync), while
 *   anyone else's change to a managed slice does.
 */

const DELETION_EXPECTED = -1;

const keyOf = (ns: string | undefined, name: string | undefined): string => `${ns ?? ''}/${name ?? ''}`;

export class EndpointSliceTracker {
  private readonly byService = new Map<string, Map<string, number>>();

  private gens(slice: EndpointSlice, create: boolean): Map<string, number> | undefined {
    const key = serviceKeyOfSlice(slice);
    if (!key) return undefined;
    let m = this.byService.get(key);
    if (!m && create) this.byService.set(key, (m = new Map()));
    return m;
  }

  /** Records a slice as written (the API's answer to a create or update). */
  update(slice: EndpointSlice): void {
    this.gens(slice, true)?.set(slice.metadata.uid ?? '', slice.metadata.generation ?? 0);
  }

  expectDeletion(slice: EndpointSlice): void {
    this.gens(slice, true)?.set(slice.metadata.uid ?? '', DELETION_EXPECTED);
  }

  has(slice: EndpointSlice): boolean {
    return this.gens(slice, false)?.has(slice.metadata.uid ?? '') ?? false;
  }

  /** Whether a slice seen in an informer event is not simply our own last write. */
  shouldSync(slice: EndpointSlice): boolean {
    const g = this.gens(slice, false)?.get(slice.metadata.uid ?? '');
    return g === undefined || g !== (slice.metadata.generation ?? 0);
  }

  /** A tracked slice was deleted: forgets it; true when we had deleted it ourselves. */
  handleDeletion(slice: EndpointSlice): boolean {
    const m = this.gens(slice, false);
    const uid = slice.metadata.uid ?? '';
    const expected = m?.get(uid) === DELETION_EXPECTED;
    m?.delete(uid);
    return expected;
  }

  /** Whether the cached slices of svc are behind this controller's own writes. */
  staleSlices(svc: Service, cached: readonly EndpointSlice[]): boolean {
    const m = this.byService.get(keyOf(svc.metadata.namespace, svc.metadata.name));
    if (!m) return false;
    const seen = new Set<string>();
    for (const s of cached) {
      const uid = s.metadata.uid ?? '';
      seen.add(uid);
      const g = m.get(uid);
      if (g !== undefined && (g === DELETION_EXPECTED || g > (s.metadata.generation ?? 0))) return true;
    }
    for (const [uid, g] of m) if (g !== DELETION_EXPECTED && !seen.has(uid)) return true;
    return false;
  }

  deleteService(namespace: string, name: string): void {
    this.byService.delete(keyOf(namespace, name));
  }
}
