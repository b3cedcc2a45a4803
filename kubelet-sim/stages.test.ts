import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImagePlan } from './image-pull.js';
import { backoffMs, defaultStageConfig, loadStageConfig, mergeStageConfig, selectStage, stageDelayMs, type SimState } from './stages.js';

const cfg = defaultStageConfig;
const exitAfter = { 'kubeling.io/exit-after': '30s' };

describe('selectStage (golden: pod facts → stage → next state)', () => {
  const cases: Array<[SimState, boolean, Record<string, string> | undefined, ImagePlan | undefined, string | undefined, SimState | undefined]> = [
    ['New', false, undefined, undefined, 'pod-admit', 'Admitted'],
    ['Admitted', false, undefined, undefined, 'pod-sandbox', 'SandboxReady'],
    ['SandboxReady', false, undefined, 'pull', 'image-pull', 'Pulled'],
    ['SandboxReady', false, undefined, 'refresh', 'image-refresh', 'Pulled'],
    ['SandboxReady', false, undefined, 'present', 'image-present', 'Pulled'],
    ['SandboxReady', false, undefined, 'never-missing', 'image-never-pull', 'SandboxReady'],
    ['SandboxReady', false, undefined, undefined, undefined, undefined],
    ['SandboxReady', true, undefined, 'never-missing', 'pod-stop', 'Stopped'],
    ['Pulled', false, undefined, 'present', 'container-start', 'Running'],
    ['Running', false, undefined, 'pull', undefined, undefined],
    ['Running', false, exitAfter, undefined, 'container-exit', 'Exited'],
    ['BackOff', false, undefined, undefined, 'container-restart', 'Running'],
    ['Succeeded', false, undefined, undefined, undefined, undefined],
    ['Failed', false, exitAfter, undefined, undefined, undefined],
    ['New', true, undefined, undefined, 'pod-delete', 'Deleted'],
    ['Admitted', true, undefined, undefined, 'pod-stop', 'Stopped'],
    ['Running', true, exitAfter, undefined, 'pod-stop', 'Stopped'],
    ['BackOff', true, undefined, undefined, 'pod-stop', 'Stopped'],
    ['Stopped', true, undefined, undefined, 'pod-delete', 'Deleted'],
    ['Succeeded', true, undefined, undefined, 'pod-delete', 'Deleted'],
    ['Failed', true, undefined, undefined, 'pod-delete', 'Deleted'],
    ['Deleted', true, undefined, undefined, undefined, undefined],
  ];
  it.each(cases)('%s deleting=%s %j image=%s → %s', (state, deleting, annotations, image, name, next) => {
    const stage = selectStage(cfg.stages, { state, deleting, annotations, image });
    expect(stage?.name).toBe(name);
    expect(stage?.next).toBe(next);
  });

  // A planned exit (the containers' commands exit) selects command-exit, unless the annotation's stage comes first.
  it.each([
    [undefined, 5000, 'command-exit', 5000],
    [exitAfter, 5000, 'container-exit', 30_000],
    [undefined, undefined, undefined, undefined],
  ])('Running %j plannedExitMs=%s → %s after %s ms', (annotations, plannedExitMs, name, ms) => {
    const stage = selectStage(cfg.stages, { state: 'Running', deleting: false, annotations, plannedExitMs });
    expect(stage?.name).toBe(name);
    if (stage) expect(stageDelayMs(stage, cfg, { annotations, plannedExitMs })).toBe(ms);
    expect(selectStage(cfg.stages, { state: 'Running', deleting: true, annotations, plannedExitMs })?.name).toBe('pod-stop');
  });

  it('image stages take their delays from the data: a cached image costs nothing, Always a registry round trip', () => {
    const delay = (name: string) => stageDelayMs(cfg.stages.find((s) => s.name === name)!, cfg, {}, () => 0.5);
    expect(delay('image-present')).toBe(0);
    expect(delay('image-refresh')).toBeGreaterThanOrEqual(100);
    expect(delay('image-refresh')).toBeLessThan(300);
    expect(delay('image-pull')).toBeGreaterThanOrEqual(800);
  });

  it('an override by name keeps the image selector of the default stage', () => {
    const merged = mergeStageConfig(cfg, { stages: [{ name: 'image-pull', delay: { ms: 5 } }] });
    expect(selectStage(merged.stages, { state: 'SandboxReady', deleting: false, image: 'present' })?.name).toBe('image-present');
    expect(selectStage(merged.stages, { state: 'SandboxReady', deleting: false, image: 'pull' })?.delay.ms).toBe(5);
    expect(() => mergeStageConfig(cfg, { stages: [{ name: 'image-pull', image: ['sometimes'] }] })).toThrow(/invalid stage config/);
  });
});

