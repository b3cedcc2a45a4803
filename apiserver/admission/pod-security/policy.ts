import type { FieldError } from '../../../api/types.js';
import { invalid } from '../../../api/validation.js';
import { CHECKS, type CheckResult, type Level, type PodMetaLike, type PodSpecLike } from './checks.js';

/**
 * The Pod Security Standards' policy of a namespace, from its labels, and the evaluation
 * of a pod against one level and version (kube's pod-security-admission api/ and
 * policy/ packages, written again).
 */

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const ENFORCE_LEVEL = `${LABEL_PREFIX}enforce`;
export const ENFORCE_VERSION = `${LABEL_PREFIX}enforce-version`;
export const AUDIT_LEVEL = `${LABEL_PREFIX}audit`;
export const AUDIT_VERSION = `${LABEL_PREFIX}audit-version`;
export const WARN_LEVEL = `${LABEL_PREFIX}warn`;
export const WARN_VERSION = `${LABEL_PREFIX}warn-version`;
export const ENFORCED_POLICY_ANNOTATION = `${LABEL_PREFIX}enforce-policy`;
export const AUDIT_VIOLATIONS_ANNOTATION = `${LABEL_PREFIX}audit-violations`;

/** `latest` is minor Infinity: newer than any version, as kube's Version.latest. */
export interface LevelVersion {
  level: Level;
  minor: number;
}
export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export const PRIVILEGED_POLICY: Policy = {
  enforce: { level: 'privileged', minor: Infinity },
  audit: { level: 'privileged', minor: Infinity },
  warn: { level: 'privileged', minor: Infinity },
};

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.minor === Infinity ? 'latest' : `v1.${lv.minor}`}`;
}

const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

export function parseLevel(value: string): Level | undefined {
  return (LEVELS as readonly string[]).includes(value) ? (value as Level) : undefined;
}

export function parseVersion(value: string): number | undefined {
  if (value === 'latest') return Infinity;
  const m = VERSION.exec(value);
  return m ? Number(m[1]) : undefined;
}

/**
 * kube's PolicyToEvaluate: a valid policy always (bad enforce labels fall back to
 * restricted:latest, bad audit/warn levels to privileged), plus the label errors.
 */
export function policyFromLabels(labels: Record<string, string> | undefined, defaults: Policy = PRIVILEGED_POLICY): { policy: Policy; errors: FieldError[] } {
  const policy: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  if (!labels) return { policy, errors };
  const levelMsg = `must be one of ${LEVELS.join(', ')}`;
  const versionMsg = 'must be "latest" or "v1.x"';
  const modes: Array<[keyof Policy, string, string]> = [
    ['enforce', ENFORCE_LEVEL, ENFORCE_VERSION],
    ['audit', AUDIT_LEVEL, AUDIT_VERSION],
    ['warn', WARN_LEVEL, WARN_VERSION],
  ];
  for (const [mode, levelLabel, versionLabel] of modes) {
    const lv = labels[levelLabel];
    if (lv !== undefined) {
      const level = parseLevel(lv);
      if (!level) errors.push(invalid(`metadata.labels[${levelLabel}]`, lv, levelMsg));
      // Enforce fails closed, audit and warn fail open (as kube does).
      policy[mode].level = level ?? (mode === 'enforce' ? 'restricted' : 'privileged');
    }
    const vv = labels[versionLabel];
    if (vv !== undefined) {
      const minor = parseVersion(vv);
      if (minor === undefined) errors.push(invalid(`metadata.labels[${versionLabel}]`, vv, versionMsg));
      policy[mode].minor = minor ?? Infinity;
    }
  }
  return { policy, errors };
}

export function compareLevels(a: Level, b: Level): number {
  return LEVELS.indexOf(a) - LEVELS.indexOf(b);
}

export function samePolicy(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.minor === b.minor;
}

/** The failed checks of one level and version, in kube's order (empty: allowed). */
export function evaluatePod(lv: LevelVersion, meta: PodMetaLike, spec: PodSpecLike): CheckResult[] {
  if (lv.level === 'privileged') return [];
  const applicable = CHECKS.filter((c) => (lv.level === 'restricted' || c.level === 'baseline') && c.since <= lv.minor);
  const overridden = new Set(applicable.map((c) => c.overrides).filter(Boolean));
  const out: CheckResult[] = [];
  for (const c of applicable) {
    if (overridden.has(c.id)) continue;
    const r = c.run(meta, spec);
    if (r) out.push(r);
  }
  return out;
}

/** kube's AggregateCheckResult.ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(results: readonly CheckResult[]): string {
  return results.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(', ');
}

/** kube's ForbiddenReason: the reasons alone (the namespace dry-run warnings). */
export function forbiddenReason(results: readonly CheckResult[]): string {
  return results.map((r) => r.reason).join(', ');
}
