import type { KubeObject, ResourceType } from '../../api/types.js';
import type { LabelSelectorObject } from '../../api/selector.js';
import { labelSelectorFromObject, matchesLabels } from '../../api/selector.js';
import type { NamedRuleWithOperations, RuleWithOperations } from '../../api/admissionregistration/index.js';
import type { Operation } from './attributes.js';
import { ownGroupVersions } from '../../api/registry.js';

/**
 * Which webhooks and policies a write concerns: kube's rules.Matcher, namespace and
 * object selectors, and matchPolicy. Pure functions over the request's coordinates.
 */

export interface RequestTarget {
  operation: Operation;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespaced: boolean;
  /** The object's name, for resourceNames (empty on a create with generateName). */
  name?: string;
}

const anyOf = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === '*' || v === value);

/** One rule's resources: `*`, `*\/*`, `pods`, `pods/*`, `*\/status`, `pods/status`. */
export function resourceMatches(patterns: readonly string[] | undefined, resource: string, subresource?: string): boolean {
  const sub = subresource ?? '';
  for (const p of patterns ?? []) {
    if (p === '*/*') return true;
    const slash = p.indexOf('/');
    const pr = slash < 0 ? p : p.slice(0, slash);
    const ps = slash < 0 ? '' : p.slice(slash + 1);
    if (pr !== '*' && pr !== resource) continue;
    if (ps === '*' || ps === sub) return true;
  }
  return false;
}

export function ruleMatches(rule: RuleWithOperations | NamedRuleWithOperations, t: RequestTarget): boolean {
  if (!anyOf(rule.operations, t.operation)) return false;
  if (!anyOf(rule.apiGroups, t.group)) return false;
  if (!anyOf(rule.apiVersions, t.version)) return false;
  if (!resourceMatches(rule.resources, t.resource, t.subresource)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && t.namespaced) return false;
  if (scope === 'Namespaced' && !t.namespaced) return false;
  const names = (rule as NamedRuleWithOperations).resourceNames;
  if (names && names.length > 0 && !names.includes(t.name ?? '')) return false;
  return true;
}

/**
 * The versions a request may match in: the addressed one first, then (matchPolicy
 * Equivalent) the kind's other served versions, storage version first.
 */
export function candidateVersions(rt: ResourceType, requestVersion: string, matchPolicy: string | undefined): string[] {
  if (matchPolicy === 'Exact') return [requestVersion];
  const all = [requestVersion, ...ownGroupVersions(rt)];
  return [...new Set(all)];
}

/**
 * The version the rules match the request in, or undefined when they do not. `exclude`
 * rules (policies' excludeResourceRules) veto a match in any version.
 */
export function matchingVersion(
  rules: readonly (RuleWithOperations | NamedRuleWithOperations)[] | undefined,
  rt: ResourceType,
  base: Omit<RequestTarget, 'version' | 'group' | 'resource' | 'namespaced'>,
  requestVersion: string,
  matchPolicy: string | undefined,
  exclude?: readonly NamedRuleWithOperations[],
): string | undefined {
  for (const version of candidateVersions(rt, requestVersion, matchPolicy)) {
    const t: RequestTarget = { ...base, group: rt.group, version, resource: rt.plural, namespaced: rt.namespaced };
    if (exclude?.some((r) => ruleMatches(r, t))) return undefined;
    if ((rules ?? []).some((r) => ruleMatches(r, t))) return version;
  }
  return undefined;
}

export function isEmptySelector(sel: LabelSelectorObject | undefined | null): boolean {
  return !sel || ((!sel.matchLabels || Object.keys(sel.matchLabels).length === 0) && (sel.matchExpressions ?? []).length === 0);
}

export function selectorMatches(sel: LabelSelectorObject | undefined | null, labels: Record<string, string> | undefined): boolean {
  if (isEmptySelector(sel)) return true;
  return matchesLabels(labelSelectorFromObject(sel), labels ?? {});
}

/**
 * objectSelector: the object's or the old object's labels (either); an absent object
 * matches only the empty selector.
 */
export function objectSelectorMatches(sel: LabelSelectorObject | undefined, object: KubeObject | null, oldObject: KubeObject | null): boolean {
  if (isEmptySelector(sel)) return true;
  const reqs = labelSelectorFromObject(sel);
  return [object, oldObject].some((o) => o !== null && matchesLabels(reqs, o.metadata?.labels ?? {}));
}

/**
 * namespaceSelector: the labels of the request's namespace; a Namespace is matched by its
 * own labels; other cluster-scoped objects always match.
 */
export function namespaceSelectorMatches(
  sel: LabelSelectorObject | undefined,
  rt: ResourceType,
  object: KubeObject | null,
  oldObject: KubeObject | null,
  namespaceLabels: Record<string, string> | undefined,
): boolean {
  if (isEmptySelector(sel)) return true;
  if (rt.group === '' && rt.kind === 'Namespace') {
    return selectorMatches(sel, (object ?? oldObject)?.metadata?.labels);
  }
  if (!rt.namespaced) return true;
  return selectorMatches(sel, namespaceLabels);
}
