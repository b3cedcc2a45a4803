import { describe, expect, it } from 'vitest';
import { ClusterModel, type PodObject } from './model.js';
import { boxAt, layoutNodes } from './layout.js';

const node = (name: string, ready = true) => ({
  metadata: { name },
  spec: { podCIDR: '100.96.0.0/24' },
  status: { allocatable: { cpu: '2', memory: '4Gi' }, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const pod = (name: string, nodeName: string | undefined, phase: string, cpu = '100m', memory = '128Mi'): PodObject => ({
  metadata: { name, namespace: 'default', uid: name },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ resources: { requests: { cpu, memory } } }] },
  status: { phase, conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }] },
});

describe('ClusterModel', () => {
  it('puts pods on their nodes and sums their requests', () => {
    const m = new ClusterModel();
    m.applyNode('ADDED', node('n1'));
    m.applyNode('ADDED', node('n2', false));
    m.applyPod('ADDED', pod('a', 'n1', 'Running'));
    m.applyPod('ADDED', pod('b', 'n1', 'Pending', '250m', '1Gi'));
    m.applyPod('ADDED', pod('c', 'n1', 'Succeeded', '1'));
    m.applyPod('ADDED', pod('d', undefined, 'Pending'));
    const [n1, n2] = m.nodeSummaries();
    expect(n1!.pods.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    // The finished pod holds nothing.
    expect(n1!.cpuRequestedMilli).toBe(350);
    expect(n1!.memRequestedBytes).toBe(128 * 2 ** 20 + 2 ** 30);
    expect(n1!.cpuAllocMilli).toBe(2000);
    expect(n1!.phases).toMatchObject({ Running: 1, Pending: 1, Succeeded: 1 });
    expect(n2!.ready).toBe(false);
    expect(m.unplacedPods().map((p) => p.name)).toEqual(['d']);
    expect(m.counts()).toMatchObject({ nodes: 2, readyNodes: 1, pods: 4 });
  });

  it('shows a pod being deleted as Terminating, and forgets it when deleted', () => {
    const m = new ClusterModel();
    m.applyNode('ADDED', node('n1'));
    const p = pod('a', 'n1', 'Running');
    m.applyPod('ADDED', p);
    m.applyPod('MODIFIED', { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    expect(m.nodeSummaries()[0]!.pods[0]!.phase).toBe('Terminating');
    m.applyPod('DELETED', p);
    expect(m.nodeSummaries()[0]!.pods).toEqual([]);
    // Bookmarks and errors change nothing.
    const v = m.version;
    m.applyPod('BOOKMARK', p);
    expect(m.version).toBe(v);
  });

  it('keeps Deployment and HPA history, aligned with the sample times', () => {
    const m = new ClusterModel({ historyLength: 3 });
    m.applyDeployment('ADDED', { metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 }, status: { readyReplicas: 1 } });
    m.sample(1);
    m.applyHpa('ADDED', {
      metadata: { name: 'php', namespace: 'default' },
      spec: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 50 } } }] },
      status: { currentReplicas: 1, desiredReplicas: 4, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 250 } } }] },
    });
    m.sample(2);
    m.applyDeployment('DELETED', { metadata: { name: 'web', namespace: 'default' } });
    m.sample(3);
    m.sample(4);
    expect(m.times).toEqual([2, 3, 4]);
    expect(m.deploymentSeries.get('default/web')!.values).toEqual([
      { a: 2, b: 1 },
      { a: null, b: null },
      { a: null, b: null },
    ]);
    expect(m.hpaUtilSeries.get('default/php')!.values[0]).toEqual({ a: 250, b: 50 });
    expect(m.hpaReplicaSeries.get('default/php')!.values[2]).toEqual({ a: 1, b: 4 });
    // Once its history has scrolled out, a deleted object's series goes.
    m.sample(5);
    expect(m.deploymentSeries.has('default/web')).toBe(false);
  });

  it("puts the apiserver's history in front of the page's own samples", () => {
    const m = new ClusterModel();
    m.applyDeployment('ADDED', { metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 }, status: { readyReplicas: 3 } });
    m.sample(20);
    m.loadHistory({
      times: [10, 15, 20],
      deployments: [
        { key: 'default/web', values: [{ a: 1, b: 0 }, { a: 2, b: 2 }, { a: 3, b: 3 }] },
        { key: 'default/old', values: [{ a: 5, b: 5 }, { a: null, b: null }, { a: null, b: null }] },
      ],
      hpaUtilization: [{ key: 'default/php', values: [{ a: 80, b: 50 }, { a: 60, b: 50 }, { a: 40, b: 50 }] }],
      hpaReplicas: [],
    });
    // The server's sample at 20 is the page's own: only the older two are taken.
    expect(m.times).toEqual([10, 15, 20]);
    expect(m.deploymentSeries.get('default/web')!.values).toEqual([{ a: 1, b: 0 }, { a: 2, b: 2 }, { a: 3, b: 3 }]);
    expect(m.deploymentSeries.get('default/old')!.values).toEqual([{ a: 5, b: 5 }, { a: null, b: null }, { a: null, b: null }]);
    expect(m.hpaUtilSeries.get('default/php')!.values).toEqual([{ a: 80, b: 50 }, { a: 60, b: 50 }, { a: null, b: null }]);
    m.sample(25);
    expect(m.times).toEqual([10, 15, 20, 25]);
    expect(m.deploymentSeries.get('default/web')!.values[3]).toEqual({ a: 3, b: 3 });
  });

  it('keeps the newest events, newest first, and node usage from metrics', () => {
    const m = new ClusterModel({ eventLimit: 2 });
    for (const i of [1, 2, 3]) {
      m.applyEvent('ADDED', { metadata: { name: `e${i}`, namespace: 'default' }, reason: `R${i}`, involvedObject: { kind: 'Pod', name: 'a' } });
    }
    expect(m.events().map((e) => e.reason)).toEqual(['R3', 'R2']);
    expect(m.events()[0]!.object).toBe('pod/a');
    m.applyNode('ADDED', node('n1'));
    m.setNodeUsage([{ metadata: { name: 'n1' }, usage: { cpu: '1500m', memory: '1Gi' } }]);
    expect(m.nodeSummaries()[0]!.usage).toEqual({ cpuMilli: 1500, memBytes: 2 ** 30 });
    m.setNodeUsage([]);
    expect(m.nodeSummaries()[0]!.usage).toBeUndefined();
  });

  it('reset forgets the objects (a resubscription lists them again)', () => {
    const m = new ClusterModel();
    m.applyNode('ADDED', node('n1'));
    m.applyPod('ADDED', pod('a', 'n1', 'Running'));
    m.reset();
    expect(m.counts()).toMatchObject({ nodes: 0, pods: 0 });
  });
});

