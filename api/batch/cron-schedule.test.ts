import { describe, expect, it } from 'vitest';
import { isValidTimeZone, mostRecentScheduleTime, nextScheduleTime, parseSchedule } from './cron-schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('cron schedules (robfig ParseStandard semantics)', () => {
  it.each([
    ['*/1 * * * *', '2026-01-01T00:00:30Z', '2026-01-01T00:01:00.000Z'],
    ['0 * * * *', '2026-01-01T00:00:30Z', '2026-01-01T01:00:00.000Z'],
    ['@hourly', '2026-01-01T00:00:30Z', '2026-01-01T01:00:00.000Z'],
    ['@daily', '2026-01-01T00:00:30Z', '2026-01-02T00:00:00.000Z'],
    ['@midnight', '2026-01-01T00:00:30Z', '2026-01-02T00:00:00.000Z'],
    ['@weekly', '2026-01-01T00:00:30Z', '2026-01-04T00:00:00.000Z'],
    ['30 2 * * 1-5', '2026-01-03T00:00:00Z', '2026-01-05T02:30:00.000Z'],
    ['0 0 1 jan *', '2026-01-01T00:00:30Z', '2027-01-01T00:00:00.000Z'],
    ['@every 90s', '2026-01-01T00:00:30Z', '2026-01-01T00:02:00.000Z'],
  ])('%s after %s is %s', (expr, after, want) => {
    expect(new Date(nextScheduleTime(parseSchedule(expr), at(after))).toISOString()).toBe(want);
  });

  it('applies a time zone', () => {
    // 09:00 in New York in January is 14:00 UTC.
    expect(new Date(nextScheduleTime(parseSchedule('0 9 * * *'), at('2026-01-01T00:00:00Z'), 'America/New_York')).toISOString()).toBe('2026-01-01T14:00:00.000Z');
    // 09:00 in Tokyo is 00:00 UTC; strictly after midnight UTC, the next is a day later.
    expect(new Date(nextScheduleTime(parseSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *'), at('2026-01-01T00:00:00Z'))).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it.each([
    ['bad', 'expected exactly 5 fields, found 1: [bad]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['TZ=Mars/Olympus * * * * *', 'unknown time zone Mars/Olympus'],
  ])('refuses %s', (expr, msg) => {
    expect(() => parseSchedule(expr)).toThrow(msg);
  });

  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus', false],
    ['Local', false],
    ['', false],
  ])('time zone %s valid: %s', (tz, want) => {
    expect(isValidTimeZone(tz)).toBe(want);
  });

  it('counts missed times and finds the most recent', () => {
    const s = parseSchedule('* * * * *');
    const r = mostRecentScheduleTime(s, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:05:30Z'));
    expect(r.missed).toBe(5);
    expect(new Date(r.mostRecent!).toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(new Date(r.next).toISOString()).toBe('2026-01-01T00:06:00.000Z');
    const none = mostRecentScheduleTime(s, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:59Z'));
    expect(none).toMatchObject({ mostRecent: undefined, missed: 0 });
  });

  it('caps the count of missed times and still finds the latest', () => {
    const s = parseSchedule('* * * * *');
    const r = mostRecentScheduleTime(s, at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:30Z'));
    expect(r.missed).toBe(101);
    expect(new Date(r.mostRecent!).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });
});
