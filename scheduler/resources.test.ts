import { describe, expect, it } from 'vitest';
import { computePodNonZeroRequest, computePodResourceRequest, nodeAllocatable } from './resources.js';
import { makeNode, makePod } from './testing/builders.js';
import type { PodLike } from './types.js';

describe('computePodResourceRequest', () => {
  const cases: { name: string; pod: PodLike; cpu: number; memory: number; scalar?: Record<string, number> }[] = [
    { name: 'no containers requests', pod: makePod().req().obj(), cpu: 0, memory: 0 },
    { name: 'one container', pod: makePod().req({ cpu: '500m', memory: '1Gi' }).obj(), cpu: 500, memory: 2 ** 30 },
    {
      name: 'containers add up',
      pod: makePod().req({ cpu: '1', memory: '1G' }).req({ cpu: '250m', memory: '1G' }).obj(),
      cpu: 1250,
      memory: 2e9,
    },
    {
      // The kube example: init 2/1G and 2/3G, containers 2/1G + 1/1G → 3 cpu, 3G.
      name: 'init containers: the max per resource',
      pod: makePod().req({ cpu: '2', memory: '1G' }).req({ cpu: '1', memory: '1G' }).initReq({ cpu: '2', memory: '1G' }).initReq({ cpu: '2', memory: '3G' }).obj(),
      cpu: 3000,
      memory: 3e9,
    },
    {
      name: 'sidecars add to the containers and to later init containers',
      pod: makePod().req({ cpu: '1' }).initReq({ cpu: '500m' }, true).initReq({ cpu: '1200m' }).obj(),
      // sidecar runs with containers: 1.5; the later init runs with the sidecar: 1.7.
      cpu: 1700,
      memory: 0,
    },
    { name: 'overhead is added', pod: makePod().req({ cpu: '100m' }).overhead({ cpu: '250m', memory: '120Mi' }).obj(), cpu: 350, memory: 120 * 2 ** 20 },
    { name: 'cpu rounds up to a millicore', pod: makePod().req({ cpu: '0.0001' }).obj(), cpu: 1, memory: 0 },
    { name: 'memory rounds up to a byte', pod: makePod().req({ memory: '100m' }).obj(), cpu: 0, memory: 1 },
    { name: 'numbers are cores', pod: makePod().req({ cpu: 2 }).obj(), cpu: 2000, memory: 0 },
    {
      name: 'extended resources and hugepages are scalar; pods is ignored',
      pod: makePod().req({ 'example.com/gpu': 2, 'hugepages-2Mi': '4Mi', pods: 3 }).obj(),
      cpu: 0,
      memory: 0,
      scalar: { 'example.com/gpu': 2, 'hugepages-2Mi': 4 * 2 ** 20 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = computePodResourceRequest(c.pod);
      expect(r.milliCPU).toBe(c.cpu);
      expect(r.memory).toBe(c.memory);
      expect(r.pods).toBe(0);
      expect(Object.fromEntries(r.scalar)).toEqual(c.scalar ?? {});
    });
  }
});

describe('computePodNonZeroRequest', () => {
  it.each([
    ['no requests: 100m and 200Mi per container', makePod().req().req().obj(), 200, 400 * 2 ** 20],
    ['only cpu set: memory defaulted', makePod().req({ cpu: '1' }).obj(), 1000, 200 * 2 ** 20],
    ['an explicit zero stays zero', makePod().req({ cpu: '0', memory: '0' }).obj(), 0, 0],
  ] as const)('%s', (_n, pod, cpu, memory) => {
    expect(computePodNonZeroRequest(pod)).toEqual({ milliCPU: cpu, memory });
  });
});

describe('nodeAllocatable', () => {
  it('reads allocatable, falling back to capacity', () => {
    const node = makeNode('n').obj();
    node.status = { capacity: { cpu: '8', memory: '16Gi', pods: 110, 'nvidia.com/gpu': 4 }, allocatable: { cpu: '7500m' } };
    const a = nodeAllocatable(node);
    expect(a).toMatchObject({ milliCPU: 7500, memory: 16 * 2 ** 30, pods: 110 });
    expect(a.scalar.get('nvidia.com/gpu')).toBe(4);
  });
});
