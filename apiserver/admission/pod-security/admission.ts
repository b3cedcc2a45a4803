import type { FieldError, KubeObject } from '../../../api/types.js';
import { deepEqual } from '../../../api/validation.js';
import type { PodMetaLike, PodSpecLike } from './checks.js';
import {
  AUDIT_VIOLATIONS_ANNOTATION,
  ENFORCED_POLICY_ANNOTATION,
  LABEL_PREFIX,
  compareLevels,
  evaluatePod,
  forbiddenDetail,
  forbiddenReason,
  levelVersionString,
  policyFromLabels,
  samePolicy,
  PRIVILEGED_POLICY,
  type LevelVersion,
  type Policy,
} from './policy.js';

/**
 * kube's PodSecurity admission plugin, the decisions as pure functions:
 * - namespaces: labels must parse (422 otherwise); tightening `enforce` evaluates the
 *   namespace's pods and warns about the ones that would be refused;
 * - pods: `enforce` refuses (403), `audit` adds an audit annotation, `warn` a warning;
 * - workloads (Deployments, Jobs, ...): their pod template gets audit and warn, never a refusal.
 */

export interface PodSecurityConfig {
  /** Policy of namespaces without labels (kube's `defaults`): privileged by default. */
  defaults?: Policy;
  exemptions?: { usernames?: string[]; namespaces?: string[]; runtimeClasses?: string[] };
}

