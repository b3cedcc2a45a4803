import { describe, expect, it } from 'vitest';
import { piDigits, planKnownProgram } from './known-programs.js';

describe('known programs', () => {
  it.each([
    [1, '3'],
    [3, '3.14'],
    [10, '3.141592654'],
    [30, '3.14159265358979323846264338328'],
  ])('pi to %i digits', (n, want) => {
    expect(piDigits(n)).toBe(want);
  });

  it('prints 2000 digits of pi for the Job tutorial command', () => {
    const plan = planKnownProgram(['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)']);
    expect(plan?.kind).toBe('exits');
    if (plan?.kind !== 'exits') return;
    expect(plan.exitCode).toBe(0);
    expect(plan.output).toHaveLength(1);
    const text = plan.output[0]!.text;
    expect(text).toHaveLength(2001);
    expect(text.startsWith('3.14159265358979323846264338327950288419716939937510')).toBe(true);
    // The well-known run of six nines at decimals 762–767.
    expect(text.slice(2 + 761, 2 + 767)).toBe('999999');
    expect(plan.afterMs).toBeGreaterThan(1000);
  });

  it.each([[['perl', '-e', 'print 1']], [['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000); system("x")']], [['python', '-c', 'print(1)']]])('leaves %j to the simulator', (argv) => {
    expect(planKnownProgram(argv)).toBeUndefined();
  });
});
