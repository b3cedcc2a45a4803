import type { KubeObject, ResourceType } from '../../api/types.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorParseError } from '../../api/selector.js';
import { badRequest } from '../errors.js';

/** A compiled label + field selector. */
export type ObjectFilter = (obj: KubeObject) => boolean;

/**
 * Compiles `labelSelector` and `fieldSelector` query values into one predicate. Unknown
 * field selector paths are refused (400) as kube-apiserver refuses them. `fieldLabels`
 * maps a served version's labels onto the kind's (kube's field label conversion): a label
 * it lacks is refused.
 */
export function compileFilter(rt: ResourceType, labelSelector?: string, fieldSelector?: string, fieldLabels?: Record<string, string>): ObjectFilter | undefined {
  if (!labelSelector && !fieldSelector) return undefined;
  let labels: ReturnType<typeof parseLabelSelector> = [];
  let fields: ReturnType<typeof parseFieldSelector> = [];
  try {
    if (labelSelector) labels = parseLabelSelector(labelSelector);
    if (fieldSelector) fields = parseFieldSelector(fieldSelector);
  } catch (err) {
    if (err instanceof SelectorParseError) throw badRequest(err.message);
    throw err;
  }
  const getters = fieldGetters(rt);
  if (fieldLabels) {
    fields = fields.map((req) => {
      const mapped = Object.hasOwn(fieldLabels, req.field) ? fieldLabels[req.field] : undefined;
      if (mapped === undefined) throw badRequest(`field label not supported: ${req.field}`);
      return { ...req, field: mapped };
    });
  }
  for (const req of fields) {
    if (!getters[req.field]) {
      throw badRequest(`field label not supported: ${req.field}`);
    }
  }
  return (obj) =>
    matchesLabels(labels, obj.metadata.labels ?? {}) &&
    matchesFields(fields, (field) => getters[field]?.(obj));
}

function fieldGetters(rt: ResourceType): Record<string, (obj: KubeObject) => string | undefined> {
  return {
    'metadata.name': (o) => o.metadata.name ?? '',
    ...(rt.namespaced ? { 'metadata.namespace': (o: KubeObject) => o.metadata.namespace ?? '' } : {}),
    ...(rt.fieldSelectors ?? {}),
  };
}
