/**
 * Node selector matching (component-helpers nodeaffinity): nodeSelector maps, and
 * nodeSelectorTerms — terms ORed, requirements within a term ANDed, a term with no
 * requirements matching nothing, and a term with a malformed requirement ignored.
 */
import type { NodeSelectorRequirementLike, NodeSelectorTermLike, PodLike } from '../types.js';

export const OBJECT_NAME_FIELD = 'metadata.name';

type Labels = Readonly<Record<string, string>>;

const intRe = /^[+-]?[0-9]+$/;

/** Whether a requirement is well formed (the checks labels.NewRequirement makes). */
function validRequirement(r: NodeSelectorRequirementLike): boolean {
  const n = r.values?.length ?? 0;
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      return n > 0;
    case 'Exists':
    case 'DoesNotExist':
      return n === 0;
    case 'Gt':
    case 'Lt':
      return n === 1 && intRe.test(r.values![0]!);
    default:
      return false;
  }
}

/** One matchExpressions requirement against node labels. Malformed: false. */
export function matchesLabelRequirement(r: NodeSelectorRequirementLike, labels: Labels): boolean {
  if (!validRequirement(r)) return false;
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'In':
      return v !== undefined && r.values!.includes(v);
    case 'NotIn':
      return v === undefined || !r.values!.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || !intRe.test(v)) return false;
      const a = BigInt(v);
      const b = BigInt(r.values![0]!);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** One matchFields requirement: only metadata.name with In/NotIn and one value. */
export function matchesFieldRequirement(r: NodeSelectorRequirementLike, nodeName: string): boolean {
  if (r.key !== OBJECT_NAME_FIELD || r.values?.length !== 1) return false;
  if (r.operator === 'In') return nodeName === r.values[0];
  if (r.operator === 'NotIn') return nodeName !== r.values[0];
  return false;
}

export function matchesTerm(term: NodeSelectorTermLike, labels: Labels, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!matchesLabelRequirement(r, labels)) return false;
  for (const r of fields) if (!matchesFieldRequirement(r, nodeName)) return false;
  return true;
}

export function matchesAnyTerm(terms: readonly NodeSelectorTermLike[], labels: Labels, nodeName: string): boolean {
  for (const t of terms) if (matchesTerm(t, labels, nodeName)) return true;
  return false;
}

export function matchesNodeSelector(selector: Labels | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

export type NodeMatcher = (labels: Labels, nodeName: string) => boolean;

/**
 * The pod's hard placement rule — nodeSelector AND (any required affinity term) — as a
 * function prepared once per pod (the selector's entries taken out of the object once).
 */
export function compileRequiredNodeAffinity(pod: PodLike): NodeMatcher {
  const selector = Object.entries(pod.spec?.nodeSelector ?? {});
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return (labels, nodeName) => {
    for (const [k, v] of selector) if (labels[k] !== v) return false;
    return terms === undefined || matchesAnyTerm(terms, labels, nodeName);
  };
}

export function requiredNodeAffinityMatches(pod: PodLike, labels: Labels, nodeName: string): boolean {
  return compileRequiredNodeAffinity(pod)(labels, nodeName);
}
