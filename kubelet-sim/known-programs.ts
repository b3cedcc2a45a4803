import type { CommandPlan } from './command-plan.js';

/**
 * Programs from the Kubernetes documentation's examples whose output we can compute for
 * real, so that the example behaves as on a cluster. Today: the Job tutorial's
 * `perl -Mbignum=bpi -wle 'print bpi(N)'`, which prints π to N significant digits. Pure.
 */

/** Typical run time of `bpi(2000)` in the perl:5.34 image on one core (about 5 s). */
const PI_MS_PER_DIGIT = 2.5;

export function planKnownProgram(argv: readonly string[]): CommandPlan | undefined {
  const base = (argv[0] ?? '').replace(/^.*\//, '');
  if (base === 'perl') return planPerlBpi(argv.slice(1));
  return undefined;
}

function planPerlBpi(args: readonly string[]): CommandPlan | undefined {
  // -Mbignum=bpi, then -wle / -le / -e with the script (switches may be bundled).
  if (!args.includes('-Mbignum=bpi')) return undefined;
  const i = args.findIndex((a) => /^-[wl]*e$/.test(a) || /^-[wl]*le$/.test(a));
  const script = i >= 0 ? args[i + 1] : undefined;
  const m = script === undefined ? null : /^\s*print\s+bpi\(\s*(\d+)\s*\)\s*;?\s*$/.exec(script);
  if (!m) return undefined;
  const digits = Number(m[1]);
  if (digits < 1 || digits > 20_000) return undefined;
  const text = piDigits(digits);
  const afterMs = Math.round(300 + digits * PI_MS_PER_DIGIT);
  return { kind: 'exits', afterMs, exitCode: 0, output: [{ atMs: afterMs, text }] };
}

/**
 * π rounded to `digits` significant digits (`3.14` for 3), computed with Machin's formula
 * π = 16·atan(1/5) − 4·atan(1/239) in fixed-point BigInt arithmetic with guard digits.
 */
export function piDigits(digits: number): string {
  const guard = 10;
  const scale = 10n ** BigInt(digits + guard);
  const atanInv = (x: bigint): bigint => {
    let term = scale / x;
    let sum = term;
    const x2 = x * x;
    for (let n = 3n, sign = -1n; term !== 0n; n += 2n, sign = -sign) {
      term /= x2;
      sum += (sign * term) / n;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  // pi has digits + guard decimals; keep digits − 1 decimals, rounding half up.
  const drop = 10n ** BigInt(guard + 1);
  const rounded = (pi + drop / 2n) / drop;
  const s = rounded.toString();
  return digits === 1 ? s : `${s[0]}.${s.slice(1)}`;
}
