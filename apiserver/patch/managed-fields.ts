import { ApiError } from '../errors.js';
import { compareObjects, createdSet, deepEqual } from './field-paths.js';
import { difference, intersection, isEmptySet, isValidFieldSet, members, pathString, union, type FieldSet } from './field-set.js';
import type { PatchMeta } from '../../api/patch-meta.js';

/**
 * metadata.managedFields as kube-apiserver keeps them (k8s.io/apimachinery
 * util/managedfields): one entry per manager identity — manager name, operation (Apply
 * or Update), subresource, and for Update managers the API version — holding the set of
 * fields that manager owns, in FieldsV1.
 *
 * - Update (create, PUT, non-apply PATCH, status and scale writes): the writer takes the
 *   fields it added or changed; everyone loses the fields it changed and the fields it
 *   removed. A writer's entries for the same version merge; the time moves only when it
 *   changed something.
 * - Apply: see apply-patch.ts; conflicts are answered here (conflictError).
 * - managedFields a client sends on an Update replace the stored ones (that is how
 *   kubectl migrates client-side apply to server-side apply); `[]` or `[{}]` clears them;
 *   absent or undecodable ones keep the stored ones, as kube does.
 * - At most 10 Update entries: older ones fold into `ancient-changes`, per version.
 */

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
  subresource?: string;
}

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
  time?: string;
  set: FieldSet;
}

/** Who writes: the manager name, the request's group/version, the subresource, the time. */
export interface Writer {
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: string;
  /** The main resource of a kind with a status subresource: status is nobody's through it. */
  ignoreStatus?: boolean;
}

/**
 * Set only by `npm run bench:ssa` for its reference apiserver: Update operations then
 * keep the stored managedFields instead of recording the writer, so the benchmark can
 * measure what field management costs per create in the same run. Never set otherwise.
 */
export const WITHOUT_MANAGED_FIELDS = process.env.KUBELING_BENCH_WITHOUT_MANAGED_FIELDS === '1';

const MAX_UPDATE_MANAGERS = 10;
const ANCIENT = 'ancient-changes';
const FIELD_MANAGER_MAX_LENGTH = 128;

/** The identity entries merge on: kube's BuildManagerIdentifier (no time; no version for Apply). */
export function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return `${m.operation}\u0000${m.manager}\u0000${m.operation === 'Apply' ? '' : m.apiVersion}\u0000${m.subresource}`;
}

/** The manager of a request without `fieldManager`: the User-Agent up to its first `/`, printable, at most 128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  // Every write asks, and clients send the same few agents: remember the answers.
  const key = userAgent ?? '';
  let out = agentManagers.get(key);
  if (out === undefined) {
    if (agentManagers.size >= MAX_REMEMBERED_AGENTS) agentManagers.clear();
    agentManagers.set(key, (out = managerOfAgent(userAgent)));
  }
  return out;
}

const agentManagers = new Map<string, string>();
const MAX_REMEMBERED_AGENTS = 256;

function managerOfAgent(userAgent: string | undefined): string {
  const head = (userAgent ?? '').split('/')[0];
  let out = '';
  let bytes = 0;
  for (const ch of head) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** Decodes stored or sent entries; undefined when one is not a valid entry (kube then ignores them all). */
export function decodeManagedFields(raw: unknown): Manager[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return undefined;
  const out: Manager[] = [];
  for (const e of raw) {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return undefined;
    const x = e as ManagedFieldsEntry;
    if (x.operation !== 'Apply' && x.operation !== 'Update') return undefined;
    if (typeof x.apiVersion !== 'string' || x.apiVersion === '') return undefined;
    if (x.fieldsType !== 'FieldsV1') return undefined;
    if (x.manager !== undefined && typeof x.manager !== 'string') return undefined;
    if (x.subresource !== undefined && typeof x.subresource !== 'string') return undefined;
    if (x.time !== undefined && x.time !== null && (typeof x.time !== 'string' || Number.isNaN(Date.parse(x.time)))) return undefined;
    const set = x.fieldsV1 ?? {};
    if (!isValidFieldSet(set)) return undefined;
    out.push({
      manager: x.manager ?? '',
      operation: x.operation,
      apiVersion: x.apiVersion,
      subresource: x.subresource ?? '',
      ...(x.time ? { time: x.time } : {}),
      set,
    });
  }
  return out;
}

