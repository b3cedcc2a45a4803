import { describe, expect, it } from 'vitest';
import { KeyedHeap } from './keyed-heap.js';

interface Item {
  v: number;
}

const drain = (h: KeyedHeap<Item>): number[] => {
  const out: number[] = [];
  for (let it = h.pop(); it; it = h.pop()) out.push(it.v);
  return out;
};

describe('KeyedHeap', () => {
  it('pops in order, whatever the push order', () => {
    const h = new KeyedHeap<Item>((a, b) => a.v < b.v);
    const values = [5, 3, 9, 1, 7, 2, 8, 6, 4, 0];
    values.forEach((v) => h.push(`k${v}`, { v }));
    expect(h.size).toBe(10);
    expect(h.peek()!.v).toBe(0);
    expect(drain(h)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(h.pop()).toBeUndefined();
  });

  it('deletes by key from anywhere and keeps the order of the rest', () => {
    const h = new KeyedHeap<Item>((a, b) => a.v < b.v);
    for (let v = 0; v < 20; v++) h.push(`k${v}`, { v });
    expect(h.delete('k7')!.v).toBe(7);
    expect(h.delete('k0')!.v).toBe(0);
    expect(h.delete('k19')!.v).toBe(19);
    expect(h.delete('missing')).toBeUndefined();
    expect(h.has('k7')).toBe(false);
    expect(drain(h)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
  });

  it('replaces the item held under a key and re-sifts it', () => {
    const h = new KeyedHeap<Item>((a, b) => a.v < b.v);
    for (let v = 0; v < 5; v++) h.push(`k${v}`, { v });
    h.push('k0', { v: 10 });
    h.push('k4', { v: -1 });
    expect(h.size).toBe(5);
    expect(h.get('k4')!.v).toBe(-1);
    expect(drain(h)).toEqual([-1, 1, 2, 3, 10]);
  });
});
