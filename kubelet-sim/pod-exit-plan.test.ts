import { describe, expect, it } from 'vitest';
import type { Container } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import { plannedOutput, plannedPodExit } from './pod-exit-plan.js';

const c = (name: string, args?: string[], command?: string[]): Container => ({ name, image: 'busybox', args, command });

describe('plannedPodExit', () => {
  const cases: Array<[string, Container[], ReturnType<typeof plannedPodExit>]> = [
    ['one echo', [c('a', ['echo', 'hi'])], { afterMs: 0, exitCode: 0 }],
    ['the longest plan, the first non-zero code', [c('a', ['sh', '-c', 'sleep 1; exit 2']), c('b', ['sleep', '4']), c('c', ['false'])], { afterMs: 4000, exitCode: 2 }],
    ['a later failure when the first succeeds', [c('a', ['true']), c('b', ['false'])], { afterMs: 0, exitCode: 1 }],
    ['one container runs forever', [c('a', ['echo', 'hi']), { name: 'web', image: 'nginx:1.27' }], undefined],
    ['a shell image without command exits at once', [c('a', ['sleep', '3']), c('shell', undefined)], { afterMs: 3000, exitCode: 0 }],
    ['no containers', [], undefined],
  ];
  it.each(cases)('%s', (_name, containers, want) => {
    expect(plannedPodExit({ containers } as Pod['spec'])).toEqual(want);
  });

  it('does not count init containers', () => {
    const spec = { containers: [c('a', ['sleep', '2'])], initContainers: [c('init', ['sleep', '60'])] } as Pod['spec'];
    expect(plannedPodExit(spec)).toEqual({ afterMs: 2000, exitCode: 0 });
  });
});

describe('plannedOutput', () => {
  const echo = c('a', ['sh', '-c', 'echo a; sleep 1; echo b']);
  it.each([
    ['planned lines', echo, undefined, ['a', 'b']],
    ['kubeling.io/log wins', echo, { 'kubeling.io/log': 'x' }, undefined],
    ['kubeling.io/exit-after wins', echo, { 'kubeling.io/exit-after': '5s' }, undefined],
    ['a forever command has none', c('web', ['sleep', 'infinity']), undefined, undefined],
  ])('%s', (_name, container, annotations, want) => {
    expect(plannedOutput(container, annotations, 0)?.map((l) => l.text)).toEqual(want);
  });
});
