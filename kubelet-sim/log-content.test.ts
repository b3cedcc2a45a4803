import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/core/pod.js';
import { selectContainerLog } from './container-log.js';
import { echoLines, lineCount, MAX_LINES, nextLineAt, renderLog, runLines, type RunLogSpec } from './log-content.js';
import { newPodSim, transition, type PodSim } from './pod-lifecycle.js';
import { defaultStageConfig } from './stages.js';

const T0 = Date.UTC(2026, 0, 1);
const spec = (over: Partial<RunLogSpec> = {}): RunLogSpec => ({
  namespace: 'default',
  pod: 'web',
  container: { name: 'app', image: 'nginx' },
  image: 'nginx',
  node: 'n0',
  startedAt: T0,
  defaultIntervalMs: 10_000,
  ...over,
});

describe('runLines', () => {
  it('prints a banner, then a heartbeat per interval, deterministically', () => {
    const lines = runLines(spec(), T0 + 25_000);
    expect(lines.map((l) => l.text)).toEqual([
      'kubeling-sim: starting container "app" (image nginx) in pod default/web on node n0',
      'kubeling-sim: container "app" is running',
      'kubeling-sim: container "app" heartbeat 1 (up 10s)',
      'kubeling-sim: container "app" heartbeat 2 (up 20s)',
    ]);
    expect(runLines(spec(), T0 + 25_000)).toEqual(lines);
  });

  it('ends with the exit line, and nothing after the exit', () => {
    const s = spec({ finishedAt: T0 + 15_000, exitCode: 2, endedBy: 'exit' });
    const texts = runLines(s, T0 + 60_000).map((l) => l.text);
    expect(texts.at(-1)).toBe('kubeling-sim: container "app" exiting with code 2');
    expect(texts).toHaveLength(4);
  });

  it('uses the kubeling.io/log annotation, then the echoes of command/args', () => {
    expect(runLines(spec({ annotations: { 'kubeling.io/log': 'hello\nworld\n' } }), T0 + 60_000).map((l) => l.text)).toEqual(['hello', 'world']);
    const c = { name: 'app', image: 'busybox', command: ['sh', '-c'], args: ['echo "starting up"; sleep 5 && echo done'] };
    expect(runLines(spec({ container: c }), T0 + 60_000).map((l) => l.text)).toEqual(['starting up', 'done']);
    expect(echoLines(['echo', 'hello', 'world'])).toEqual(['hello world']);
  });

  it('rolls old lines off past MAX_LINES and computes a tail without the rest', () => {
    const now = T0 + (MAX_LINES + 500) * 10_000;
    expect(lineCount(spec(), now)).toBe(MAX_LINES + 502);
    const all = runLines(spec(), now);
    expect(all).toHaveLength(MAX_LINES);
    expect(all.at(-1)!.text).toContain(`heartbeat ${MAX_LINES + 500} `);
    expect(runLines(spec(), now, 2).map((l) => l.text)).toEqual(all.slice(-2).map((l) => l.text));
  });
});

describe('renderLog', () => {
  const lines = runLines(spec(), T0 + 30_000);
  it.each([
    [{ tailLines: 1 }, 'kubeling-sim: container "app" heartbeat 3 (up 30s)\n'],
    [{ tailLines: 0 }, ''],
    [{ since: T0 + 20_000 }, 'kubeling-sim: container "app" heartbeat 2 (up 20s)\nkubeling-sim: container "app" heartbeat 3 (up 30s)\n'],
    [{ tailLines: 1, timestamps: true }, '2026-01-01T00:00:30.000000000Z kubeling-sim: container "app" heartbeat 3 (up 30s)\n'],
    [{ limitBytes: 12 }, 'kubeling-sim'],
  ])('%j', (q, want) => expect(renderLog(lines, q)).toBe(want));
});

