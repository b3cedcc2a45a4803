/**
 * Hash-consing for decoded API objects held in informer caches: equal JSON values are
 * kept once and shared (frozen), so 10,000 pods of one Deployment hold one copy of their
 * containers, probes, env, labels and image names instead of 10,000.
 *
 * Why: a decoded object owns every string and sub-object it holds (JSON.parse and
 * structuredClone never share string values), and a simulated kubelet caching every
 * pod of 1,000 nodes spent about 90 % of its heap on those copies.
 *
 * Contract:
 * - `value(v)` returns a deep-equal value whose objects and arrays are frozen and may be
 *   shared with other callers' results: never mutate it (informer caches are read-only
 *   anyway; clone before you change). `copy(v)` does the same for v's members but gives a
 *   fresh, unfrozen root, for objects that are unique anyway (a pod's metadata, status).
 * - Only plain JSON data is shared (objects with Object.prototype or null prototype,
 *   arrays, strings, numbers, booleans, null, undefined); anything else (a Date, a
 *   Buffer, a class instance) is returned as it is and makes its parents unshareable.
 * - Memory is bounded by what is live: shared objects are held weakly (the table drops
 *   the dead ones when it has doubled), strings in a two-generation table of at most
 *   2 × `stringCapacity` entries (a string missing from it is merely not shared).
 */
export interface InternerOptions {
  /**
   * Strings remembered per generation; default 4,096. Strings in common (image names,
   * namespaces, condition types) are met again and again and stay; unique ones (uids,
   * IPs) pass through, so a small table is enough and costs little.
   */
  stringCapacity?: number;
}

export class Interner {
  private young = new Map<string, string>();
  private old = new Map<string, string>();
  private readonly stringCapacity: number;
  /** Structural hash → the live shared value(s) with that hash. */
  private readonly table = new Map<number, WeakRef<object> | WeakRef<object>[]>();
  private sweepAt = 1024;
  /** Hash of the value the last `intern` call returned (the recursion's second result). */
  private h = 0;
  /** False when the value `intern` last returned cannot be shared (holds a non-JSON object). */
  private plain = true;

  constructor(opts: InternerOptions = {}) {
    this.stringCapacity = Math.max(16, opts.stringCapacity ?? 4096);
  }

  /** The shared instance of a string equal to s. */
  string(s: string): string {
    const hit = this.young.get(s);
    if (hit !== undefined) return hit;
    const aged = this.old.get(s);
    const kept = aged ?? s;
    if (this.young.size >= this.stringCapacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(kept, kept);
    return kept;
  }

  /** A deep-equal, frozen, possibly shared value. */
  value<T>(v: T): T {
    return this.intern(v) as T;
  }

  /** A fresh (unfrozen, unshared) copy of a plain object whose members are interned; anything else as `value`. */
  copy<T>(v: T): T {
    if (!isPlainObject(v)) return this.value(v);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setMember(out, this.string(k), this.intern((v as Record<string, unknown>)[k]));
    return out as T;
  }

  /** Shared objects currently tracked (live or not yet swept); for tests and benchmarks. */
  size(): number {
    return this.table.size;
  }

  private intern(v: unknown): unknown {
    switch (typeof v) {
      case 'string':
        this.h = hashString(v);
        this.plain = true;
        return this.string(v);
      case 'number':
        this.h = Number.isInteger(v) ? mix(0x6e756d, v | 0) : hashString(String(v));
        this.plain = true;
        return v;
      case 'boolean':
        this.h = v ? 0x74727565 : 0x66616c73;
        this.plain = true;
        return v;
      case 'undefined':
        this.h = 0x756e6466;
        this.plain = true;
        return v;
      case 'object':
        break;
      default:
        // bigint, symbol, function: not JSON; kept as is.
        this.h = 0x6f746872;
        this.plain = false;
        return v;
    }
    if (v === null) {
      this.h = 0x6e756c6c;
      this.plain = true;
      return v;
    }
    if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      let h = mix(0x61727261, v.length);
      let plain = true;
      for (let i = 0; i < v.length; i++) {
        out[i] = this.intern(v[i]);
        h = mix(h, this.h);
        plain &&= this.plain;
      }
      return this.share(out, h, plain);
    }
    if (!isPlainObject(v)) {
      this.h = 0x6f626a63;
      this.plain = false;
      return v;
    }
    const out: Record<string, unknown> = {};
    let h = 0x6f626a;
    let plain = true;
    for (const k of Object.keys(v)) {
      const member = this.intern((v as Record<string, unknown>)[k]);
      h = mix(mix(h, hashString(k)), this.h);
      plain &&= this.plain;
      setMember(out, this.string(k), member);
    }
    return this.share(out, h, plain);
  }

  /** The live shared value equal to `fresh` (whose members are already shared), or `fresh`, now frozen and shared. */
  private share(fresh: object, h: number, plain: boolean): object {
    this.h = h;
    this.plain = plain;
    if (!plain) return fresh;
    const key = h & 0x3fffffff;
    const slot = this.table.get(key);
    if (slot !== undefined) {
      const refs = Array.isArray(slot) ? slot : [slot];
      for (const ref of refs) {
        const live = ref.deref();
        if (live !== undefined && shallowEqual(live, fresh)) return live;
      }
    }
    Object.freeze(fresh);
    const ref = new WeakRef(fresh);
    if (slot === undefined) this.table.set(key, ref);
    else if (Array.isArray(slot)) slot.push(ref);
    else this.table.set(key, [slot, ref]);
    if (this.table.size >= this.sweepAt) this.sweep();
    return fresh;
  }

  /** Drops entries whose values were collected; the next sweep waits until the table doubles. */
  private sweep(): void {
    for (const [key, slot] of this.table) {
      if (Array.isArray(slot)) {
        const live = slot.filter((r) => r.deref() !== undefined);
        if (live.length === 0) this.table.delete(key);
        else this.table.set(key, live.length === 1 ? live[0]! : live);
      } else if (slot.deref() === undefined) this.table.delete(key);
    }
    this.sweepAt = Math.max(1024, this.table.size * 2);
  }
}

/** out[k] = v, also for a member named `__proto__` (JSON.parse makes it an own property; assignment would set the prototype). */
function setMember(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Same members, same order; members are shared values, so identity is equality. */
function shallowEqual(a: object, b: object): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || (a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  }
  return true;
}

function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193) ^ (h >>> 15);
}

/** FNV-1a over the UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
