import { describe, expect, it } from 'vitest';
import { HostPortSet, newPodInfo, podHostPorts } from './node-info.js';
import { makeNode, makeNodeInfo, makePod } from './testing/builders.js';

describe('NodeInfo', () => {
  it('keeps running totals as pods come and go', () => {
    const a = makePod('a').uid('a').req({ cpu: '500m', memory: '1Gi', 'example.com/gpu': 1 }).hostPort(80).obj();
    const b = makePod('b').uid('b').req().obj();
    const ni = makeNodeInfo(makeNode('n1').alloc({ cpu: '4', memory: '8Gi', pods: 110 }).obj(), a, b);
    expect(ni.requested).toMatchObject({ milliCPU: 500, memory: 2 ** 30, pods: 2 });
    expect(ni.requested.scalar.get('example.com/gpu')).toBe(1);
    // b requests nothing: 100m / 200Mi for scoring.
    expect(ni.nonZeroRequested).toMatchObject({ milliCPU: 600, memory: 2 ** 30 + 200 * 2 ** 20, pods: 2 });
    expect(ni.usedPorts.size).toBe(1);
    expect(ni.allocatable).toMatchObject({ milliCPU: 4000, memory: 8 * 2 ** 30, pods: 110 });

    const gen = ni.generation;
    expect(ni.removePod('a')).toBe(true);
    expect(ni.removePod('a')).toBe(false);
    expect(ni.requested).toMatchObject({ milliCPU: 0, memory: 0, pods: 1 });
    expect(ni.requested.scalar.size).toBe(0);
    expect(ni.usedPorts.size).toBe(0);
    expect(ni.generation).toBeGreaterThan(gen);
  });

  it('re-adding a pod with the same key replaces it', () => {
    const ni = makeNodeInfo(makeNode('n1').obj());
    ni.addPod(newPodInfo(makePod('a').uid('a').req({ cpu: '1' }).obj()));
    ni.addPod(newPodInfo(makePod('a').uid('a').req({ cpu: '2' }).obj()));
    expect(ni.requested).toMatchObject({ milliCPU: 2000, pods: 1 });
  });
});

describe('podHostPorts', () => {
  it('collects host ports of containers and sidecars with defaults', () => {
    const pod = makePod().hostPort(80).hostPort(53, 'UDP', '10.0.0.1').obj();
    pod.spec.initContainers = [
      { name: 'side', restartPolicy: 'Always', ports: [{ containerPort: 9000, hostPort: 9000 }] },
      { name: 'init', ports: [{ containerPort: 9001, hostPort: 9001 }] },
    ];
    pod.spec.containers.push({ name: 'noport', ports: [{ containerPort: 8080 }] });
    expect(podHostPorts(pod)).toEqual([
      { ip: '0.0.0.0', protocol: 'TCP', port: 80 },
      { ip: '10.0.0.1', protocol: 'UDP', port: 53 },
      { ip: '0.0.0.0', protocol: 'TCP', port: 9000 },
    ]);
  });
});

describe('HostPortSet.conflicts', () => {
  const cases = [
    { name: 'same ip, protocol, port', used: [['10.0.0.1', 'TCP', 80]], want: ['10.0.0.1', 'TCP', 80], conflict: true },
    { name: 'different protocol', used: [['0.0.0.0', 'TCP', 80]], want: ['0.0.0.0', 'UDP', 80], conflict: false },
    { name: 'different port', used: [['0.0.0.0', 'TCP', 80]], want: ['0.0.0.0', 'TCP', 81], conflict: false },
    { name: 'wanted any-address vs used specific', used: [['10.0.0.1', 'TCP', 80]], want: ['0.0.0.0', 'TCP', 80], conflict: true },
    { name: 'wanted specific vs used any-address', used: [['0.0.0.0', 'TCP', 80]], want: ['10.0.0.2', 'TCP', 80], conflict: true },
    { name: 'two specific addresses', used: [['10.0.0.1', 'TCP', 80]], want: ['10.0.0.2', 'TCP', 80], conflict: false },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const s = new HostPortSet();
      for (const [ip, protocol, port] of c.used) s.add({ ip, protocol, port });
      const [ip, protocol, port] = c.want;
      expect(s.conflicts({ ip, protocol, port })).toBe(c.conflict);
    });
  }

  it('is reference-counted', () => {
    const s = new HostPortSet();
    const p = { ip: '0.0.0.0', protocol: 'TCP', port: 80 };
    s.add(p);
    s.add(p);
    s.remove(p);
    expect(s.conflicts(p)).toBe(true);
    s.remove(p);
    expect(s.conflicts(p)).toBe(false);
  });
});
