import { describe, expect, it } from 'vitest';
import { makeNode } from '../testing/builders.js';
import { computeZoneState, taintingRate, zoneKey, zoneSnapshot } from './zones.js';

const rates = { nodeEvictionRate: 0.1, secondaryNodeEvictionRate: 0.01, largeClusterSizeThreshold: 50 };

describe('computeZoneState', () => {
  it.each([
    { ready: ['True', 'True', 'Unknown'], state: 'Normal' },
    { ready: ['Unknown'], state: 'FullDisruption' },
    { ready: [undefined, 'False'], state: 'FullDisruption' },
    { ready: ['True', 'Unknown', 'Unknown'], state: 'Normal' }, // not more than 2 unhealthy
    { ready: ['True', 'Unknown', 'Unknown', 'False'], state: 'PartialDisruption' },
    { ready: ['True', 'True', 'Unknown', 'Unknown', 'False'], state: 'PartialDisruption' }, // 60 %
    { ready: ['True', 'True', 'True', 'Unknown', 'Unknown', 'False'], state: 'Normal' }, // 50 %
    { ready: [], state: 'Normal' },
  ])('$ready → $state', ({ ready, state }) => {
    expect(computeZoneState(ready, 0.55).state).toBe(state);
  });
});

describe('taintingRate', () => {
  it.each([
    { state: 'Normal', size: 3, all: false, rate: 0.1 },
    { state: 'FullDisruption', size: 3, all: false, rate: 0.1 },
    { state: 'FullDisruption', size: 3, all: true, rate: 0 },
    { state: 'PartialDisruption', size: 50, all: false, rate: 0 },
    { state: 'PartialDisruption', size: 51, all: false, rate: 0.01 },
  ] as const)('$state, $size nodes, all disrupted $all → $rate', ({ state, size, all, rate }) => {
    expect(taintingRate(state, size, all, rates)).toBe(rate);
  });
});

describe('zones', () => {
  it('keys by region and zone, GA or beta labels', () => {
    expect(zoneKey(makeNode('a').obj())).toBe('');
    expect(zoneKey(makeNode('a').zone('z1').label('topology.kubernetes.io/region', 'r1').obj())).toBe('r1:\u0000:z1');
    expect(zoneKey(makeNode('a').label('failure-domain.beta.kubernetes.io/zone', 'old').zone('new').obj())).toBe(':\u0000:old');
  });

  it('snapshots zones and notices when all are down, ignoring excluded nodes', () => {
    const nodes = [
      makeNode('a').zone('z1').ready('Unknown').obj(),
      makeNode('b').zone('z2').ready('Unknown').obj(),
      makeNode('c').zone('z2').ready('True').label('node.kubernetes.io/exclude-disruption', '').obj(),
    ];
    const snap = zoneSnapshot(nodes, (n) => n.status!.conditions![0]!.status, 0.55);
    expect(snap.allFullyDisrupted).toBe(true);
    expect(snap.states.get(':\u0000:z2')).toEqual({ state: 'FullDisruption', size: 1 });
    const healthy = zoneSnapshot([...nodes, makeNode('d').zone('z2').ready('True').obj()], (n) => n.status!.conditions![0]!.status, 0.55);
    expect(healthy.allFullyDisrupted).toBe(false);
    expect(healthy.states.get(':\u0000:z1')!.state).toBe('FullDisruption');
  });
});
