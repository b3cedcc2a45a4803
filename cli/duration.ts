import { InvalidValue } from './values.js';

/** Milliseconds per unit of Go's time.ParseDuration, the syntax of kube's duration flags. */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a Go duration ("40s", "1m30s", "1.5h", "500ms"; a bare "0" too) into whole
 * milliseconds, rounding sub-millisecond parts. Negative durations are refused: every
 * duration flag here is a period or a timeout. Throws InvalidValue naming the flag.
 */
export function parseDuration(flag: string, raw: string): number {
  const fail = (): never => {
    throw new InvalidValue(`invalid --${flag} "${raw}": must be a duration such as 40s, 2m or 1m30s`);
  };
  if (raw === '0') return 0;
  if (raw === '') fail();
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < raw.length) {
    const m = PART.exec(raw);
    if (!m) fail();
    total += Number(m![1]) * UNIT_MS[m![2]!]!;
  }
  if (!Number.isFinite(total)) fail();
  return Math.round(total);
}
