import { badRequest } from './errors.js';

export type Query = Record<string, string | string[] | undefined>;

/** The last value of a query parameter (Kubernetes takes the first; repeated params are rare). */
export function param(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

export function boolParam(q: Query, name: string): boolean {
  const v = param(q, name);
  return v === 'true' || v === '1';
}

export function intParam(q: Query, name: string): number | undefined {
  const v = param(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw badRequest(`invalid value for ${name}: "${v}": must be an integer`);
  return Number(v);
}

/** `dryRun=All` is the only dry-run value Kubernetes accepts. */
export function dryRunParam(q: Query): boolean {
  const raw = q.dryRun;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  for (const v of values) {
    if (v !== 'All') throw badRequest(`Invalid dry run value: "${v}": supported values are "All"`);
  }
  return values.length > 0;
}
