import { parse as parseYaml } from 'yaml';
import { parseQuantity } from '../../api/quantity.js';
import { parseDuration } from '../annotations.js';

/**
 * Load profiles: CPU and memory a container uses on top of its idle baseline and its
 * served requests, as a function of the time since it started. Data, set per pod by the
 * `kubeling.io/load-profile` annotation (JSON or YAML) or per image in the usage model
 * (image-usage.ts). Shapes:
 *
 *   {type: constant, cpu: 300m, memory: 40Mi}
 *   {type: steps, steps: [{after: 0s, cpu: 100m}, {after: 2m, cpu: 800m}]}
 *   {type: sine, cpu: 300m, amplitude: 200m, period: 2m}            (memory likewise)
 *   {type: ramp, from: {cpu: 0}, to: {cpu: 1}, duration: 5m}
 *   {type: series, interval: 15s, cpu: [100m, 400m, 250m], repeat: true}
 *
 * `container: NAME` limits a profile to one container (default: every container).
 * Absurd values are refused with a message (the kubelet-sim then records an event and
 * keeps the default model), never thrown past parseLoadProfile.
 */

export const LOAD_PROFILE_ANNOTATION = 'kubeling.io/load-profile';

export interface Load {
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

export type LoadProfile = { container?: string } & (
  | { type: 'constant'; load: Load }
  | { type: 'steps'; steps: Array<{ afterMs: number; load: Load }> }
  | { type: 'sine'; mean: Load; amplitude: Load; periodMs: number }
  | { type: 'ramp'; from: Load; to: Load; durationMs: number }
  | { type: 'series'; intervalMs: number; cpu: number[]; memory: number[]; repeat: boolean }
);

/** Limits past which a profile is refused as absurd: no simulated node is that big. */
export const PROFILE_LIMITS = { cpuCores: 1024, memoryBytes: 2 ** 40, points: 10_000, minPeriodMs: 1000, maxPeriodMs: 30 * 86_400_000 };

const ZERO: Load = { cpu: 0, memory: 0 };

/** The profile's load `elapsedMs` after the container started. Pure. */
export function profileAt(p: LoadProfile, elapsedMs: number): Load {
  const t = Math.max(0, elapsedMs);
  switch (p.type) {
    case 'constant':
      return p.load;
    case 'steps': {
      let cur = ZERO;
      for (const s of p.steps) if (s.afterMs <= t) cur = s.load;
      return cur;
    }
    case 'sine': {
      const k = Math.sin((2 * Math.PI * t) / p.periodMs);
      return { cpu: Math.max(0, p.mean.cpu + p.amplitude.cpu * k), memory: Math.max(0, p.mean.memory + p.amplitude.memory * k) };
    }
    case 'ramp': {
      const f = p.durationMs === 0 ? 1 : Math.min(1, t / p.durationMs);
      return { cpu: p.from.cpu + (p.to.cpu - p.from.cpu) * f, memory: p.from.memory + (p.to.memory - p.from.memory) * f };
    }
    case 'series': {
      const n = Math.max(p.cpu.length, p.memory.length);
      if (n === 0) return ZERO;
      let i = Math.floor(t / p.intervalMs);
      if (i >= n) i = p.repeat ? i % n : n - 1;
      return { cpu: p.cpu[i] ?? p.cpu[p.cpu.length - 1] ?? 0, memory: p.memory[i] ?? p.memory[p.memory.length - 1] ?? 0 };
    }
  }
}

class ProfileError extends Error {}

function quantity(v: unknown, field: string, kind: 'cpu' | 'memory'): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'string' && typeof v !== 'number') throw new ProfileError(`${field}: must be a quantity`);
  let n: number;
  try {
    n = parseQuantity(v);
  } catch {
    throw new ProfileError(`${field}: "${v}" is not a quantity`);
  }
  if (n < 0) throw new ProfileError(`${field}: must not be negative`);
  const max = kind === 'cpu' ? PROFILE_LIMITS.cpuCores : PROFILE_LIMITS.memoryBytes;
  if (n > max) throw new ProfileError(`${field}: ${v} is more than any node has (at most ${kind === 'cpu' ? `${max} cores` : '1Ti'})`);
  return n;
}

