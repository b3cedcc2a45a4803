import type { KeyValue } from '../storage/store.js';

/**
 * The last state this apiserver wrote or read of each key, so that an update can start
 * from it and let the compare-and-swap catch a stale one (kube-apiserver's GuaranteedUpdate
 * takes the same shortcut from its watch cache). One instance is shared by every kind's
 * registry; storage keys carry the resource, so they never collide.
 *
 * Bounded by the bytes of the stored values it holds (keys count too), least recently
 * used dropped first: kube-apiserver keeps every object in its cache, we keep the busy
 * ones up to a budget (default 64 MiB ≈ 25,000 typical pods).
 */
export class RememberedStates {
  private readonly states = new Map<string, KeyValue>();
  private bytes = 0;

  constructor(readonly budgetBytes = 64 * 2 ** 20) {}

  get(key: string): KeyValue | undefined {
    return this.states.get(key);
  }

  /** Remembers `kv` as the most recent state of its key. */
  set(kv: KeyValue): void {
    this.delete(kv.key);
    const size = sizeOf(kv);
    if (size > this.budgetBytes) return;
    this.states.set(kv.key, kv);
    this.bytes += size;
    while (this.bytes > this.budgetBytes) {
      const oldest = this.states.keys().next().value!;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const old = this.states.get(key);
    if (!old) return;
    this.states.delete(key);
    this.bytes -= sizeOf(old);
  }

  get size(): number {
    return this.states.size;
  }

  /** Bytes held (string lengths: UTF-16 units, close enough for a budget). */
  get heldBytes(): number {
    return this.bytes;
  }
}

function sizeOf(kv: KeyValue): number {
  return kv.key.length + kv.value.length;
}
