import { describe, expect, it } from 'vitest';
import type { Container } from '../api/core/container.js';
import { containerArgv, liveArgv, runsLive } from './live-command.js';

/** Which containers run their own command in the simulated shell (table). */
const c = (x: Partial<Container>): Container => ({ name: 'c', image: 'busybox', ...x }) as Container;

describe('runsLive', () => {
  it.each([
    ['the walkthrough loop as command', c({ command: ['/bin/sh', '-c', 'while sleep 0.01; do wget -q -O- http://php-apache; done'] }), undefined, true],
    ['the loop as args of a shell image (kubectl run -- sh -c …)', c({ args: ['sh', '-c', 'while true; do echo hi; sleep 1; done'] }), undefined, true],
    ['a busybox applet as args', c({ args: ['wget', '-q', '-O-', 'http://x'] }), undefined, true],
    ['an applet in a non-shell image: its entrypoint is unknown', c({ image: 'nginx', args: ['wget', 'http://x'] }), undefined, false],
    ['a one-shot command stays planned', c({ args: ['echo', 'hello'] }), undefined, false],
    ['sleep N stays planned', c({ command: ['sleep', '3600'] }), undefined, false],
    ['a one-shot command with env from a ConfigMap runs live', c({ command: ['sh', '-c', 'echo $X'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'x' } } }] as Container['env'] }), undefined, true],
    ['stdin containers start at the first attach', c({ stdin: true, command: ['sh', '-c', 'while true; do sleep 1; done'] }), undefined, false],
    ['the exit-after annotation declares the run', c({ command: ['sh', '-c', 'while true; do sleep 1; done'] }), { 'kubeling.io/exit-after': '5s' }, false],
    ['no command: the image default (busybox sh with no input) is planned', c({}), undefined, false],
    ['an unknown program', c({ image: 'alpine', command: ['/app/server'] }), undefined, false],
  ])('%s', (_name, container, annotations, want) => {
    expect(runsLive(container, annotations)).toBe(want);
  });
});

describe('containerArgv / liveArgv', () => {
  it('command ++ args; args alone in a shell image; $(VAR) expanded from the env, $$ kept as $', () => {
    expect(containerArgv(c({ command: ['sh', '-c'], args: ['echo hi'] }))).toEqual(['sh', '-c', 'echo hi']);
    expect(containerArgv(c({ args: ['wget', 'x'] }))).toEqual(['wget', 'x']);
    expect(liveArgv(c({ command: ['sh', '-c', 'echo $(GREETING) $(MISSING) $$HOME'] }), new Map([['GREETING', 'hi']]))).toEqual(['sh', '-c', 'echo hi $(MISSING) $HOME']);
  });
});
