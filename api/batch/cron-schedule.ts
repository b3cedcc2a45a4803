import { CronExpressionParser } from 'cron-parser';

/**
 * CronJob schedules as kube-controller-manager reads them (robfig/cron's ParseStandard):
 * five fields (minute hour day-of-month month day-of-week), or a descriptor (@yearly,
 * @annually, @monthly, @weekly, @daily, @midnight, @hourly, `@every <duration>`). The
 * field arithmetic is cron-parser's; this module adds kube's extras and wording. A
 * `TZ=`/`CRON_TZ=` prefix parses (robfig accepts it) but validation refuses it in
 * spec.schedule, as kube does: the timeZone field says where the schedule runs. Pure.
 */

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export type Schedule =
  | { kind: 'cron'; expression: string; tz: string | undefined }
  | { kind: 'every'; everyMs: number; tz: string | undefined };

/** Go's time.ParseDuration for the units @every uses (`1h30m`, `90s`, `1.5h`). */
function parseGoDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * unit[m[2]!]!;
    at = re.lastIndex;
  }
  return at === text.length && text.length > 0 ? total : undefined;
}

/** Parses a schedule; throws Error with robfig/cron's message when it is not one. */
export function parseSchedule(text: string): Schedule {
  let spec = text.trim();
  let tz: string | undefined;
  const tzm = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(spec);
  if (tzm) {
    tz = tzm[1];
    if (!isValidTimeZone(tz!)) throw new Error(`provided bad location ${tz}: unknown time zone ${tz}`);
    spec = spec.slice(tzm[0].length).trim();
  }
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) {
      const ms = parseGoDuration(spec.slice('@every '.length).trim());
      if (ms === undefined) throw new Error(`failed to parse duration ${spec}: time: invalid duration "${spec.slice(7).trim()}"`);
      // robfig rounds sub-second intervals up to a second.
      return { kind: 'every', everyMs: Math.max(1000, Math.floor(ms / 1000) * 1000), tz };
    }
    const expanded = DESCRIPTORS[spec];
    if (!expanded) throw new Error(`unrecognized descriptor: ${spec}`);
    spec = expanded;
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  checkRanges(fields);
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: 'UTC' });
  } catch (err) {
    throw new Error((err as Error).message);
  }
  return { kind: 'cron', expression: fields.join(' '), tz };
}

const RANGES: ReadonlyArray<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** robfig's range checks, with its wording, for plain numbers (names and `?` pass to cron-parser). */
function checkRanges(fields: string[]): void {
  fields.forEach((field, i) => {
    const [min, max] = RANGES[i]!;
    for (const part of field.split(',')) {
      const range = part.split('/')[0]!;
      const m = /^(\d+)(?:-(\d+))?$/.exec(range);
      if (!m) continue;
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (lo < min) throw new Error(`beginning of range (${lo}) below minimum (${min}): ${part}`);
      if (hi > max) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
      if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    }
  });
}

/** Whether the IANA time zone database (as Node's Intl has it) knows the name. */
export function isValidTimeZone(name: string): boolean {
  if (name === '' || name === 'Local' || name.trim() !== name) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first schedule time strictly after `afterMs`, in time zone `tz` (the CronJob's
 * timeZone field; otherwise the schedule's own prefix; otherwise the controller's local
 * zone, which is UTC for Kubeling as for most clusters).
 */
export function nextScheduleTime(schedule: Schedule, afterMs: number, tz?: string): number {
  if (schedule.kind === 'every') return afterMs - (afterMs % 1000) + schedule.everyMs;
  const expr = CronExpressionParser.parse(schedule.expression, { currentDate: new Date(afterMs), tz: tz ?? schedule.tz ?? 'UTC' });
  return expr.next().getTime();
}

/**
 * kube's mostRecentScheduleTime: the latest schedule time in (earliestMs, nowMs], how many
 * were missed in that window (counted up to `cap`), and the next one after nowMs.
 */
export function mostRecentScheduleTime(
  schedule: Schedule,
  earliestMs: number,
  nowMs: number,
  tz?: string,
  cap = 101,
): { mostRecent: number | undefined; missed: number; next: number } {
  let mostRecent: number | undefined;
  let missed = 0;
  let t = nextScheduleTime(schedule, earliestMs, tz);
  while (t <= nowMs) {
    mostRecent = t;
    missed++;
    if (missed >= cap) {
      // Skip ahead: only the latest time and the count (capped) matter.
      const prev = previousScheduleTime(schedule, nowMs, tz);
      if (prev !== undefined) mostRecent = prev;
      break;
    }
    t = nextScheduleTime(schedule, t, tz);
  }
  return { mostRecent, missed, next: nextScheduleTime(schedule, nowMs, tz) };
}

/** The latest schedule time at or before nowMs. */
function previousScheduleTime(schedule: Schedule, nowMs: number, tz?: string): number | undefined {
  if (schedule.kind === 'every') return undefined;
  const expr = CronExpressionParser.parse(schedule.expression, { currentDate: new Date(nowMs + 1), tz: tz ?? schedule.tz ?? 'UTC' });
  return expr.prev().getTime();
}
