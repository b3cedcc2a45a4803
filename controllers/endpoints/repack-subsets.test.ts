import { describe, expect, it } from 'vitest';
import type { EndpointSubset } from '../../api/core/endpoints.js';
import { repackSubsets } from './repack-subsets.js';

const a = (ip: string, uid = `u-${ip}`) => ({ ip, targetRef: { kind: 'Pod', uid } });
const p = (port: number, name?: string) => ({ port, protocol: 'TCP', ...(name ? { name } : {}) });

const cases: Array<{ name: string; in: EndpointSubset[]; want: EndpointSubset[] }> = [
  { name: 'empty', in: [], want: [] },
  {
    name: 'same port, many single-address subsets: merged and sorted',
    in: [{ addresses: [a('10.0.0.2')], ports: [p(80)] }, { addresses: [a('10.0.0.1')], ports: [p(80)] }],
    want: [{ addresses: [a('10.0.0.1'), a('10.0.0.2')], ports: [p(80)] }],
  },
  {
    name: 'same addresses on two ports: one subset with both ports',
    in: [{ addresses: [a('10.0.0.1')], ports: [p(443, 'https')] }, { addresses: [a('10.0.0.1')], ports: [p(80, 'http')] }],
    want: [{ addresses: [a('10.0.0.1')], ports: [p(80, 'http'), p(443, 'https')] }],
  },
  {
    name: 'different address sets per port: one subset per set',
    in: [
      { addresses: [a('10.0.0.1')], ports: [p(80, 'http')] },
      { addresses: [a('10.0.0.2')], ports: [p(80, 'http')] },
      { addresses: [a('10.0.0.1')], ports: [p(90, 'admin')] },
    ],
    want: [
      { addresses: [a('10.0.0.1'), a('10.0.0.2')], ports: [p(80, 'http')] },
      { addresses: [a('10.0.0.1')], ports: [p(90, 'admin')] },
    ],
  },
  {
    name: 'not ready trumps ready for the same address and port',
    in: [{ addresses: [a('10.0.0.1')], ports: [p(80)] }, { notReadyAddresses: [a('10.0.0.1')], ports: [p(80)] }],
    want: [{ notReadyAddresses: [a('10.0.0.1')], ports: [p(80)] }],
  },
  {
    name: 'same IP from two pods stays two addresses',
    in: [{ addresses: [a('10.0.0.1', 'x')], ports: [p(80)] }, { addresses: [a('10.0.0.1', 'y')], ports: [p(80)] }],
    want: [{ addresses: [a('10.0.0.1', 'x'), a('10.0.0.1', 'y')], ports: [p(80)] }],
  },
  {
    name: 'subsets without ports keep their addresses',
    in: [{ addresses: [a('10.0.0.2')] }, { notReadyAddresses: [a('10.0.0.1')] }],
    want: [{ addresses: [a('10.0.0.2')], notReadyAddresses: [a('10.0.0.1')] }],
  },
];

describe('repackSubsets', () => {
  it.each(cases)('$name', ({ in: input, want }) => {
    const before = JSON.stringify(input);
    expect(repackSubsets(input)).toEqual(want);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('is idempotent', () => {
    const once = repackSubsets(cases[3]!.in);
    expect(repackSubsets(once)).toEqual(once);
  });
});