describe('layoutNodes', () => {
  const summaries = (nodes: number, podsPerNode: number) => {
    const m = new ClusterModel();
    for (let i = 0; i < nodes; i++) {
      m.applyNode('ADDED', node(`node-${i}`));
      for (let j = 0; j < podsPerNode; j++) m.applyPod('ADDED', pod(`p-${i}-${j}`, `node-${i}`, 'Running'));
    }
    return m.nodeSummaries();
  };

  it('draws a few nodes as large named boxes with a square per pod', () => {
    const l = layoutNodes(summaries(3, 10), 1200);
    expect(l.boxes).toHaveLength(3);
    expect(l.showNames).toBe(true);
    expect(l.mode).toBe('pods');
    expect(l.podSize).toBeGreaterThanOrEqual(8);
    // No two boxes overlap, all fit the width.
    for (const b of l.boxes) expect(b.x + b.w).toBeLessThanOrEqual(1200);
    expect(new Set(l.boxes.map((b) => `${b.x},${b.y}`)).size).toBe(3);
  });

  it('draws 1,000 nodes of 30 pods in a bounded canvas, aggregating when squares get too small', () => {
    const l = layoutNodes(summaries(1000, 30), 1200);
    expect(l.boxes).toHaveLength(1000);
    expect(l.showNames).toBe(false);
    expect(l.height).toBeLessThan(2500);
    for (const b of l.boxes) expect(b.x + b.w).toBeLessThanOrEqual(1200);
    const crowded = layoutNodes(summaries(1000, 110), 1200);
    expect(crowded.mode).toBe('bars');
  });

  it('finds the box under a point', () => {
    const l = layoutNodes(summaries(4, 1), 1000);
    const b = l.boxes[2]!;
    expect(boxAt(l, b.x + 1, b.y + 1)?.node.name).toBe('node-2');
    expect(boxAt(l, -5, -5)).toBeUndefined();
  });

  it('copes with no nodes at all', () => {
    const l = layoutNodes([], 800);
    expect(l.boxes).toEqual([]);
    expect(l.height).toBe(0);
  });
});
