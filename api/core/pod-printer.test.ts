import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { podResource, type Pod, type PodStatus } from './pod.js';
import { podTableRowConditions, summarizePod } from './pod-printer.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

function makePod(status: PodStatus, extra: { initContainers?: { name: string; restartPolicy?: string }[]; deleting?: boolean; containers?: number } = {}): Pod {
  const n = extra.containers ?? 1;
  return {
    metadata: {
      name: 'web',
      namespace: 'default',
      creationTimestamp: ago(10 * 60_000),
      ...(extra.deleting ? { deletionTimestamp: ago(1000) } : {}),
    },
    spec: {
      containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'x' })),
      initContainers: extra.initContainers?.map((c) => ({ ...c, image: 'x' })),
    },
    status,
  };
}

const running = (name = 'c0', ready = true, restartCount = 0) => ({
  name,
  ready,
  restartCount,
  image: 'x',
  imageID: '',
  state: { running: { startedAt: ago(60_000) } },
});

describe('pod STATUS / READY / RESTARTS', () => {
  it.each<[string, Pod, string, string]>([
    ['pending, unscheduled', makePod({ phase: 'Pending' }), '0/1', 'Pending'],
    [
      'container creating',
      makePod({ phase: 'Pending', containerStatuses: [{ name: 'c0', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] }),
      '0/1',
      'ContainerCreating',
    ],
    ['running and ready', makePod({ phase: 'Running', containerStatuses: [running()] }), '1/1', 'Running'],
    ['running not ready', makePod({ phase: 'Running', containerStatuses: [running('c0', false)] }), '0/1', 'Running'],
    [
      'completed',
      makePod({ phase: 'Succeeded', containerStatuses: [{ name: 'c0', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      '0/1',
      'Completed',
    ],
    [
      'exit code without reason',
      makePod({ phase: 'Failed', containerStatuses: [{ name: 'c0', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 2 } } }] }),
      '0/1',
      'ExitCode:2',
    ],
    [
      'signal without reason',
      makePod({ phase: 'Failed', containerStatuses: [{ name: 'c0', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 137, signal: 9 } } }] }),
      '0/1',
      'Signal:9',
    ],
    [
      'crash loop',
      makePod({ phase: 'Running', containerStatuses: [{ name: 'c0', ready: false, restartCount: 4, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }] }),
      '0/1',
      'CrashLoopBackOff',
    ],
    [
      'one completed, one running → Running when Ready',
      makePod(
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            running('c0'),
            { name: 'c1', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          ],
        },
        { containers: 2 },
      ),
      '1/2',
      'Running',
    ],
    [
      'one completed, one running → NotReady otherwise',
      makePod(
        {
          phase: 'Running',
          containerStatuses: [
            running('c0'),
            { name: 'c1', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          ],
        },
        { containers: 2 },
      ),
      '1/2',
      'NotReady',
    ],
    [
      'init container running',
      makePod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, image: 'x', imageID: '', state: { running: {} } }] },
        { initContainers: [{ name: 'init' }] },
      ),
      '0/1',
      'Init:0/1',
    ],
    [
      'init container failing',
      makePod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 1, image: 'x', imageID: '', state: { terminated: { exitCode: 1, reason: 'Error' } } }] },
        { initContainers: [{ name: 'init' }] },
      ),
      '0/1',
      'Init:Error',
    ],
    [
      'init container crash looping',
      makePod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 3, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
        { initContainers: [{ name: 'init' }] },
      ),
      '0/1',
      'Init:CrashLoopBackOff',
    ],
    [
      'started sidecar counts toward READY',
      makePod(
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 0, image: 'x', imageID: '', state: { running: {} } }],
          containerStatuses: [running()],
        },
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      ),
      '2/2',
      'Running',
    ],
    ['terminating', makePod({ phase: 'Running', containerStatuses: [running()] }, { deleting: true }), '1/1', 'Terminating'],
    ['node lost', makePod({ phase: 'Running', reason: 'NodeLost', containerStatuses: [running()] }, { deleting: true }), '1/1', 'Unknown'],
    ['evicted', makePod({ phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted'],
    [
      'scheduling gated',
      makePod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      '0/1',
      'SchedulingGated',
    ],
  ])('%s', (_name, p, ready, status) => {
    const s = summarizePod(p);
    expect([s.ready, s.status]).toEqual([ready, status]);
  });
});

describe('pod table row', () => {
  it('prints the wide row with restarts and age', () => {
    const p = makePod({
      phase: 'Running',
      podIPs: [{ ip: '10.244.1.5' }],
      containerStatuses: [
        { ...running('c0', true, 2), lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * 60_000 + 3000) } } },
      ],
    });
    p.spec!.nodeName = 'node-1';
    expect(podResource.tableRow(p as unknown as KubeObject, now)).toEqual([
      'web',
      '1/1',
      'Running',
      '2 (5m3s ago)',
      '10m',
      '10.244.1.5',
      'node-1',
      '<none>',
      '<none>',
    ]);
  });

  it('prints bare restarts without a termination time, and readiness gates', () => {
    const p = makePod({ phase: 'Running', conditions: [{ type: 'example.com/gate', status: 'True' }], containerStatuses: [running('c0', true, 3)] });
    p.spec!.readinessGates = [{ conditionType: 'example.com/gate' }, { conditionType: 'example.com/other' }];
    const row = podResource.tableRow(p as unknown as KubeObject, now);
    expect(row[3]).toBe('3');
    expect(row[5]).toBe('<none>');
    expect(row[8]).toBe('1/2');
  });

  it('matches its columns', () => {
    expect(podResource.tableColumns.map((c) => c.name)).toEqual([
      'Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates',
    ]);
    expect(podResource.tableColumns.map((c) => c.priority)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(podResource.tableColumns[0]!.format).toBe('name');
    const row = podResource.tableRow(makePod({ phase: 'Pending' }) as unknown as KubeObject, now);
    expect(row).toHaveLength(podResource.tableColumns.length);
  });

  it('marks finished pods with a Completed row condition', () => {
    expect(podTableRowConditions(makePod({ phase: 'Succeeded' }))).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(podTableRowConditions(makePod({ phase: 'Running' }))).toEqual([]);
  });
});
