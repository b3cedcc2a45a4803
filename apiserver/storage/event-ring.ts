import type { StoreWatchEvent } from './store.js';

/**
 * The watch cache's history: the last `capacity` events in revision order, in a fixed
 * ring. `floor` is the revision after which the ring is complete: every event with a
 * revision above floor that the cache has seen is in it, so a watch from afterRevision >=
 * floor can be served from memory.
 */
export class EventRing {
  private readonly slots: Array<StoreWatchEvent | undefined>;
  private head = 0; // index of the oldest event
  private size = 0;
  floor: number;

  constructor(
    readonly capacity: number,
    floor: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.slots = new Array(capacity);
    this.floor = floor;
  }

  get length(): number {
    return this.size;
  }

  push(event: StoreWatchEvent): void {
    if (this.size === this.capacity) this.dropOldest();
    this.slots[(this.head + this.size) % this.capacity] = event;
    this.size++;
  }

  /** Events with modRevision > revision, oldest first (revision must be >= floor). */
  since(revision: number): StoreWatchEvent[] {
    // Binary search for the first event above revision.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).modRevision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const out: StoreWatchEvent[] = [];
    for (let i = lo; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /** Forgets history at or before revision (after a compaction) and raises the floor. */
  trimThrough(revision: number): void {
    while (this.size > 0 && this.at(0).modRevision <= revision) this.dropOldest();
    this.floor = Math.max(this.floor, revision);
  }

  private at(i: number): StoreWatchEvent {
    return this.slots[(this.head + i) % this.capacity]!;
  }

  private dropOldest(): void {
    this.floor = Math.max(this.floor, this.at(0).modRevision);
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }
}
