import type { ResourceType } from '../../api/types.js';

/**
 * GraphQL names for each kind: the object type, its list/event/deletion wrappers, and the
 * root fields (`pod`, `pods`, `createPod`, `watchPods`). Pure functions, so the schema is
 * the same on every start.
 *
 * Kind names are used as they are (`Pod`, `Deployment`); when a kind name occurs in more
 * than one group, or two kinds would produce the same field name, the kinds of non-core
 * groups take their group as a prefix (`AppsDeployment`, `appsDeployment`).
 */

export interface KindNames {
  /** The object type: `Pod`. */
  type: string;
  /** `PodList`, `PodWatchEvent`, `PodDeletion`. */
  listType: string;
  eventType: string;
  deletionType: string;
  /** Query field for one object: `pod`, `configMap`. */
  getField: string;
  /** Query field for a list: `pods`, `configMaps`; `endpointsList` where plural = singular. */
  listField: string;
  createField: string;
  replaceField: string;
  patchField: string;
  deleteField: string;
  /** Subscription field: `watchPods`, `watchEndpoints`. */
  watchField: string;
}

export const upperFirst = (s: string): string => (s === '' ? s : s[0].toUpperCase() + s.slice(1));
export const lowerFirst = (s: string): string => (s === '' ? s : s[0].toLowerCase() + s.slice(1));

/** `apps` → Apps, `rbac.authorization.k8s.io` → RbacAuthorization, core → ''. */
export function groupPrefix(group: string): string {
  const trimmed = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
  return trimmed.split(/[.-]/).filter(Boolean).map(upperFirst).join('');
}

/**
 * The camelCase plural, keeping the kind's word boundaries: (ConfigMap, configmaps) →
 * configMaps, (NetworkPolicy, networkpolicies) → networkPolicies, (Endpoints, endpoints)
 * → endpoints. The letters shared with the lower-cased kind take the kind's case.
 */
export function camelPlural(kind: string, plural: string): string {
  const lower = kind.toLowerCase();
  let shared = 0;
  while (shared < lower.length && shared < plural.length && lower[shared] === plural[shared]) shared++;
  return lowerFirst(kind.slice(0, shared) + plural.slice(shared));
}

/** The English singular of a list field, for naming its item type: containers → container. */
export function singularize(word: string): string {
  if (/ies$/.test(word) && word.length > 3) return word.slice(0, -3) + 'y';
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(ches|shes|sses|uses|xes)$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word) && word.length > 1) return word.slice(0, -1);
  return word;
}

function namesFor(rt: ResourceType, prefixed: boolean): KindNames {
  const prefix = prefixed ? groupPrefix(rt.group) : '';
  const type = prefix + rt.kind;
  const getField = lowerFirst(type);
  const pluralBase = prefixed ? lowerFirst(prefix) + upperFirst(camelPlural(rt.kind, rt.plural)) : camelPlural(rt.kind, rt.plural);
  return {
    type,
    listType: `${type}List`,
    eventType: `${type}WatchEvent`,
    deletionType: `${type}Deletion`,
    getField,
    listField: pluralBase === getField ? `${pluralBase}List` : pluralBase,
    createField: `create${type}`,
    replaceField: `replace${type}`,
    patchField: `patch${type}`,
    deleteField: `delete${type}`,
    watchField: `watch${upperFirst(pluralBase)}`,
  };
}

function allNames(n: KindNames): string[] {
  return Object.values(n);
}

/**
 * Names for every kind, in the given order. A kind of a non-core group is prefixed when
 * any of its names is also produced by another kind.
 */
export function kindNames(rts: readonly ResourceType[]): Map<ResourceType, KindNames> {
  const plain = rts.map((rt) => namesFor(rt, false));
  const count = new Map<string, number>();
  for (const n of plain) for (const name of allNames(n)) count.set(name, (count.get(name) ?? 0) + 1);
  const out = new Map<ResourceType, KindNames>();
  rts.forEach((rt, i) => {
    const clash = allNames(plain[i]).some((name) => (count.get(name) ?? 0) > 1);
    out.set(rt, clash && rt.group !== '' ? namesFor(rt, true) : plain[i]);
  });
  return out;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Whether a JSON property can be a GraphQL field name (`__` is reserved for introspection). */
export function isGraphqlName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && !name.startsWith('__');
}

/** Any text as a GraphQL-safe name part: other characters dropped, a leading digit kept after `_`. */
function safePart(s: string): string {
  const kept = s.replace(/[^_0-9A-Za-z]/g, '');
  return /^[0-9]/.test(kept) ? `_${kept}` : kept;
}

/**
 * Names for a custom kind (a CRD): always prefixed with its group, so a CRD never takes a
 * built-in's name and its names do not change when another CRD comes or goes
 * (stable.example.com CronTab → StableExampleComCronTab, stableExampleComCronTab,
 * stableExampleComCronTabs). Characters GraphQL does not allow are dropped; a name that is
 * still taken (another type or root field of the schema) gets a number: `PodSpec2`.
 */
export function customKindNames(rt: ResourceType, taken: (name: string) => boolean): KindNames {
  const kind = upperFirst(safePart(rt.kind)) || 'Kind';
  const plural = safePart(rt.plural.replace(/[-.]/g, '_')) || 'items';
  const prefix = safePart(groupPrefix(rt.group));
  const base: ResourceType = { ...rt, kind, plural: plural.toLowerCase() };
  const n = namesFor(base, false);
  const type = upperFirst(prefix + n.type);
  const getField = lowerFirst(prefix) + upperFirst(n.getField);
  const listField = lowerFirst(prefix) + upperFirst(n.listField);
  const watchField = `watch${prefix}${n.watchField.slice('watch'.length)}`;
  for (let i = 1; i <= 100; i++) {
    const k = i === 1 ? '' : String(i);
    const names: KindNames = {
      type: type + k,
      listType: `${type}${k}List`,
      eventType: `${type}${k}WatchEvent`,
      deletionType: `${type}${k}Deletion`,
      getField: getField + k,
      listField: listField + k,
      createField: `create${type}${k}`,
      replaceField: `replace${type}${k}`,
      patchField: `patch${type}${k}`,
      deleteField: `delete${type}${k}`,
      watchField: watchField + k,
    };
    const all = allNames(names);
    if (all.every(isGraphqlName) && !all.some(taken)) return names;
  }
  throw new Error(`no free GraphQL name for ${rt.kind}.${rt.group}`);
}
