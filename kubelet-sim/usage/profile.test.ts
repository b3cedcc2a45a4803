import { describe, expect, it } from 'vitest';
import { parseLoadProfile, profileAt, type LoadProfile } from './profile.js';

const Mi = 2 ** 20;

function parsed(text: string): LoadProfile {
  const r = parseLoadProfile(text);
  if ('error' in r) throw new Error(r.error);
  return r.profile;
}

describe('profileAt', () => {
  const cases: Array<{ name: string; profile: string; at: number; cpu: number; memory?: number }> = [
    { name: 'constant', profile: '{type: constant, cpu: 300m, memory: 40Mi}', at: 5_000, cpu: 0.3, memory: 40 * Mi },
    { name: 'steps before the first', profile: '{type: steps, steps: [{after: 10s, cpu: 100m}, {after: 1m, cpu: 800m}]}', at: 5_000, cpu: 0 },
    { name: 'steps first', profile: '{type: steps, steps: [{after: 10s, cpu: 100m}, {after: 1m, cpu: 800m}]}', at: 30_000, cpu: 0.1 },
    { name: 'steps second', profile: '{type: steps, steps: [{after: 10s, cpu: 100m}, {after: 1m, cpu: 800m}]}', at: 60_000, cpu: 0.8 },
    { name: 'sine at 0', profile: '{type: sine, cpu: 300m, amplitude: 200m, period: 60s}', at: 0, cpu: 0.3 },
    { name: 'sine at a quarter', profile: '{type: sine, cpu: 300m, amplitude: 200m, period: 60s}', at: 15_000, cpu: 0.5 },
    { name: 'sine at three quarters', profile: '{type: sine, cpu: 300m, amplitude: 200m, period: 60s}', at: 45_000, cpu: 0.1 },
    { name: 'sine never below 0', profile: '{type: sine, cpu: 100m, amplitude: 300m, period: 60s}', at: 45_000, cpu: 0 },
    { name: 'ramp half way', profile: '{type: ramp, from: {cpu: 0}, to: {cpu: 1}, duration: 100s}', at: 50_000, cpu: 0.5 },
    { name: 'ramp after the end', profile: '{type: ramp, from: {cpu: 0}, to: {cpu: 1}, duration: 100s}', at: 500_000, cpu: 1 },
    { name: 'series second point', profile: '{type: series, interval: 15s, cpu: [100m, 400m, 250m]}', at: 20_000, cpu: 0.4 },
    { name: 'series holds the last point', profile: '{type: series, interval: 15s, cpu: [100m, 400m, 250m]}', at: 100_000, cpu: 0.25 },
    { name: 'series repeats', profile: '{type: series, interval: 15s, cpu: [100m, 400m, 250m], repeat: true}', at: 50_000, cpu: 0.1 },
    { name: 'JSON works too', profile: '{"type":"constant","cpu":"1500m"}', at: 0, cpu: 1.5 },
  ];
  it.each(cases)('$name', ({ profile, at, cpu, memory }) => {
    const load = profileAt(parsed(profile), at);
    expect(load.cpu).toBeCloseTo(cpu, 9);
    if (memory !== undefined) expect(load.memory).toBe(memory);
  });
});

describe('parseLoadProfile refuses absurd profiles with a message', () => {
  const cases: Array<[string, string | RegExp]> = [
    ['{type: constant, cpu: 5000}', 'constant.cpu: 5000 is more than any node has (at most 1024 cores)'],
    ['{type: constant, cpu: -1}', 'constant.cpu: must not be negative'],
    ['{type: constant, memory: 5Pi}', /constant.memory: 5Pi is more than any node has/],
    ['{type: constant, cpu: lots}', 'constant.cpu: "lots" is not a quantity'],
    ['{type: sine, cpu: 1, amplitude: 1, period: 0s}', 'period: must be at least 1s'],
    ['{type: sine, cpu: 1, amplitude: 1, period: soon}', 'period: must be a duration such as 30s or 2m'],
    ['{type: steps, steps: []}', 'steps: must be a non-empty list'],
    ['{type: steps, steps: [{after: 1m, cpu: 1}, {after: 10s, cpu: 2}]}', 'steps[1].after: steps must be in time order'],
    ['{type: series, interval: 15s}', 'series: needs cpu and/or memory values'],
    ['{type: wobble}', 'type: "wobble" is not one of constant, steps, sine, ramp, series'],
    ['[1, 2]', 'must be an object with a type'],
    ['{type: constant, cpu: 1', /^not JSON or YAML/],
    ['{type: constant, container: 3}', 'container: must be a string'],
  ];
  it.each(cases)('%s', (text, message) => {
    const r = parseLoadProfile(text);
    expect('error' in r).toBe(true);
    if ('error' in r) {
      if (typeof message === 'string') expect(r.error).toBe(message);
      else expect(r.error).toMatch(message);
    }
  });
});
