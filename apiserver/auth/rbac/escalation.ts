import type { PolicyRule } from '../../../api/rbac/index.js';
import type { UserInfo } from '../authenticator.js';

/**
 * RBAC escalation prevention, as kube's rbac registry (ConfirmNoEscalation and
 * validation.Covers): a user may only create or change a Role, or bind one, when every
 * permission in it is one the user already holds (unless allowed the `escalate` or `bind`
 * verb). Pure: the caller supplies the user's rules.
 */

/** One verb on one group/resource/name, or one verb on one URL (kube's BreakdownRule). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const verbs = rule.verbs ?? [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        for (const name of names) out.push({ apiGroups: [group], resources: [resource], resourceNames: [name], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

const has = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).includes('*') || (list ?? []).includes(value);

function resourceCovers(owner: readonly string[] | undefined, requested: string): boolean {
  if (has(owner, requested)) return true;
  // `*/scale` covers `deployments/scale`; a resource rule never covers a `*` request.
  const slash = requested.indexOf('/');
  return slash >= 0 && (owner ?? []).includes(`*${requested.slice(slash)}`);
}

function urlCovers(owner: readonly string[] | undefined, requested: string): boolean {
  return (owner ?? []).some((u) => u === '*' || u === requested || (u.endsWith('*') && requested.startsWith(u.slice(0, -1))));
}

/** Does one of the owner's rules cover this atomic rule (kube's ruleCovers)? */
function covered(owner: readonly PolicyRule[], atom: PolicyRule): boolean {
  const verb = atom.verbs![0]!;
  return owner.some((r) => {
    if (!has(r.verbs, verb)) return false;
    if (atom.nonResourceURLs) return urlCovers(r.nonResourceURLs, atom.nonResourceURLs[0]!);
    if (!has(r.apiGroups, atom.apiGroups![0]!) || !resourceCovers(r.resources, atom.resources![0]!)) return false;
    const names = r.resourceNames ?? [];
    return names.length === 0 || (atom.resourceNames !== undefined && names.includes(atom.resourceNames[0]!));
  });
}

/**
 * The requested permissions the owner does not hold, merged as kube's compactRules does
 * (the verbs of one group/resource/name together) and sorted by their printed form.
 */
export function missingRules(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  const missing = requested.flatMap(breakdownRule).filter((atom) => !covered(owner, atom));
  const merged = new Map<string, PolicyRule>();
  for (const atom of missing) {
    const key = JSON.stringify([atom.apiGroups, atom.resources, atom.resourceNames, atom.nonResourceURLs]);
    const prior = merged.get(key);
    if (prior) {
      if (!prior.verbs!.includes(atom.verbs![0]!)) prior.verbs!.push(atom.verbs![0]!);
    } else merged.set(key, { ...atom, verbs: [...atom.verbs!] });
  }
  return [...merged.values()].sort((a, b) => compactString(a).localeCompare(compactString(b)));
}

/** Go's %q of a []string: ["a" "b"]. */
const quoted = (list: readonly string[]): string => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

/** kube's PolicyRule.CompactString: {APIGroups:[""], Resources:["pods"], Verbs:["get"]}. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${quoted(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${quoted(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${quoted(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${quoted(rule.resourceNames)}`);
  if (rule.verbs?.length) parts.push(`Verbs:${quoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** The reason kube gives, after `<resource> "<name>" is forbidden: `. */
export function escalationMessage(user: UserInfo, missing: readonly PolicyRule[]): string {
  return `user ${JSON.stringify(user.username)} (groups=${quoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compactString).join('\n')}`;
}