export interface PodSecurityOutcome {
  /** The refusal's message (after `pods "name" is forbidden: `), or invalid labels. */
  forbidden?: string;
  invalid?: FieldError[];
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

const ALLOW: PodSecurityOutcome = { warnings: [], auditAnnotations: {} };

/** Pod subresources whose writes never change the pod's security (kube's ignoredPodSubresources). */
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

export function hasPodSecurityLabels(labels: Record<string, string> | undefined): boolean {
  for (const k of Object.keys(labels ?? {})) if (k.startsWith(LABEL_PREFIX)) return true;
  return false;
}

/** Where the pod template of a workload lives (kube's DefaultPodSpecExtractor). */
export function podTemplateOf(kind: string, obj: KubeObject): { metadata?: PodMetaLike; spec?: PodSpecLike } | undefined {
  const spec = obj.spec as Record<string, unknown> | undefined;
  switch (kind) {
    case 'PodTemplate':
      return (obj as { template?: { metadata?: PodMetaLike; spec?: PodSpecLike } }).template;
    case 'ReplicationController':
    case 'ReplicaSet':
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return spec?.template as { metadata?: PodMetaLike; spec?: PodSpecLike } | undefined;
    case 'CronJob':
      return ((spec?.jobTemplate as { spec?: { template?: unknown } } | undefined)?.spec?.template) as { metadata?: PodMetaLike; spec?: PodSpecLike } | undefined;
    default:
      return undefined;
  }
}

export const WORKLOAD_KINDS: ReadonlyArray<[group: string, kind: string]> = [
  ['', 'PodTemplate'],
  ['', 'ReplicationController'],
  ['apps', 'ReplicaSet'],
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['batch', 'Job'],
  ['batch', 'CronJob'],
];

function evaluate(policy: Policy, labelErrors: FieldError[], meta: PodMetaLike, spec: PodSpecLike, enforce: boolean): PodSecurityOutcome {
  const out: PodSecurityOutcome = { warnings: [], auditAnnotations: {} };
  if (labelErrors.length > 0) out.auditAnnotations.error = `Failed to parse policy: ${labelErrors.map((e) => `${e.field}: ${e.message}`).join(', ')}`;
  const cache = new Map<string, ReturnType<typeof evaluatePod>>();
  const run = (lv: LevelVersion) => {
    const key = levelVersionString(lv);
    let r = cache.get(key);
    if (!r) cache.set(key, (r = evaluatePod(lv, meta, spec)));
    return r;
  };
  if (enforce) {
    out.auditAnnotations[ENFORCED_POLICY_ANNOTATION] = levelVersionString(policy.enforce);
    const r = run(policy.enforce);
    if (r.length > 0) out.forbidden = `violates PodSecurity ${JSON.stringify(levelVersionString(policy.enforce))}: ${forbiddenDetail(r)}`;
  }
  const audit = run(policy.audit);
  if (audit.length > 0) out.auditAnnotations[AUDIT_VIOLATIONS_ANNOTATION] = `would violate PodSecurity ${JSON.stringify(levelVersionString(policy.audit))}: ${forbiddenDetail(audit)}`;
  // No warnings on a request that is refused anyway.
  if (!out.forbidden) {
    const warn = run(policy.warn);
    if (warn.length > 0) out.warnings.push(`would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${forbiddenDetail(warn)}`);
  }
  return out;
}

/** A pod update matters only if something other than images and metadata changed (kube's isSignificantPodUpdate). */
export function isSignificantPodUpdate(pod: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const spec = structuredClone((o.spec ?? {}) as PodSpecLike & Record<string, unknown>);
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) delete (c as { image?: string }).image;
    return spec;
  };
  const apparmor = (o: KubeObject) => Object.entries(o.metadata.annotations ?? {}).filter(([k]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/'));
  return !deepEqual(strip(pod), strip(old)) || !deepEqual(apparmor(pod), apparmor(old));
}

export interface PodRequest {
  operation: 'CREATE' | 'UPDATE';
  subresource?: string;
  namespace: string;
  username: string;
  namespaceLabels: Record<string, string> | undefined;
  object: KubeObject;
  oldObject: KubeObject | null;
}

function exempt(cfg: PodSecurityConfig, req: Pick<PodRequest, 'namespace' | 'username'>): boolean {
  return (cfg.exemptions?.namespaces ?? []).includes(req.namespace) || (cfg.exemptions?.usernames ?? []).includes(req.username);
}

export function validatePod(cfg: PodSecurityConfig, req: PodRequest): PodSecurityOutcome {
  if (req.subresource && IGNORED_POD_SUBRESOURCES.has(req.subresource)) return ALLOW;
  if (exempt(cfg, req)) return ALLOW;
  const { policy, errors } = policyFromLabels(req.namespaceLabels, cfg.defaults);
  if (errors.length === 0 && policy.enforce.level === 'privileged' && policy.audit.level === 'privileged' && policy.warn.level === 'privileged') return ALLOW;
  if (req.operation === 'UPDATE' && req.oldObject && !isSignificantPodUpdate(req.object, req.oldObject)) return ALLOW;
  const spec = (req.object.spec ?? {}) as PodSpecLike & { runtimeClassName?: string };
  if (spec.runtimeClassName && (cfg.exemptions?.runtimeClasses ?? []).includes(spec.runtimeClassName)) return ALLOW;
  return evaluate(policy, errors, req.object.metadata, spec, true);
}

export function validatePodController(cfg: PodSecurityConfig, kind: string, req: Omit<PodRequest, 'operation' | 'oldObject'>): PodSecurityOutcome {
  if (req.subresource) return ALLOW;
  if (exempt(cfg, req)) return ALLOW;
  const { policy, errors } = policyFromLabels(req.namespaceLabels, cfg.defaults);
  if (errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return ALLOW;
  const template = podTemplateOf(kind, req.object);
  if (!template?.spec) return ALLOW;
  const spec = template.spec as PodSpecLike & { runtimeClassName?: string };
  if (spec.runtimeClassName && (cfg.exemptions?.runtimeClasses ?? []).includes(spec.runtimeClassName)) return ALLOW;
  return evaluate(policy, errors, template.metadata ?? {}, spec, false);
}

export interface NamespaceRequest {
  operation: 'CREATE' | 'UPDATE';
  subresource?: string;
  object: KubeObject;
  oldObject: KubeObject | null;
  /** The namespace's pods, read only when the enforce level tightens. */
  pods(): Promise<KubeObject[]>;
}

/** Pods checked at most when a namespace's enforce level tightens (kube's default 3000). */
export const NAMESPACE_MAX_PODS_TO_CHECK = 3000;

export async function validateNamespace(cfg: PodSecurityConfig, req: NamespaceRequest): Promise<PodSecurityOutcome> {
  if (req.subresource) return ALLOW;
  const { policy, errors } = policyFromLabels(req.object.metadata.labels, cfg.defaults);
  if (req.operation === 'CREATE') return errors.length ? { ...ALLOW, invalid: errors } : ALLOW;
  const old = policyFromLabels(req.oldObject?.metadata.labels, cfg.defaults);
  if (errors.length > 0 && (old.errors.length === 0 || !deepEqual(errors, old.errors))) return { ...ALLOW, invalid: errors };
  const next = policy.enforce;
  const prev = old.policy.enforce;
  if (samePolicy(next, prev) || next.level === 'privileged') return ALLOW;
  if (next.minor === prev.minor && compareLevels(next.level, prev.level) < 1) return ALLOW;
  const name = req.object.metadata.name ?? '';
  if ((cfg.exemptions?.namespaces ?? []).includes(name)) return ALLOW;
  return { ...ALLOW, warnings: namespaceWarnings(name, next, await req.pods()) };
}

/** kube's EvaluatePodsInNamespace: one warning per distinct failure, naming the first pod and the count of others. */
export function namespaceWarnings(namespace: string, enforce: LevelVersion, pods: readonly KubeObject[]): string[] {
  const warnings: string[] = [];
  const sorted = [...pods].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const checked = sorted.slice(0, NAMESPACE_MAX_PODS_TO_CHECK);
  const byReason = new Map<string, { first: string; count: number }>();
  for (const pod of checked) {
    const r = evaluatePod(enforce, pod.metadata, (pod.spec ?? {}) as PodSpecLike);
    if (r.length === 0) continue;
    const reason = forbiddenReason(r);
    const seen = byReason.get(reason);
    if (!seen) byReason.set(reason, { first: pod.metadata.name ?? '', count: 1 });
    else seen.count++;
  }
  if (checked.length < sorted.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${sorted.length} existing pods`);
  if (byReason.size > 0) warnings.push(`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionString(enforce))}`);
  const podWarnings = [...byReason.entries()].map(([reason, { first, count }]) => {
    if (count === 1) return `${first}: ${reason}`;
    if (count === 2) return `${first} (and 1 other pod): ${reason}`;
    return `${first} (and ${count - 1} other pods): ${reason}`;
  });
  return [...warnings, ...podWarnings.sort()];
}

export { PRIVILEGED_POLICY };
