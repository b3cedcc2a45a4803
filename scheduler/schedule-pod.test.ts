import { describe, expect, it } from 'vitest';
import { isScheduleFailure, numFeasibleNodesToFind, schedulePod, seededRandom, selectHost, type ScheduleResult } from './schedule-pod.js';
import { defaultProfile, profileForPod } from './profile.js';
import { Snapshot } from './snapshot.js';
import { makeNode, makePod } from './testing/builders.js';
import type { NodeLike, PodLike } from './types.js';
import { nodeNamePlugin } from './plugins/node-name.js';

const small = (name: string) => makeNode(name).alloc({ cpu: '2', memory: '4Gi', pods: 110 });

function cluster(nodes: NodeLike[], pods: PodLike[] = []): Snapshot {
  const s = new Snapshot();
  for (const n of nodes) s.addNode(n);
  for (const p of pods) s.addPod(p);
  return s;
}

function nodeOf(r: ScheduleResult): string {
  if (isScheduleFailure(r)) throw new Error(r.error.message);
  return r.nodeName;
}

function messageOf(r: ScheduleResult): string {
  if (!isScheduleFailure(r)) throw new Error(`scheduled to ${r.nodeName}`);
  return r.error.message;
}

const noPreemption = defaultProfile({ preemption: false });

describe('schedulePod: FitError messages', () => {
  it('fits nowhere: the exact kube message', () => {
    const s = cluster([small('a').obj(), small('b').obj(), small('c').obj()]);
    const r = schedulePod(makePod().req({ cpu: '3' }).obj(), s, noPreemption);
    expect(messageOf(r)).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    if (isScheduleFailure(r)) {
      expect(r.error.kind).toBe('Unschedulable');
      expect([...r.error.diagnosis.unschedulablePlugins]).toEqual(['NodeResourcesFit']);
    }
  });

  it('with the default profile: the preemption suffix kube prints', () => {
    const s = cluster([
      small('cp').taint('node-role.kubernetes.io/control-plane').obj(),
      ...['w1', 'w2', 'w3', 'w4'].map((n) => small(n).obj()),
    ]);
    const r = schedulePod(makePod().req({ memory: '5Gi' }).obj(), s, defaultProfile());
    expect(messageOf(r)).toBe(
      '0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 4 Insufficient memory. ' +
        'preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod.',
    );
  });

  it('all resource failures: every node without victims', () => {
    const s = cluster(['a', 'b', 'c', 'd', 'e'].map((n) => small(n).obj()));
    expect(messageOf(schedulePod(makePod().req({ memory: '5Gi' }).obj(), s, defaultProfile()))).toBe(
      '0/5 nodes are available: 5 Insufficient memory. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.',
    );
  });

  it('the first failing filter decides a node', () => {
    // Cordoned and too small: only the cordon is reported for that node.
    const s = cluster([small('a').unschedulable().obj(), small('b').obj()]);
    expect(messageOf(schedulePod(makePod().req({ cpu: '3' }).obj(), s, noPreemption))).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.',
    );
  });

  it('no nodes at all', () => {
    const r = schedulePod(makePod().obj(), new Snapshot(), defaultProfile());
    expect(isScheduleFailure(r) && r.error).toMatchObject({ kind: 'NoNodesAvailable', message: 'no nodes available to schedule pods' });
  });

  it('PreFilter conflict', () => {
    const s = cluster([small('a').obj(), small('b').obj()]);
    const pod = makePod()
      .requiredTerm([], [
        { key: 'metadata.name', operator: 'In', values: ['a'] },
        { key: 'metadata.name', operator: 'In', values: ['b'] },
      ])
      .obj();
    expect(messageOf(schedulePod(pod, s, defaultProfile()))).toBe(
      '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('a node pinned by matchFields (DaemonSet style) that is full', () => {
    const s = cluster(['a', 'b', 'c'].map((n) => small(n).obj()), [makePod('x').uid('x').node('b').req({ cpu: '2' }).obj()]);
    const pod = makePod().req({ cpu: '1' }).requiredTerm([], [{ key: 'metadata.name', operator: 'In', values: ['b'] }]).obj();
    const r = schedulePod(pod, s, noPreemption);
    expect(messageOf(r)).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });
});

