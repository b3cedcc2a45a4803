import { describe, expect, it } from 'vitest';
import { CidrError, CidrSet, formatCidr, parseCidr } from './cidr-set.js';

describe('parseCidr', () => {
  it.each([
    ['100.96.0.0/16', '100.96.0.0/16'],
    ['100.96.7.9/16', '100.96.0.0/16'],
    ['10.0.0.1/32', '10.0.0.1/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['255.255.255.255/24', '255.255.255.0/24'],
  ])('%s → %s', (input, want) => {
    expect(formatCidr(parseCidr(input))).toBe(want);
  });

  it.each(['100.96.0.0', '100.96.0/16', '300.1.1.1/8', '1.2.3.4/33', 'fd00::/64', ''])('rejects %j', (input) => {
    expect(() => parseCidr(input)).toThrow(CidrError);
  });
});

describe('CidrSet', () => {
  it.each([
    // cluster, mask, expected allocations in order
    { cluster: '100.96.0.0/16', mask: 24, first: ['100.96.0.0/24', '100.96.1.0/24', '100.96.2.0/24'], capacity: 256 },
    { cluster: '10.0.0.0/28', mask: 30, first: ['10.0.0.0/30', '10.0.0.4/30', '10.0.0.8/30', '10.0.0.12/30'], capacity: 4 },
    { cluster: '192.168.0.0/24', mask: 24, first: ['192.168.0.0/24'], capacity: 1 },
    { cluster: '10.0.0.0/8', mask: 24, first: ['10.0.0.0/24', '10.0.1.0/24'], capacity: 65536 },
  ])('allocates $cluster in /$mask subnets', ({ cluster, mask, first, capacity }) => {
    const set = new CidrSet(cluster, mask);
    expect(set.capacity).toBe(capacity);
    expect(first.map(() => set.allocateNext())).toEqual(first);
  });

  it('runs out, never hands out a duplicate, and reuses only released subnets', () => {
    const set = new CidrSet('10.0.0.0/28', 30);
    const got = [set.allocateNext(), set.allocateNext(), set.allocateNext(), set.allocateNext()];
    expect(new Set(got).size).toBe(4);
    expect(set.allocateNext()).toBeUndefined();
    expect(set.usedCount).toBe(4);
    set.release('10.0.0.4/30');
    expect(set.allocateNext()).toBe('10.0.0.4/30');
    expect(set.allocateNext()).toBeUndefined();
  });

  it('continues after the last allocation rather than reusing a just-freed subnet', () => {
    const set = new CidrSet('10.0.0.0/28', 30);
    expect(set.allocateNext()).toBe('10.0.0.0/30');
    expect(set.allocateNext()).toBe('10.0.0.4/30');
    set.release('10.0.0.0/30');
    expect(set.allocateNext()).toBe('10.0.0.8/30');
    expect(set.allocateNext()).toBe('10.0.0.12/30');
    expect(set.allocateNext()).toBe('10.0.0.0/30'); // wraps round
  });

  it('skips occupied subnets (rebuilt from existing nodes)', () => {
    const set = new CidrSet('100.96.0.0/16', 24);
    set.occupy('100.96.0.0/24');
    set.occupy('100.96.1.0/24');
    set.occupy('100.96.3.0/24');
    expect([set.allocateNext(), set.allocateNext()]).toEqual(['100.96.2.0/24', '100.96.4.0/24']);
    expect(set.usedCount).toBe(5);
  });

  it.each([
    // occupied CIDR, subnets it marks
    { cidr: '10.0.0.0/29', marks: ['10.0.0.0/30', '10.0.0.4/30'] },
    { cidr: '10.0.0.9/32', marks: ['10.0.0.8/30'] },
    { cidr: '10.0.0.0/8', marks: ['10.0.0.0/30', '10.0.0.4/30', '10.0.0.8/30', '10.0.0.12/30'] },
  ])('occupy($cidr) marks every overlapped subnet', ({ cidr, marks }) => {
    const set = new CidrSet('10.0.0.0/28', 30);
    set.occupy(cidr);
    expect(set.usedCount).toBe(marks.length);
    for (const m of marks) expect(set.isOccupied(m)).toBe(true);
  });

  it('rejects CIDRs outside the cluster range and bad mask sizes', () => {
    const set = new CidrSet('100.96.0.0/16', 24);
    expect(() => set.occupy('10.0.0.0/24')).toThrow(/out of the range/);
    expect(() => set.release('10.0.0.0/24')).toThrow(CidrError);
    expect(set.isOccupied('10.0.0.0/24')).toBe(false);
    expect(() => new CidrSet('100.96.0.0/16', 8)).toThrow(CidrError);
    expect(() => new CidrSet('10.0.0.0/8', 25)).toThrow(/at most 2\^16/);
  });

  it('occupying twice and releasing a free subnet keep the count right', () => {
    const set = new CidrSet('10.0.0.0/28', 30);
    set.occupy('10.0.0.0/30');
    set.occupy('10.0.0.0/30');
    set.release('10.0.0.4/30');
    expect(set.usedCount).toBe(1);
  });
});
