import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock.js';
import { parseLoadProfile, type LoadProfile } from './profile.js';
import { NODE_SYSTEM_CPU, UsageModel, type ContainerView, type NodeView } from './usage-model.js';

const Mi = 2 ** 20;

function profile(text: string): LoadProfile {
  return (parseLoadProfile(text) as { profile: LoadProfile }).profile;
}

/** A node n1 with the given containers (one pod each, uid = container name). */
function setup(containers: Array<Partial<ContainerView> & { name: string }>, cpuCapacity = 4) {
  const clock = new FakeClock();
  const t0 = clock.now();
  const ooms: string[] = [];
  const view = (): NodeView => ({
    name: 'n1',
    cpuCapacity,
    memoryCapacity: 8 * 2 ** 30,
    startedAtMs: t0,
    pods: containers.map((c) => ({
      uid: c.name,
      namespace: 'default',
      name: `pod-${c.name}`,
      startedAtMs: t0,
      containers: [{ image: 'registry.k8s.io/hpa-example', startedAtMs: t0, cpuRequest: 0.2, ...c }],
    })),
  });
  const model = new UsageModel({
    clock,
    source: (n) => (n === 'n1' ? view() : undefined),
    nodeOf: () => 'n1',
    onOomKill: (uid, c) => ooms.push(`${uid}/${c}`),
  });
  model.sample('n1');
  return { clock, model, ooms, t0 };
}

const cores = (model: UsageModel, name: string) => model.sample('n1')!.pods.find((p) => p.uid === name)!.containers[0]!;

describe('UsageModel', () => {
  it('idle: the image baseline, integrated into a cumulative counter', () => {
    const { clock, model } = setup([{ name: 'a' }]);
    clock.advance(60_000);
    const c = cores(model, 'a');
    expect(c.cpuCores).toBeCloseTo(0.001, 9);
    expect(c.cpuSecondsTotal).toBeCloseTo(0.06, 6);
    expect(c.memoryBytes).toBe(10 * Mi);
  });

  it('served requests add requests × CPU per request', () => {
    const { clock, model, t0 } = setup([{ name: 'a' }]);
    // 20 requests/s at 10 ms of CPU each: 200m, over the last 5 s window.
    for (let i = 0; i < 200; i++) model.record({ namespace: 'default', pod: 'pod-a', podUid: 'a', container: 'a', cpuSeconds: 0.01, memoryBytes: 0, atMs: t0 + 5_000 + i * 50 });
    clock.advance(14_999);
    const c = cores(model, 'a');
    expect(c.cpuCores).toBeCloseTo(0.201, 6);
    expect(c.requestsTotal).toBe(200);
    expect(model.latencyFactor('a', 'a')).toBe(1);
  });

  it('a load profile over injected time', () => {
    const { clock, model } = setup([{ name: 'a', profile: profile('{type: steps, steps: [{after: 30s, cpu: 500m, memory: 20Mi}]}') }]);
    clock.advance(10_000);
    expect(cores(model, 'a').cpuCores).toBeCloseTo(0.001, 9);
    clock.advance(30_000);
    const c = cores(model, 'a');
    expect(c.cpuCores).toBeCloseTo(0.501, 9);
    expect(c.memoryBytes).toBe(30 * Mi);
    // 30 s idle, then 10 s at 501m.
    expect(c.cpuSecondsTotal).toBeCloseTo(0.03 + 5.01, 2);
  });

  it('the CPU limit throttles, and the data path is told to slow down', () => {
    const { clock, model } = setup([{ name: 'a', cpuLimit: 0.5, profile: profile('{type: constant, cpu: 1999m}') }]);
    clock.advance(10_000);
    const c = cores(model, 'a');
    expect(c.cpuCores).toBeCloseTo(0.5, 9);
    expect(c.cpuSecondsTotal).toBeCloseTo(5, 6);
    expect(model.latencyFactor('a', 'a')).toBeCloseTo(4, 9);
  });

  it('a saturated node is shared by CPU requests', () => {
    const { clock, model } = setup(
      [
        { name: 'big', cpuRequest: 0.75, profile: profile('{type: constant, cpu: 4}') },
        { name: 'small', cpuRequest: 0.25, profile: profile('{type: constant, cpu: 4}') },
      ],
      2 + NODE_SYSTEM_CPU,
    );
    clock.advance(10_000);
    expect(cores(model, 'big').cpuCores).toBeCloseTo(1.5, 6);
    expect(cores(model, 'small').cpuCores).toBeCloseTo(0.5, 6);
    const node = model.sample('n1')!;
    expect(node.cpuCores).toBeCloseTo(2 + NODE_SYSTEM_CPU, 6);
  });

  it('memory over the limit is an OOM kill, reported once per run', () => {
    const { clock, model, ooms } = setup([
      { name: 'a', memoryLimit: 64 * Mi, profile: profile('{type: steps, steps: [{after: 20s, memory: 100Mi}]}') },
      { name: 'b', memoryLimit: 64 * Mi },
    ]);
    clock.advance(10_000);
    model.sample('n1');
    expect(ooms).toEqual([]);
    clock.advance(15_000);
    model.sample('n1');
    model.sample('n1');
    expect(ooms).toEqual(['a/a']);
  });

  it('a restarted container starts its counter again', () => {
    let started = 0;
    const clock = new FakeClock();
    started = clock.now();
    const model = new UsageModel({
      clock,
      nodeOf: () => 'n1',
      source: () => ({
        name: 'n1',
        cpuCapacity: 4,
        memoryCapacity: 2 ** 30,
        startedAtMs: 0,
        pods: [{ uid: 'u', namespace: 'd', name: 'p', startedAtMs: 0, containers: [{ name: 'c', image: 'nginx', startedAtMs: started, cpuRequest: 0 }] }],
      }),
    });
    model.sample('n1');
    clock.advance(100_000);
    expect(model.sample('n1')!.pods[0]!.containers[0]!.cpuSecondsTotal).toBeCloseTo(0.1, 6);
    started = clock.now();
    clock.advance(10_000);
    expect(model.sample('n1')!.pods[0]!.containers[0]!.cpuSecondsTotal).toBeCloseTo(0.01, 6);
  });

  it('an unknown node has no sample', () => {
    const { model } = setup([]);
    expect(model.sample('n9')).toBeUndefined();
  });
});