describe('stageDelayMs', () => {
  const stage = (name: string) => cfg.stages.find((s) => s.name === name)!;
  it('draws jitter within [ms, ms + jitter)', () => {
    const s = stage('image-pull');
    expect(stageDelayMs(s, cfg, {}, () => 0)).toBe(s.delay.ms);
    expect(stageDelayMs(s, cfg, {}, () => 0.99999999)).toBe(s.delay.ms + s.delay.jitterMs - 1);
  });
  it('reads the exit delay from the annotation', () => {
    expect(stageDelayMs(stage('container-exit'), cfg, { annotations: { 'kubeling.io/exit-after': '1m30s' } })).toBe(90_000);
  });
  it('caps the stop delay by the remaining grace period', () => {
    expect(stageDelayMs(stage('pod-stop'), cfg, { graceRemainingMs: 300 }, () => 0.5)).toBe(300);
    expect(stageDelayMs(stage('pod-stop'), cfg, { graceRemainingMs: 60_000 }, () => 0)).toBe(1000);
    expect(stageDelayMs(stage('pod-stop'), cfg, { graceRemainingMs: -5 }, () => 0)).toBe(0);
  });
  it('uses the crash-loop back-off: immediate, then 10 s doubling to 5 min', () => {
    expect([0, 1, 2, 3, 5, 6, 12].map((step) => backoffMs(cfg, step))).toEqual([0, 10_000, 20_000, 40_000, 160_000, 300_000, 300_000]);
    expect(stageDelayMs(stage('container-restart'), cfg, { backoffStep: 2 })).toBe(20_000);
  });
});

describe('stage config', () => {
  it('merges overrides by stage name and appends new stages', () => {
    const merged = mergeStageConfig(cfg, {
      stages: [
        { name: 'image-pull', delay: { ms: 5000 } },
        { name: 'custom', from: ['Running'], deleting: false, next: 'Exited', requiresAnnotation: 'x/y' },
      ],
      logIntervalMs: 1000,
    });
    const pull = merged.stages.find((s) => s.name === 'image-pull')!;
    expect(pull.delay).toMatchObject({ ms: 5000, jitterMs: cfg.stages.find((s) => s.name === 'image-pull')!.delay.jitterMs });
    expect(merged.stages.at(-1)!.name).toBe('custom');
    expect(merged.logIntervalMs).toBe(1000);
  });
  it('rejects unknown states with a readable error', () => {
    expect(() => mergeStageConfig(cfg, { stages: [{ name: 'bad', from: ['Nowhere'], next: 'Running' }] })).toThrow(/invalid stage config/);
  });
  it.each([
    ['a misspelt top-level key', { stagez: [] }, /stagez/],
    ['stages that are not a list', { stages: 5 }, /stages/],
    ['a stage without a name', { stages: [{ from: ['New'] }] }, /name/],
    ['an unknown stage field', { stages: [{ name: 'pod-sandbox', dealy: { ms: 1 } }] }, /Unrecognized key: "dealy"[\s\S]*stages\[0\]/],
    ['an unknown delay field', { stages: [{ name: 'pod-sandbox', delay: { millis: 1 } }] }, /Unrecognized key: "millis"[\s\S]*stages\[0\]\.delay/],
    ['an unknown restartBackoff field', { restartBackoff: { initial: 1 } }, /initial/],
    ['a wrong type', { logIntervalMs: 'soon' }, /logIntervalMs/],
  ])('rejects %s', (_what, overrides, message) => {
    expect(() => mergeStageConfig(cfg, overrides as never)).toThrow(message);
  });
  it.each([
    ['a list', '- name: pod-sandbox\n'],
    ['a string', 'fast\n'],
  ])('rejects a file whose top level is %s', (_what, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'stages-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    expect(() => loadStageConfig(file)).toThrow(/expected a mapping/);
  });
  it('takes an empty file as no overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stages-'));
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, '');
    expect(loadStageConfig(file).stages.map((s) => s.name)).toEqual(cfg.stages.map((s) => s.name));
  });
  it('loads YAML overrides from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stages-'));
    const file = join(dir, 'fast.yaml');
    writeFileSync(file, 'stages:\n  - name: pod-sandbox\n    delay: { ms: 0, jitterMs: 0 }\nrestartBackoff: { initialMs: 1000 }\n');
    const loaded = loadStageConfig(file);
    expect(loaded.stages.find((s) => s.name === 'pod-sandbox')!.delay.ms).toBe(0);
    expect(loaded.restartBackoff).toEqual({ initialMs: 1000, maxMs: 300_000 });
  });
});
