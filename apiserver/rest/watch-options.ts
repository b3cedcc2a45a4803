import type { FieldError } from '../../api/types.js';
import { invalid } from '../errors.js';
import { optionalBoolParam, param, type Query } from './query.js';

/**
 * The streaming-list options of a watch (KEP-3157, "watch-list"), checked as kube-apiserver
 * checks ListOptions: `sendInitialEvents` (true or false) requires
 * `resourceVersionMatch=NotOlderThan`, and a watch may carry `resourceVersionMatch` only
 * with `sendInitialEvents`. A violation is 422 `ListOptions.meta.k8s.io "" is invalid`.
 *
 * Absent `sendInitialEvents` (undefined) keeps the classic semantics: a watch from
 * resourceVersion unset or "0" begins with synthetic ADDED events for the current state.
 */
export interface WatchListOptions {
  /** true: begin with the current state and mark its end with a bookmark; false: no initial state; undefined: classic. */
  sendInitialEvents?: boolean;
}

export function parseWatchListOptions(q: Query): WatchListOptions {
  const sendInitialEvents = optionalBoolParam(q, 'sendInitialEvents');
  const match = param(q, 'resourceVersionMatch') || undefined;
  const errors: FieldError[] = [];
  if (sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errors.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match !== undefined) {
    if (sendInitialEvents === undefined) {
      errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    }
    if (match !== 'NotOlderThan') {
      errors.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: "${match}": supported values: "NotOlderThan"` });
    }
    if (param(q, 'continue')) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  if (errors.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', errors);
  return { sendInitialEvents };
}

/** A list may not ask for initial events (they are a watch's). */
export function checkListHasNoInitialEvents(q: Query): void {
  if (param(q, 'sendInitialEvents') === undefined) return;
  throw invalid('ListOptions', 'meta.k8s.io', '', [forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list')]);
}

function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}