function load(v: unknown, field: string): Load {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) throw new ProfileError(`${field}: must be an object with cpu and/or memory`);
  return { cpu: quantity(o.cpu, `${field}.cpu`, 'cpu'), memory: quantity(o.memory, `${field}.memory`, 'memory') };
}

function duration(v: unknown, field: string, min: number): number {
  const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || !Number.isFinite(ms)) throw new ProfileError(`${field}: must be a duration such as 30s or 2m`);
  if (ms < min) throw new ProfileError(`${field}: must be at least ${min / 1000}s`);
  if (ms > PROFILE_LIMITS.maxPeriodMs) throw new ProfileError(`${field}: must be at most 720h`);
  return ms;
}

function list(v: unknown, field: string, kind: 'cpu' | 'memory'): number[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ProfileError(`${field}: must be a list of quantities`);
  if (v.length > PROFILE_LIMITS.points) throw new ProfileError(`${field}: at most ${PROFILE_LIMITS.points} points`);
  return v.map((x, i) => quantity(x, `${field}[${i}]`, kind));
}

/** Decodes an already-parsed profile object; a message for the first problem. */
export function decodeLoadProfile(raw: unknown): { profile: LoadProfile } | { error: string } {
  try {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ProfileError('must be an object with a type');
    const o = raw as Record<string, unknown>;
    const container = o.container === undefined ? {} : typeof o.container === 'string' ? { container: o.container } : undefined;
    if (!container) throw new ProfileError('container: must be a string');
    switch (o.type) {
      case 'constant':
        return { profile: { ...container, type: 'constant', load: load(o, 'constant') } };
      case 'steps': {
        if (!Array.isArray(o.steps) || o.steps.length === 0) throw new ProfileError('steps: must be a non-empty list');
        if (o.steps.length > PROFILE_LIMITS.points) throw new ProfileError(`steps: at most ${PROFILE_LIMITS.points} steps`);
        const steps = o.steps.map((s: unknown, i: number) => ({
          afterMs: duration((s as Record<string, unknown>)?.after ?? '0s', `steps[${i}].after`, 0),
          load: load(s, `steps[${i}]`),
        }));
        for (let i = 1; i < steps.length; i++) if (steps[i]!.afterMs < steps[i - 1]!.afterMs) throw new ProfileError(`steps[${i}].after: steps must be in time order`);
        return { profile: { ...container, type: 'steps', steps } };
      }
      case 'sine':
        return {
          profile: {
            ...container,
            type: 'sine',
            mean: load(o, 'sine'),
            amplitude: { cpu: quantity(o.amplitude, 'amplitude', 'cpu'), memory: quantity(o.memoryAmplitude, 'memoryAmplitude', 'memory') },
            periodMs: duration(o.period, 'period', PROFILE_LIMITS.minPeriodMs),
          },
        };
      case 'ramp':
        return { profile: { ...container, type: 'ramp', from: load(o.from, 'from'), to: load(o.to, 'to'), durationMs: duration(o.duration, 'duration', 0) } };
      case 'series': {
        const cpu = list(o.cpu, 'cpu', 'cpu');
        const memory = list(o.memory, 'memory', 'memory');
        if (cpu.length + memory.length === 0) throw new ProfileError('series: needs cpu and/or memory values');
        return {
          profile: { ...container, type: 'series', intervalMs: duration(o.interval, 'interval', PROFILE_LIMITS.minPeriodMs), cpu, memory, repeat: o.repeat === true },
        };
      }
      default:
        throw new ProfileError(`type: "${String(o.type)}" is not one of constant, steps, sine, ramp, series`);
    }
  } catch (err) {
    if (err instanceof ProfileError) return { error: err.message };
    throw err;
  }
}

/** Parses the annotation's text (JSON or YAML). */
export function parseLoadProfile(text: string): { profile: LoadProfile } | { error: string } {
  if (text.length > 256 * 1024) return { error: 'too long' };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { error: `not JSON or YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  return decodeLoadProfile(raw);
}
