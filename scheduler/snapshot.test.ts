import { describe, expect, it } from 'vitest';
import { Snapshot } from './snapshot.js';
import { makeNode, makePod } from './testing/builders.js';

const node = (name: string) => makeNode(name).alloc({ cpu: '4', memory: '8Gi', pods: 110 }).obj();

describe('Snapshot', () => {
  it('lists nodes in the order they were added and updates in place', () => {
    const s = new Snapshot();
    s.addNode(node('a'));
    s.addNode(node('b'));
    s.addNode(makeNode('a').alloc({ cpu: '8' }).label('zone', 'z1').obj());
    expect(s.list().map((n) => n.name)).toEqual(['a', 'b']);
    expect(s.get('a')!.allocatable.milliCPU).toBe(8000);
    expect(s.get('a')!.labels.zone).toBe('z1');
    expect(s.numNodes).toBe(2);
  });

  it('counts bound pods on their node and ignores unbound and finished ones', () => {
    const s = new Snapshot();
    s.addNode(node('a'));
    s.addPod(makePod('p1').uid('1').node('a').req({ cpu: '1' }).obj());
    s.addPod(makePod('p2').uid('2').req({ cpu: '1' }).obj());
    s.addPod(makePod('p3').uid('3').node('a').phase('Succeeded').req({ cpu: '1' }).obj());
    expect(s.get('a')!.requested).toMatchObject({ milliCPU: 1000, pods: 1 });
    expect(s.numPods).toBe(1);

    // A pod that finishes releases its resources.
    s.updatePod(makePod('p1').uid('1').node('a').phase('Failed').req({ cpu: '1' }).obj());
    expect(s.get('a')!.requested).toMatchObject({ milliCPU: 0, pods: 0 });
  });

  it('holds pods that arrive before their node, and keeps them after the node goes', () => {
    const s = new Snapshot();
    s.addPod(makePod('p').uid('p').node('late').req({ cpu: '2' }).obj());
    expect(s.get('late')).toBeUndefined();
    expect(s.list()).toHaveLength(0);
    s.addNode(node('late'));
    expect(s.get('late')!.requested.milliCPU).toBe(2000);

    s.removeNode('late');
    expect(s.get('late')).toBeUndefined();
    expect(s.list()).toHaveLength(0);
    s.addNode(node('late'));
    expect(s.get('late')!.requested.milliCPU).toBe(2000);
    s.removeNode('late');
    s.removePod('p');
    s.addNode(node('late'));
    expect(s.get('late')!.requested.milliCPU).toBe(0);
  });

  it('moves a pod whose node changes and removes deleted pods', () => {
    const s = new Snapshot();
    s.addNode(node('a'));
    s.addNode(node('b'));
    const p = makePod('p').uid('p').req({ cpu: '1' });
    s.addPod(p.node('a').obj());
    s.updatePod(p.node('b').obj());
    expect(s.get('a')!.requested.pods).toBe(0);
    expect(s.get('b')!.requested.pods).toBe(1);
    s.removePod(p.obj());
    expect(s.get('b')!.requested.pods).toBe(0);
    s.removePod('unknown');
    expect(s.numPods).toBe(0);
  });

  it('assumes, forgets and confirms pods (optimistic binding)', () => {
    const s = new Snapshot();
    s.addNode(node('a'));
    const pending = makePod('p').uid('p').req({ cpu: '1' }).obj();

    const assumed = s.assumePod(pending, 'a');
    expect(assumed.spec?.nodeName).toBe('a');
    expect(pending.spec.nodeName).toBeUndefined();
    expect(s.isAssumed(pending)).toBe(true);
    expect(s.get('a')!.requested.milliCPU).toBe(1000);

    s.forgetPod(pending);
    expect(s.isAssumed(pending)).toBe(false);
    expect(s.get('a')!.requested.milliCPU).toBe(0);

    s.assumePod(pending, 'a');
    // The informer delivers the bound pod: confirmed, counted once.
    s.addPod(makePod('p').uid('p').node('a').req({ cpu: '1' }).obj());
    expect(s.isAssumed('p')).toBe(false);
    expect(s.get('a')!.requested).toMatchObject({ milliCPU: 1000, pods: 1 });
    // Forgetting a confirmed pod does nothing; assuming it again is a loop bug.
    s.forgetPod('p');
    expect(s.nodeOfPod('p')).toBe('a');
    expect(() => s.assumePod(pending, 'a')).toThrow(/already bound/);
  });

  it('handles 5,000 nodes and 100,000 pods', () => {
    const s = new Snapshot();
    for (let i = 0; i < 5000; i++) s.addNode(node(`n${i}`));
    // Plain literals rather than the builder: this test is about the cache, not the builder.
    const containers = [{ name: 'c', resources: { requests: { cpu: '10m' } } }];
    for (let i = 0; i < 100_000; i++) {
      s.addPod({ metadata: { name: `p${i}`, namespace: 'default', uid: `u${i}` }, spec: { nodeName: `n${i % 5000}`, containers } });
    }
    expect(s.numPods).toBe(100_000);
    expect(s.get('n42')!.requested).toMatchObject({ milliCPU: 200, pods: 20 });
    for (let i = 0; i < 100_000; i += 2) s.removePod(`u${i}`);
    expect(s.get('n42')!.requested.pods).toBe(0);
    expect(s.get('n43')!.requested).toMatchObject({ milliCPU: 200, pods: 20 });
    expect(s.numPods).toBe(50_000);
  });
});