describe('schedulePod: placement', () => {
  it('picks the least allocated node', () => {
    const s = cluster(
      ['a', 'b', 'c'].map((n) => small(n).obj()),
      [makePod('x').uid('x').node('a').req({ cpu: '1', memory: '1Gi' }).obj(), makePod('y').uid('y').node('c').req({ cpu: '500m', memory: '512Mi' }).obj()],
    );
    const r = schedulePod(makePod().req({ cpu: '500m', memory: '512Mi' }).obj(), s, defaultProfile());
    expect(r).toMatchObject({ nodeName: 'b', feasible: 3, evaluated: 3 });
  });

  it('respects spec.nodeName', () => {
    const s = cluster(['a', 'b', 'c'].map((n) => small(n).obj()));
    expect(nodeOf(schedulePod(makePod().node('c').obj(), s, defaultProfile()))).toBe('c');
    expect(messageOf(schedulePod(makePod().node('zz').obj(), s, noPreemption))).toBe(
      "0/3 nodes are available: 3 node(s) didn't match the requested node name.",
    );
  });

  it('skips cordoned nodes unless tolerated', () => {
    const s = cluster([small('a').unschedulable().obj(), small('b').obj()]);
    expect(nodeOf(schedulePod(makePod().obj(), s, defaultProfile()))).toBe('b');
    const only = cluster([small('a').unschedulable().obj()]);
    expect(messageOf(schedulePod(makePod().obj(), only, noPreemption))).toBe('0/1 nodes are available: 1 node(s) were unschedulable.');
    const tolerant = makePod().toleration({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }).obj();
    expect(nodeOf(schedulePod(tolerant, only, defaultProfile()))).toBe('a');
  });

  it('follows node affinity: required filters, preferred wins over emptiness', () => {
    const s = cluster(
      [small('a').label('zone', 'z1').obj(), small('b').label('zone', 'z2').obj(), small('c').label('zone', 'z2').label('disk', 'ssd').obj()],
      [makePod('x').uid('x').node('c').req({ cpu: '1', memory: '2Gi' }).obj()],
    );
    const pod = makePod()
      .req({ cpu: '100m' })
      .requiredTerm([{ key: 'zone', operator: 'In', values: ['z2'] }])
      .preferredTerm(10, [{ key: 'disk', operator: 'In', values: ['ssd'] }])
      .obj();
    // c is busier, but its preferred-affinity score (100 × 2) outweighs b's emptiness.
    expect(nodeOf(schedulePod(pod, s, defaultProfile()))).toBe('c');
    const nowhere = makePod().nodeSelector({ zone: 'z9' }).obj();
    expect(messageOf(schedulePod(nowhere, s, noPreemption))).toBe("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
  });

  it('avoids taken host ports', () => {
    const s = cluster(['a', 'b'].map((n) => small(n).obj()), [makePod('x').uid('x').node('a').hostPort(80).obj()]);
    expect(nodeOf(schedulePod(makePod().hostPort(80).obj(), s, defaultProfile()))).toBe('b');
    s.addPod(makePod('y').uid('y').node('b').hostPort(80).obj());
    expect(messageOf(schedulePod(makePod().hostPort(80).obj(), s, defaultProfile()))).toBe(
      "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports. " +
        'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
  });

  it('prefers nodes without PreferNoSchedule taints', () => {
    const s = cluster([small('a').taint('soft', '', 'PreferNoSchedule').obj(), small('b').obj()]);
    expect(nodeOf(schedulePod(makePod().obj(), s, defaultProfile()))).toBe('b');
  });

  it('takes a feasible nominated node without scoring', () => {
    const s = cluster(['a', 'b'].map((n) => small(n).obj()), [makePod('x').uid('x').node('b').req({ cpu: '1' }).obj()]);
    expect(nodeOf(schedulePod(makePod().nominatedNode('b').obj(), s, defaultProfile()))).toBe('b');
  });

  it('spreads identical pods when assumed one after another', () => {
    const s = cluster(['a', 'b', 'c'].map((n) => small(n).obj()));
    let start = 0;
    const placed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const pod = makePod(`p${i}`).uid(`p${i}`).req({ cpu: '100m', memory: '128Mi' }).obj();
      const r = schedulePod(pod, s, defaultProfile(), { startIndex: start });
      s.assumePod(pod, nodeOf(r));
      placed.push(nodeOf(r));
      start = r.nextStartIndex;
    }
    expect(placed.sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
  });

  it('without score plugins, the first feasible node from the start index wins', () => {
    const profile = defaultProfile({ score: [], preScore: [], filter: [nodeNamePlugin] });
    const s = cluster(['a', 'b', 'c'].map((n) => small(n).obj()));
    const r = schedulePod(makePod().obj(), s, profile, { startIndex: 4 });
    expect(r).toMatchObject({ nodeName: 'b', feasible: 1, evaluated: 1, nextStartIndex: 2 });
  });
});

describe('feasible-node search', () => {
  it.each([
    [undefined, 50, 50],
    [undefined, 100, 100], // 49% of 100 is below the minimum of 100
    [undefined, 1000, 420], // 50 - 8 = 42%
    [undefined, 5000, 500], // 50 - 40 = 10%
    [undefined, 6000, 300], // 50 - 48 = 2% → 5%
    [undefined, 100000, 5000],
    [30, 1000, 300],
    [1, 1000, 100],
    [100, 5000, 5000],
  ])('pct %s of %i nodes → %i', (pct, nodes, want) => {
    expect(numFeasibleNodesToFind(pct, nodes)).toBe(want);
  });

  it('stops after enough feasible nodes and advances the start index', () => {
    const s = cluster(Array.from({ length: 1000 }, (_, i) => small(`n${i}`).obj()));
    const r = schedulePod(makePod().obj(), s, defaultProfile(), { startIndex: 900 });
    expect(r).toMatchObject({ feasible: 420, evaluated: 420, nextStartIndex: (900 + 420) % 1000 });
    const r2 = schedulePod(makePod().obj(), s, defaultProfile({ percentageOfNodesToScore: 20 }), { percentageOfNodesToScore: 50, startIndex: 0 });
    expect(r2).toMatchObject({ feasible: 200, nextStartIndex: 200 });
  });

  it('counts rejected nodes in evaluated', () => {
    const s = cluster(Array.from({ length: 200 }, (_, i) => (i % 2 ? small(`n${i}`) : small(`n${i}`).unschedulable()).obj()));
    const r = schedulePod(makePod().obj(), s, defaultProfile());
    // 200 nodes: find 100 feasible; they are every other node, so all 200 are evaluated.
    expect(r).toMatchObject({ feasible: 100, evaluated: 200, nextStartIndex: 0 });
  });
});

describe('selectHost', () => {
  it('picks the highest; ties go to the first without a random source', () => {
    expect(selectHost([3, 7, 7, 1])).toBe(1);
  });
  it('spreads ties with a seeded random source, reproducibly', () => {
    const pick = (seed: number) => {
      const rnd = seededRandom(seed);
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < 3000; i++) counts[selectHost([5, 9, 9, 9], rnd)]!++;
      return counts;
    };
    const counts = pick(42);
    expect(counts[0]).toBe(0);
    for (const c of counts.slice(1)) expect(c).toBeGreaterThan(800);
    expect(pick(42)).toEqual(counts);
  });
});

describe('profileForPod', () => {
  it('matches spec.schedulerName, defaulting to default-scheduler', () => {
    const profiles = [defaultProfile()];
    expect(profileForPod(makePod().obj(), profiles)).toBe(profiles[0]);
    expect(profileForPod(makePod().schedulerName('other').obj(), profiles)).toBeUndefined();
  });
});

describe('scale sanity', () => {
  it('schedules 1,000 pods over 5,000 nodes', () => {
    const s = new Snapshot();
    for (let i = 0; i < 5000; i++) {
      const b = makeNode(`n${i}`).alloc({ cpu: '4', memory: '16Gi', pods: 110 }).label('zone', `z${i % 3}`);
      if (i % 10 === 0) b.taint('dedicated', 'infra');
      s.addNode(b.obj());
    }
    const profile = defaultProfile();
    let start = 0;
    const perZone = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const pod = makePod(`p${i}`).uid(`p${i}`).req({ cpu: '250m', memory: '512Mi' }).nodeSelector(i % 2 ? { zone: 'z1' } : {}).obj();
      const r = schedulePod(pod, s, profile, { startIndex: start });
      const name = nodeOf(r);
      start = r.nextStartIndex;
      s.assumePod(pod, name);
      const ni = s.get(name)!;
      expect(ni.taints).toHaveLength(0);
      if (i % 2) expect(ni.labels.zone).toBe('z1');
      perZone.set(ni.labels.zone!, (perZone.get(ni.labels.zone!) ?? 0) + 1);
    }
    expect(s.numPods).toBe(1000);
    expect(perZone.get('z1')).toBeGreaterThanOrEqual(500);
  });
});