/** kube's isResetManagedFields: `[]` or `[{}]`. */
export function isReset(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  if (raw.length === 0) return true;
  const e = raw[0] as unknown;
  return raw.length === 1 && e !== null && typeof e === 'object' && !Array.isArray(e) && Object.keys(e).length === 0;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** Entries in kube's order (Apply before Update, then time, manager, version, subresource); undefined when none. */
export function encodeManagedFields(managers: Iterable<Manager>): ManagedFieldsEntry[] | undefined {
  const list = [...managers].filter((m) => !isEmptySet(m.set));
  if (list.length === 0) return undefined;
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
  return list.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set,
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function byId(managers: Manager[]): Map<string, Manager> {
  return new Map(managers.map((m) => [managerId(m), m]));
}

/** Folds the oldest Update entries into `ancient-changes` (one per version) until at most 10 are left. */
export function capUpdateManagers(managers: Map<string, Manager>): void {
  const updaters = [...managers.values()].filter((m) => m.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort((a, b) => seconds(a.time) - seconds(b.time));
  let count = updaters.length;
  for (const m of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    if (m.manager === ANCIENT) continue;
    const bucketId = managerId({ manager: ANCIENT, operation: 'Update', apiVersion: m.apiVersion, subresource: '' });
    const bucket = managers.get(bucketId);
    managers.delete(managerId(m));
    if (bucket) {
      bucket.set = union(bucket.set, m.set);
      if (seconds(m.time) > seconds(bucket.time)) bucket.time = m.time;
      count--;
    } else {
      managers.set(bucketId, { manager: ANCIENT, operation: 'Update', apiVersion: m.apiVersion, subresource: '', time: m.time, set: m.set });
    }
  }
}

type Obj = Record<string, unknown>;
const metaOf = (o: Obj | null): Obj | undefined => (o?.metadata && typeof o.metadata === 'object' ? (o.metadata as Obj) : undefined);

/**
 * The managedFields after an Update operation by `w` that turned `live` (null on create)
 * into `next`. `requested` is the managedFields the client sent (read before the apiserver
 * reset the object's metadata).
 */
export function managedFieldsAfterUpdate(live: Obj | null, requested: unknown, next: Obj, meta: PatchMeta, w: Writer): ManagedFieldsEntry[] | undefined {
  const stored = () => decodeManagedFields(metaOf(live)?.managedFields) ?? [];
  let base: Manager[];
  if (w.subresource) base = stored();
  else if (isReset(requested)) base = [];
  else {
    const sent = decodeManagedFields(requested);
    base = sent && sent.length > 0 ? sent : stored();
  }
  const managers = byId(base);
  let taken: FieldSet;
  let removed: FieldSet = {};
  if (live === null) {
    taken = createdSet(next, meta);
  } else {
    const c = compareObjects(live, next, meta);
    taken = union(c.added, c.modified);
    removed = c.removed;
  }
  if (w.ignoreStatus && taken['f:status']) {
    const { 'f:status': _s, ...rest } = taken;
    taken = rest;
  }
  const lost = union(taken, removed);
  if (!isEmptySet(lost)) for (const m of managers.values()) m.set = difference(m.set, lost);
  const self: Manager = { manager: w.manager || 'unknown', operation: 'Update', apiVersion: w.apiVersion, subresource: w.subresource ?? '', set: {} };
  const id = managerId(self);
  if (!isEmptySet(taken)) {
    const previous = managers.get(id);
    managers.set(id, { ...self, time: w.now, set: previous ? union(previous.set, taken) : taken });
  }
  for (const [k, m] of managers) if (isEmptySet(m.set)) managers.delete(k);
  capUpdateManagers(managers);
  return encodeManagedFields(managers.values());
}

// ---- conflicts ------------------------------------------------------------------

export interface Conflict {
  manager: Manager;
  path: string[];
}

/** How kube names a manager in conflict messages. */
export function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s;
}

/** The conflicts of the fields `changed` with the sets of every manager but `self`. */
export function findConflicts(managers: Map<string, Manager>, selfId: string, changed: FieldSet): Conflict[] {
  const out: Conflict[] = [];
  const ids = [...managers.keys()].filter((id) => id !== selfId).sort();
  for (const id of ids) {
    const m = managers.get(id)!;
    for (const path of members(intersection(m.set, changed))) out.push({ manager: m, path });
  }
  return out;
}

/** kube's 409 for apply conflicts: reason Conflict, one FieldManagerConflict cause per field. */
export function conflictError(conflicts: Conflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const groups = new Map<string, { m: Manager; paths: string[] }>();
    for (const c of conflicts) {
      const id = managerId(c.manager);
      const g = groups.get(id) ?? { m: c.manager, paths: [] };
      g.paths.push(pathString(c.path));
      groups.set(id, g);
    }
    const lines: string[] = [];
    // kube sorts on its JSON manager identifier, which starts with the manager name.
    for (const g of [...groups.values()].sort((a, b) => cmp(a.m.manager, b.m.manager) || cmp(a.m.operation, b.m.operation))) {
      lines.push(`conflicts with ${printManager(g.m)}:`);
      for (const p of g.paths) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

/** Whether two objects are the same once managedFields and resourceVersion are left out. */
export function sameContent(a: Obj, b: Obj): boolean {
  const strip = (o: Obj): Obj => {
    const m = metaOf(o);
    if (!m) return o;
    const { managedFields: _m, resourceVersion: _r, ...rest } = m;
    return { ...o, metadata: rest };
  };
  return deepEqual(strip(a), strip(b));
}
