import { describe, expect, it } from 'vitest';
import { CpuMeter, parseProcStatCpuMs, processCpuMs } from './process-cpu.js';

describe('parseProcStatCpuMs', () => {
  it('reads utime and stime after a command name with spaces and parentheses', () => {
    const line = '4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 100 0 0';
    expect(parseProcStatCpuMs(line)).toBe(3250);
  });
  it('gives undefined for a line it cannot read', () => {
    expect(parseProcStatCpuMs('garbage')).toBeUndefined();
    expect(parseProcStatCpuMs('1 (x) S 1 2')).toBeUndefined();
  });
});

describe('processCpuMs', () => {
  it('measures this process spending CPU, and nothing for a missing process', () => {
    const meter = new CpuMeter({ self: process.pid, none: undefined });
    const before = processCpuMs(process.pid);
    if (before === undefined) return expect(process.platform).not.toBe('linux');
    let x = 0;
    const until = Date.now() + 60;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const used = meter.elapsed();
    expect(used.self).toBeGreaterThanOrEqual(20);
    expect(used.none).toBeUndefined();
    expect(processCpuMs(2 ** 30)).toBeUndefined();
  });
});
