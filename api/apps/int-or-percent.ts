import type { FieldError } from '../types.js';
import { invalid, regexError } from '../validation.js';
import { goIntOrString, invalidRendered } from './go-format.js';

/**
 * int-or-percent values (maxSurge, maxUnavailable, PDB minAvailable/maxUnavailable), with
 * apps validation's rules and messages, and intstr's scaling used by controllers.
 */

const percentFmt = '[0-9]+%';
const percentRe = /^[0-9]+%$/;
const percentErrMsg = "a valid percent string must be a numeric string followed by an ending '%'";

/** The N of an "N%" string; undefined for ints and malformed strings. */
export function percentValue(v: number | string | undefined): number | undefined {
  if (typeof v !== 'string' || !percentRe.test(v)) return undefined;
  return Number.parseInt(v.slice(0, -1), 10);
}

/** intstr IntValue(): ints as is, strings through Atoi (0 when not a plain integer). */
function intValue(v: number | string | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number.parseInt(v, 10);
  return 0;
}

/** getIntOrPercentValue: the percent number for "N%", otherwise the int value. */
export function intOrPercentValue(v: number | string | undefined): number {
  return percentValue(v) ?? intValue(v);
}

/** ValidatePositiveIntOrPercent: a well-formed "N%" or an int ≥ 0. */
export function validatePositiveIntOrPercent(v: number | string | undefined, field: string): FieldError[] {
  if (typeof v === 'string') {
    return percentRe.test(v) ? [] : [invalidRendered(field, goIntOrString(v), regexError(percentErrMsg, percentFmt, '1%', '93%'))];
  }
  if (typeof v === 'number' && v < 0) return [invalid(field, v, 'must be greater than or equal to 0')];
  return [];
}

/** IsNotMoreThan100Percent. */
export function validateNotMoreThan100Percent(v: number | string | undefined, field: string): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalidRendered(field, goIntOrString(v), 'must not be greater than 100%')];
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is; "N%" of total, rounded up or down.
 * Throws on a string that is not a percentage (Kubernetes returns an error there).
 */
export function scaledValueFromIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const p = percentValue(v);
  if (p === undefined) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  const scaled = (p * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
