import type { FlowSchema, FlowSubject, NonResourceRule, PriorityLevelConfiguration, ResourceRule } from '../../api/flowcontrol/index.js';

/**
 * API Priority and Fairness classification, as kube-apiserver's flowcontrol matching:
 * the FlowSchema with the lowest matchingPrecedence (ties: the smaller name) whose rules
 * match the request's user and what it touches wins; its distinguisher splits its
 * traffic into flows (per user or per namespace). Pure: the dispatcher calls it per request.
 */

export interface RequestDigest {
  user: { username: string; groups: readonly string[] };
  /** A resource request (verb, group, resource with `/subresource`, namespace) or a non-resource path. */
  resource?: { verb: string; apiGroup: string; resource: string; subresource?: string; namespace?: string };
  nonResource?: { verb: string; path: string };
}

export interface Classification {
  flowSchema: FlowSchema;
  priorityLevel: PriorityLevelConfiguration;
  /** The flow within the schema (FlowSchema name + distinguisher). */
  flow: string;
}

/** Sorts schemas as kube does: precedence, then name. Call once per configuration. */
export function sortFlowSchemas(schemas: readonly FlowSchema[]): FlowSchema[] {
  return [...schemas].sort((a, b) => (a.spec.matchingPrecedence ?? 1000) - (b.spec.matchingPrecedence ?? 1000) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** The first sorted schema that matches and whose priority level exists; undefined when none. */
export function classify(req: RequestDigest, sorted: readonly FlowSchema[], levels: ReadonlyMap<string, PriorityLevelConfiguration>): Classification | undefined {
  for (const fs of sorted) {
    if (!matchesSchema(req, fs)) continue;
    const pl = levels.get(fs.spec.priorityLevelConfiguration.name);
    if (!pl) continue; // dangling: kube skips it
    const d = fs.spec.distinguisherMethod?.type;
    const by = d === 'ByUser' ? req.user.username : d === 'ByNamespace' ? (req.resource?.namespace ?? '') : '';
    return { flowSchema: fs, priorityLevel: pl, flow: `${fs.metadata.name}/${by}` };
  }
  return undefined;
}

function matchesSchema(req: RequestDigest, fs: FlowSchema): boolean {
  return (fs.spec.rules ?? []).some(
    (rule) =>
      rule.subjects.some((s) => matchesSubject(req.user, s)) &&
      (req.resource ? (rule.resourceRules ?? []).some((r) => matchesResource(req.resource!, r)) : (rule.nonResourceRules ?? []).some((r) => matchesNonResource(req.nonResource!, r))),
  );
}

const SA_PREFIX = 'system:serviceaccount:';

export function matchesSubject(user: RequestDigest['user'], s: FlowSubject): boolean {
  switch (s.kind) {
    case 'User':
      return s.user?.name === '*' || s.user?.name === user.username;
    case 'Group':
      return s.group?.name === '*' || user.groups.includes(s.group?.name ?? '');
    case 'ServiceAccount': {
      if (!user.username.startsWith(SA_PREFIX)) return false;
      const [namespace, name] = user.username.slice(SA_PREFIX.length).split(':');
      return s.serviceAccount?.namespace === namespace && (s.serviceAccount?.name === '*' || s.serviceAccount?.name === name);
    }
    default:
      return false;
  }
}

const has = (list: readonly string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

function matchesResource(r: NonNullable<RequestDigest['resource']>, rule: ResourceRule): boolean {
  if (!has(rule.verbs, r.verb) || !has(rule.apiGroups, r.apiGroup)) return false;
  const full = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  if (!has(rule.resources, full)) return false;
  if (r.namespace === undefined || r.namespace === '') return rule.clusterScope === true;
  return has(rule.namespaces, r.namespace);
}

function matchesNonResource(r: NonNullable<RequestDigest['nonResource']>, rule: NonResourceRule): boolean {
  if (!has(rule.verbs, r.verb)) return false;
  return rule.nonResourceURLs.some((u) => u === '*' || u === r.path || (u.endsWith('/*') && r.path.startsWith(u.slice(0, -1))));
}
