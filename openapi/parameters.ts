/**
 * The parameters Kubernetes documents on its REST operations, by name, in a
 * format-neutral form (rendered for OpenAPI v3 and Swagger 2.0 by the document builders).
 *
 * kubectl reads these: it sends `fieldValidation` and `--dry-run=server` only when the
 * PATCH operation of the kind lists `fieldValidation` / `dryRun` among its own (operation-
 * level, not path-level) query parameters.
 */

export interface ParamSpec {
  name: string;
  in: 'query' | 'path';
  type: 'string' | 'boolean' | 'integer';
  description: string;
  required?: boolean;
}

const q = (name: string, type: ParamSpec['type'], description: string): ParamSpec => ({ name, in: 'query', type, description });

export const params = {
  name: { name: 'name', in: 'path', type: 'string', required: true, description: 'The name of the object.' } as ParamSpec,
  namespace: {
    name: 'namespace',
    in: 'path',
    type: 'string',
    required: true,
    description: 'The namespace of the objects; names are unique within it.',
  } as ParamSpec,
  pretty: q('pretty', 'string', "When 'true', the answer is indented for reading."),
  dryRun: q(
    'dryRun',
    'string',
    'When present, the request is checked and processed but nothing is stored. The only valid value is All (every dry-run stage).',
  ),
  fieldManager: q(
    'fieldManager',
    'string',
    'The name of the actor making the change, recorded in managedFields. At most 128 printable characters. Required for apply patches.',
  ),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'What to do with unknown or duplicate fields in the body: Ignore drops them silently, Warn drops them and returns a warning header per field (the default), Strict fails the request.',
  ),
  force: q(
    'force',
    'boolean',
    'Apply patches only: take ownership of fields other managers own instead of failing with a conflict. Must be unset for other patch types.',
  ),
  labelSelector: q('labelSelector', 'string', 'Only return objects whose labels match this selector (for example app=web,tier!=db). Everything when empty.'),
  fieldSelector: q('fieldSelector', 'string', 'Only return objects whose fields match this selector (for example metadata.name=web-1). Everything when empty.'),
  limit: q(
    'limit',
    'integer',
    'The most items to return. When more exist, the answer carries a continue token for the next page; every page is read at the same resourceVersion.',
  ),
  continue: q(
    'continue',
    'string',
    'The continue token from a previous page of the same list, to read the next page. It expires after a while (410 Gone); then start again.',
  ),
  resourceVersion: q(
    'resourceVersion',
    'string',
    'Which version of the data to serve: for a list, at least this recent (or exactly it, see resourceVersionMatch); for a watch, the changes after it. Unset means the most recent.',
  ),
  resourceVersionMatch: q(
    'resourceVersionMatch',
    'string',
    'How resourceVersion is read on a list: NotOlderThan or Exact. Only valid together with resourceVersion.',
  ),
  watch: q('watch', 'boolean', 'Stream the changes (added, modified, deleted) of the selected objects instead of listing them.'),
  allowWatchBookmarks: q(
    'allowWatchBookmarks',
    'boolean',
    'Ask for BOOKMARK events on a watch: objects carrying only a resourceVersion, sent now and then so a client can resume a watch cheaply. Ignored without watch.',
  ),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'End the list or watch after this many seconds, whether or not there is activity.'),
  sendInitialEvents: q(
    'sendInitialEvents',
    'boolean',
    'With watch and resourceVersionMatch=NotOlderThan: first send an ADDED event for every existing object, then a bookmark marking the end of that state.',
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'integer',
    'How many seconds the object gets to shut down before it is removed. 0 means immediately; unset means the default of the kind.',
  ),
  propagationPolicy: q(
    'propagationPolicy',
    'string',
    'What happens to dependents: Orphan leaves them, Background deletes them after the owner, Foreground deletes them before the owner.',
  ),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. When true, dependents are orphaned.'),
  ignoreStoreReadErrorWithClusterBreakingPotential: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Delete an object even though it cannot be read from storage (for example it cannot be decoded). Dangerous; off by default.',
  ),
} as const;

export const listParams: ParamSpec[] = [
  params.allowWatchBookmarks,
  params.continue,
  params.fieldSelector,
  params.labelSelector,
  params.limit,
  params.resourceVersion,
  params.resourceVersionMatch,
  params.sendInitialEvents,
  params.timeoutSeconds,
  params.watch,
];

export const writeParams: ParamSpec[] = [params.dryRun, params.fieldManager, params.fieldValidation];

export const patchParams: ParamSpec[] = [...writeParams, params.force];

export const deleteParams: ParamSpec[] = [
  params.dryRun,
  params.gracePeriodSeconds,
  params.ignoreStoreReadErrorWithClusterBreakingPotential,
  params.orphanDependents,
  params.propagationPolicy,
];

export const deleteCollectionParams: ParamSpec[] = [
  params.continue,
  params.dryRun,
  params.fieldSelector,
  params.gracePeriodSeconds,
  params.ignoreStoreReadErrorWithClusterBreakingPotential,
  params.labelSelector,
  params.limit,
  params.orphanDependents,
  params.propagationPolicy,
  params.resourceVersion,
  params.resourceVersionMatch,
  params.sendInitialEvents,
  params.timeoutSeconds,
];
