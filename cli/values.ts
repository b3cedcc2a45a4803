import { resolve } from 'node:path';

/**
 * Validation of single flag values, shared by the server and client command parsers.
 * Every failure is an InvalidValue whose message is the whole usage error.
 */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A value that failed validation: becomes a usage error (exit 2). */
export class InvalidValue extends Error {}

export function nonEmpty(flag: string, value: string): string {
  if (value === '') throw new InvalidValue(`invalid --${flag} "": must not be empty`);
  return value;
}

/** A file or directory path, resolved against the working directory. */
export function parsePath(flag: string, raw: string, cwd: string): string {
  return resolve(cwd, nonEmpty(flag, raw));
}

export function parseInteger(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidValue(`invalid --${flag} "${raw}": must be an integer from ${min} to ${max}`);
  }
  return n;
}

export function parseLogLevel(raw: string): string {
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new InvalidValue(`invalid --log-level "${raw}": must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return raw;
}

/** Go's strconv.ParseBool spellings, which kube's boolean flags accept after `=`. */
const TRUE_WORDS = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

export function parseBool(flag: string, raw: string): boolean {
  if (TRUE_WORDS.has(raw)) return true;
  if (FALSE_WORDS.has(raw)) return false;
  // pflag's words for a bad boolean, as kube's commands print them.
  throw new InvalidValue(`invalid argument "${raw}" for "--${flag}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
}