describe('selectContainerLog (kubelet validateContainerLogStatus)', () => {
  const cfg = defaultStageConfig;
  const pod = { metadata: { name: 'web', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } as Pod;
  const at = (sim: PodSim) => ({ pod, sim, node: 'n0' });
  const admitted = transition(newPodSim(), 'Admitted', { now: T0, cfg });
  const running = transition(admitted, 'Running', { now: T0 + 1000, cfg });
  const crashed = transition(running, 'Exited', { now: T0 + 5000, exitCode: 1, cfg });
  const restarted = transition(crashed, 'Running', { now: T0 + 6000, cfg });

  it.each([
    [admitted, 'app', false, 400, 'container "app" in pod "web" is waiting to start: ContainerCreating'],
    [running, 'app', true, 400, 'previous terminated container "app" in pod "web" not found'],
    [running, 'nope', false, 404, 'container "nope" not found in pod "web"'],
    [transition(admitted, 'Stopped', { now: T0 + 10, cfg }), 'app', false, 400, 'container "app" in pod "web" is terminated'],
  ])('refuses: %#', (sim, c, previous, code, message) => {
    expect(selectContainerLog(at(sim), c, previous, 10_000)).toEqual({ ok: false, code, message });
  });

  it('shows the current run, and the previous one with previous=true', () => {
    const cur = selectContainerLog(at(restarted), 'app', false, 10_000);
    const prev = selectContainerLog(at(restarted), 'app', true, 10_000);
    expect(cur.ok && cur.spec.startedAt).toBe(T0 + 6000);
    expect(prev.ok && [prev.spec.startedAt, prev.spec.finishedAt, prev.spec.exitCode]).toEqual([T0 + 1000, T0 + 5000, 1]);
  });
});

describe('planned output (a command that exits)', () => {
  const output = [
    { atMs: 0, text: 'start' },
    { atMs: 2000, text: 'middle' },
    { atMs: 5000, text: 'end' },
  ];
  it.each([
    ['before the second line', T0 + 1000, undefined, ['start'], T0 + 2000],
    ['as the lines come', T0 + 2000, undefined, ['start', 'middle'], T0 + 5000],
    ['all of them, and no exit line', T0 + 60_000, T0 + 5000, ['start', 'middle', 'end'], undefined],
    ['none after the run was stopped', T0 + 60_000, T0 + 3000, ['start', 'middle'], undefined],
  ])('%s', (_name, now, finishedAt, want, next) => {
    const s = spec({ output, finishedAt, exitCode: 0, endedBy: 'exit' });
    expect(runLines(s, now).map((l) => l.text)).toEqual(want);
    expect(lineCount(s, now)).toBe(want.length);
    expect(nextLineAt(s, now)).toBe(next);
  });

  it('stamps each line at its offset', () => {
    expect(runLines(spec({ output }), T0 + 9000).map((l) => l.at)).toEqual([T0, T0 + 2000, T0 + 5000]);
  });

  it('selectContainerLog plans each run: the previous run shows its own output', () => {
    const cfg = defaultStageConfig;
    const pod = { metadata: { name: 'job', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'app', image: 'busybox', args: ['sh', '-c', 'date; false'] }] } } as Pod;
    const running = transition(transition(newPodSim(), 'Admitted', { now: T0, cfg }), 'Running', { now: T0 + 1000, cfg });
    const crashed = transition(running, 'Exited', { now: T0 + 1000, exitCode: 1, cfg });
    const restarted = transition(crashed, 'Running', { now: T0 + 61_000, cfg });
    const text = (previous: boolean) => {
      const sel = selectContainerLog({ pod, sim: restarted, node: 'n0' }, 'app', previous, 10_000);
      return sel.ok ? runLines(sel.spec, T0 + 70_000).map((l) => l.text) : sel.message;
    };
    expect(text(true)).toEqual(['Thu Jan  1 00:00:01 UTC 2026']);
    expect(text(false)).toEqual(['Thu Jan  1 00:01:01 UTC 2026']);
  });
});
