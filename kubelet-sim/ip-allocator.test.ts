import { describe, expect, it } from 'vitest';
import { IpAllocator, parseCidr, sandboxExhaustedMessage } from './ip-allocator.js';

describe('parseCidr', () => {
  it.each([
    ['100.96.3.0/24', { base: (100 * 256 ** 3) + 96 * 65536 + 3 * 256, prefix: 24 }],
    ['100.96.3.77/24', { base: (100 * 256 ** 3) + 96 * 65536 + 3 * 256, prefix: 24 }],
    ['10.244.0.0/30', { base: 10 * 256 ** 3 + 244 * 65536, prefix: 30 }],
  ])('%s', (text, want) => expect(parseCidr(text)).toMatchObject(want));
  it.each(['', 'fd00::/64', '10.0.0.0', '10.0.0.0/31', '300.1.1.0/24'])('rejects %j', (text) => expect(parseCidr(text)).toBeUndefined());
});

describe('IpAllocator', () => {
  it('hands out .2 to .254 of a /24, each once, then nothing', () => {
    const a = new IpAllocator(parseCidr('100.96.1.0/24')!);
    const seen = new Set<string>();
    for (let i = 0; i < 253; i++) seen.add(a.allocate()!);
    expect(seen.size).toBe(253);
    expect(seen.has('100.96.1.2') && seen.has('100.96.1.254')).toBe(true);
    expect(seen.has('100.96.1.1') || seen.has('100.96.1.255') || seen.has('100.96.1.0')).toBe(false);
    expect(a.allocate()).toBeUndefined();
    expect(a.capacity()).toBe(253);
    expect(a.inUse()).toBe(253);
  });

  it('goes round-robin: a released address is not reused at once', () => {
    const a = new IpAllocator(parseCidr('10.1.0.0/29')!); // .2–.6
    expect([a.allocate(), a.allocate(), a.allocate()]).toEqual(['10.1.0.2', '10.1.0.3', '10.1.0.4']);
    a.release('10.1.0.2');
    expect(a.allocate()).toBe('10.1.0.5');
    expect(a.allocate()).toBe('10.1.0.6');
    expect(a.allocate()).toBe('10.1.0.2');
    expect(a.allocate()).toBeUndefined();
  });

  it('reserves existing addresses (rebuild) and refuses duplicates and strangers', () => {
    const a = new IpAllocator(parseCidr('10.1.0.0/29')!);
    expect(a.reserve('10.1.0.2')).toBe(true);
    expect(a.reserve('10.1.0.2')).toBe(false);
    expect(a.reserve('10.2.0.3')).toBe(false);
    expect(a.reserve('10.1.0.1')).toBe(false); // the gateway
    expect(a.allocate()).toBe('10.1.0.3');
    expect(a.inUse()).toBe(2);
  });

  it('prints the range as host-local does in its exhaustion error', () => {
    const a = new IpAllocator(parseCidr('100.96.7.0/24')!);
    expect(a.rangeText()).toBe('100.96.7.1-100.96.7.254');
    expect(sandboxExhaustedMessage('abc', a.rangeText())).toBe(
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: 100.96.7.1-100.96.7.254',
    );
  });
});
