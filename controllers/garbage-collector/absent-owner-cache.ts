import { identityKey, type ObjectIdentity } from './identity.js';

/**
 * Owners verified absent (a live GET answered NotFound or another uid), so a second
 * dependent of the same dead owner needs no second GET. Bounded, least recently used
 * out first (kube keeps 500). Keys include the uid: a re-created owner of the same name
 * has another uid and is never mistaken for the absent one.
 */
export class AbsentOwnerCache {
  private readonly entries = new Map<string, true>();

  constructor(private readonly capacity = 500) {}

  add(id: ObjectIdentity): void {
    const key = identityKey(id);
    this.entries.delete(key);
    this.entries.set(key, true);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  has(id: ObjectIdentity): boolean {
    const key = identityKey(id);
    if (!this.entries.has(key)) return false;
    // Refresh recency.
    this.entries.delete(key);
    this.entries.set(key, true);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
