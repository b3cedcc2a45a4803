import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectReferenceSchema, objectSchema, timeSchema } from '../meta.js';
import { column, nameDescription, since } from '../printers.js';
import { invalid, invalidEach, isDNS1123Subdomain, isQualifiedName, required } from '../validation.js';
import { eventSeriesSchema, eventSourceSchema, eventsV1Conversion } from '../events/event-v1.js';

/** core/v1 Event (the form `kubectl get events` and our controllers use; the storage form of events.k8s.io/v1 too). */
export const eventSchema = objectSchema({
  involvedObject: objectReferenceSchema.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  source: eventSourceSchema.optional(),
  firstTimestamp: timeSchema,
  lastTimestamp: timeSchema,
  count: z.number().int().optional(),
  type: z.string().optional(),
  eventTime: timeSchema,
  series: eventSeriesSchema.optional(),
  action: z.string().optional(),
  related: objectReferenceSchema.optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
});
export type Event = z.infer<typeof eventSchema>;

const limit128 = 'can have at most 128 characters';

/**
 * legacyValidateEvent, as kube-apiserver applies it to core/v1 writes: old-style events
 * (no eventTime) only need the namespaces to agree; new-style ones need the reporting
 * fields, action and reason.
 */
export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  if (!ev.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
    const rc = ev.reportingComponent ?? '';
    // kube reports the internal field name (reportingController) in both groups.
    if (!rc) errs.push(required('reportingController'));
    errs.push(...invalidEach('reportingController', rc, isQualifiedName(rc)));
    const ri = ev.reportingInstance ?? '';
    if (!ri) errs.push(required('reportingInstance'));
    if (ri.length > 128) errs.push(invalid('reportingInstance', '', limit128));
    const action = ev.action ?? '';
    if (!action) errs.push(required('action'));
    if (action.length > 128) errs.push(invalid('action', '', limit128));
    const reason = ev.reason ?? '';
    if (!reason) errs.push(required('reason'));
    if (reason.length > 128) errs.push(invalid('reason', '', limit128));
    if ((ev.message ?? '').length > 1024) errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  errs.push(...invalidEach('namespace', ns, isDNS1123Subdomain(ns)));
  return errs;
}

/** What `source` means to field selectors and the SOURCE column: component, else reportingComponent. */
export function eventSource(ev: Event): string {
  return ev.source?.component || ev.reportingComponent || '';
}

export const eventColumns = [
  column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
  column('Object', 'The object that this event is about.'),
  column(
    'Subobject',
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
    { priority: 1 },
  ),
  column('Source', 'The component reporting this event. Should be a short machine understandable string.', { priority: 1 }),
  column('Message', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { priority: 1 }),
  column('Count', 'The number of times this event has occurred.', { priority: 1 }),
  column('Name', nameDescription, { priority: 1, format: 'name' }),
];

export function eventTableRow(ev: Event, now: number): unknown[] {
  const first = ev.firstTimestamp ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
  let last = ev.lastTimestamp ? since(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = since(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events from the new API carry no count
  }
  const io = ev.involvedObject ?? {};
  const kind = (io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  const source = instance ? `${component}, ${instance}` : component;
  return [last, ev.type ?? '', ev.reason ?? '', target, io.fieldPath ?? '', source, (ev.message ?? '').trim(), first, count, ev.metadata.name ?? ''];
}

const asEvent = (o: KubeObject) => o as unknown as Event;

export const eventResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  categories: [],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: eventSchema,
  // Also served as events.k8s.io/v1 Event: the same objects, renamed fields.
  conversions: [eventsV1Conversion],
  subresources: {},
  hasGeneration: false,
  defaults: () => {},
  validate: (o) => validateEvent(asEvent(o)),
  tableColumns: eventColumns,
  tableRow: (o, now) => eventTableRow(asEvent(o), now),
  fieldSelectors: {
    'involvedObject.kind': (o) => asEvent(o).involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => asEvent(o).involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => asEvent(o).involvedObject?.name ?? '',
    'involvedObject.uid': (o) => asEvent(o).involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => asEvent(o).involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => asEvent(o).involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => asEvent(o).involvedObject?.fieldPath ?? '',
    reason: (o) => asEvent(o).reason ?? '',
    reportingComponent: (o) => asEvent(o).reportingComponent ?? '',
    source: (o) => eventSource(asEvent(o)),
    type: (o) => asEvent(o).type ?? '',
  },
};
