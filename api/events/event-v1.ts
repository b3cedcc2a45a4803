import { z } from 'zod';
import type { FieldError, KubeObject, VersionConversion } from '../types.js';
import { objectReferenceSchema, objectSchema, timeSchema } from '../meta.js';
import { invalid, required, validateImmutable } from '../validation.js';

/**
 * events.k8s.io/v1 Event: the same stored object as core/v1 Event (kube keeps one internal
 * type and one storage, /registry/events/<ns>/<name>), served in another group with
 * renamed fields. kube's conversion (pkg/apis/events/v1/conversion.go) renames
 * involvedObject→regarding, message→note, source→deprecatedSource,
 * firstTimestamp/lastTimestamp/count→deprecated*, reportingComponent→reportingController;
 * every other field (eventTime, series, action, reason, type, related, reportingInstance)
 * is the same field in both.
 */
/** EventSeries and EventSource: one schema each, shared with core/v1 Event (one OpenAPI definition). */
export const eventSeriesSchema = z.object({ count: z.number().int().optional(), lastObservedTime: timeSchema });
export const eventSourceSchema = z.object({ component: z.string().optional(), host: z.string().optional() });

export const eventV1Schema = objectSchema({
  eventTime: timeSchema,
  series: eventSeriesSchema.optional(),
  reportingController: z.string().optional(),
  reportingInstance: z.string().optional(),
  action: z.string().optional(),
  reason: z.string().optional(),
  regarding: objectReferenceSchema.optional(),
  related: objectReferenceSchema.optional(),
  note: z.string().optional(),
  type: z.string().optional(),
  deprecatedSource: eventSourceSchema.optional(),
  deprecatedFirstTimestamp: timeSchema,
  deprecatedLastTimestamp: timeSchema,
  deprecatedCount: z.number().int().optional(),
});
export type EventV1 = z.infer<typeof eventV1Schema>;

/** [core/v1 field, events.k8s.io/v1 field]: the renamed ones; the rest keep their names. */
const RENAMED: ReadonlyArray<readonly [string, string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];
const SAME = ['eventTime', 'series', 'action', 'reason', 'type', 'related', 'reportingInstance'] as const;

function renameFields(obj: KubeObject, pairs: ReadonlyArray<readonly [string, string]>): KubeObject {
  const out: KubeObject = { metadata: obj.metadata };
  if (obj.apiVersion !== undefined) out.apiVersion = obj.apiVersion;
  if (obj.kind !== undefined) out.kind = obj.kind;
  for (const [from, to] of pairs) if (obj[from] !== undefined) out[to] = obj[from];
  for (const f of SAME) if (obj[f] !== undefined) out[f] = obj[f];
  return out;
}

const TO_V1 = RENAMED;
const FROM_V1 = RENAMED.map(([core, v1]) => [v1, core] as const);

/** A stored (core/v1) Event in events.k8s.io/v1. `regarding` is not omitempty in kube (a struct): always present. */
export function eventToV1(obj: KubeObject): KubeObject {
  const out = renameFields(obj, TO_V1);
  out.regarding = out.regarding ?? {};
  return out;
}

/** An events.k8s.io/v1 Event in the storage form (core/v1). */
export function eventFromV1(obj: KubeObject): KubeObject {
  return renameFields(obj, FROM_V1);
}

/**
 * Field selector labels of events.k8s.io/v1 → core's selectable fields (kube's
 * AddFieldLabelConversionsForEvent for events/v1); any other label is refused.
 */
export const eventV1FieldLabels: Record<string, string> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  source: 'source',
  type: 'type',
  'metadata.namespace': 'metadata.namespace',
  'metadata.name': 'metadata.name',
};

type StoredEvent = KubeObject & {
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string | null };
  type?: string;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  source?: { component?: string; host?: string };
};

/** validateV1EventSeries: a series counts at least 2 occurrences and has a last observed time. */
function validateSeries(ev: StoredEvent): FieldError[] {
  if (!ev.series) return [];
  const errs: FieldError[] = [];
  if ((ev.series.count ?? 0) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!ev.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/**
 * The strict validation kube applies to writes through events.k8s.io/v1, on top of the
 * legacy one every Event gets (api/core/event.ts validateEvent): ValidateEventCreate and
 * ValidateEventUpdate for requestVersion events.k8s.io/v1. Field paths are the internal
 * (core) names, as kube reports them.
 */
export function validateEventV1(obj: KubeObject, old?: KubeObject): FieldError[] {
  const ev = obj as StoredEvent;
  if (!old) {
    const errs = validateSeries(ev);
    if (!ev.eventTime) errs.push(required('eventTime'));
    if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${ev.type ?? ''}`));
    if (ev.firstTimestamp) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
    if (ev.lastTimestamp) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
    if (ev.count) errs.push(invalid('count', '', 'needs to be unset'));
    if (ev.source?.component || ev.source?.host) errs.push(invalid('source', '', 'needs to be unset'));
    return errs;
  }
  const prev = old as StoredEvent;
  const errs: FieldError[] = [];
  if (JSON.stringify(ev.series ?? null) !== JSON.stringify(prev.series ?? null)) errs.push(...validateSeries(ev));
  const immutable: Array<[string, unknown, unknown]> = [
    ['involvedObject', ev.involvedObject ?? {}, prev.involvedObject ?? {}],
    ['reason', ev.reason ?? '', prev.reason ?? ''],
    ['message', ev.message ?? '', prev.message ?? ''],
    ['source', ev.source ?? {}, prev.source ?? {}],
    ['firstTimestamp', ev.firstTimestamp ?? null, prev.firstTimestamp ?? null],
    ['lastTimestamp', ev.lastTimestamp ?? null, prev.lastTimestamp ?? null],
    ['count', ev.count ?? 0, prev.count ?? 0],
    ['reason', ev.reason ?? '', prev.reason ?? ''],
    ['type', ev.type ?? '', prev.type ?? ''],
    ['eventTime', ev.eventTime ?? null, prev.eventTime ?? null],
    ['action', ev.action ?? '', prev.action ?? ''],
    ['related', ev.related ?? null, prev.related ?? null],
    ['reportingController', ev.reportingComponent ?? '', prev.reportingComponent ?? ''],
    ['reportingInstance', ev.reportingInstance ?? '', prev.reportingInstance ?? ''],
  ];
  for (const [field, now, before] of immutable) errs.push(...validateImmutable(now, before, field));
  return errs;
}

/** events.k8s.io/v1 as a view of the stored core/v1 Event. */
export const eventsV1Conversion: VersionConversion = {
  group: 'events.k8s.io',
  version: 'v1',
  schema: eventV1Schema,
  fromStorage: eventToV1,
  toStorage: eventFromV1,
  fieldLabels: eventV1FieldLabels,
  validate: validateEventV1,
};
