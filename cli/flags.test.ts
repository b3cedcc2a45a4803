import { describe, expect, it } from 'vitest';
import { COMMANDS, FLAGS, flagsFor, type Command } from './flags.js';

describe('the flag table', () => {
  it.each(Object.keys(COMMANDS) as Command[])('%s takes each flag name once, and --help and --log-level', (command) => {
    const names = flagsFor(command).map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['help', 'log-level']));
  });

  it('marks only boolean flags negatable', () => {
    for (const f of FLAGS.filter((f) => f.negatable)) expect(f.value).toBeUndefined();
  });

  it.each([
    { command: 'up', kubeconfig: /WRITE/ },
    { command: 'apiserver', kubeconfig: /WRITE/ },
    { command: 'controller-manager', kubeconfig: /^required: .*READ/ },
    { command: 'scheduler', kubeconfig: /^required: .*READ/ },
    { command: 'kubelet-sim', kubeconfig: /^required: .*READ/ },
  ] as const)('$command: --kubeconfig is described as $kubeconfig', ({ command, kubeconfig }) => {
    expect(flagsFor(command).find((f) => f.name === 'kubeconfig')?.help).toMatch(kubeconfig);
  });
});
