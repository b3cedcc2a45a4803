import { describe, expect, it } from 'vitest';
import { RememberedStates } from './remembered-states.js';

const kv = (key: string, value: string, rev = 1) => ({ key, value, createRevision: 1, modRevision: rev });

describe('RememberedStates', () => {
  it('keeps the latest state of each key and counts its bytes', () => {
    const r = new RememberedStates(1000);
    r.set(kv('/a', 'x'.repeat(100), 1));
    r.set(kv('/a', 'y'.repeat(50), 2));
    expect(r.get('/a')).toMatchObject({ modRevision: 2 });
    expect(r.size).toBe(1);
    expect(r.heldBytes).toBe(2 + 50);
    r.delete('/a');
    expect(r.get('/a')).toBeUndefined();
    expect(r.heldBytes).toBe(0);
    r.delete('/missing');
    expect(r.heldBytes).toBe(0);
  });

  it('drops the least recently set states when over its byte budget', () => {
    const r = new RememberedStates(300);
    for (const k of ['/a', '/b', '/c']) r.set(kv(k, 'v'.repeat(98)));
    expect(r.size).toBe(3);
    r.set(kv('/a', 'w'.repeat(98), 2)); // /a is the newest now
    r.set(kv('/d', 'v'.repeat(98)));
    expect(r.get('/b')).toBeUndefined();
    expect(r.get('/a')?.modRevision).toBe(2);
    expect(r.get('/c')).toBeDefined();
    expect(r.get('/d')).toBeDefined();
    expect(r.heldBytes).toBeLessThanOrEqual(300);
  });

  it('does not hold a value larger than the whole budget', () => {
    const r = new RememberedStates(100);
    r.set(kv('/small', 'x'));
    r.set(kv('/big', 'x'.repeat(200)));
    expect(r.get('/big')).toBeUndefined();
    expect(r.get('/small')).toBeDefined();
  });
});
