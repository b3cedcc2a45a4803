import type BetterSqlite3 from 'better-sqlite3';

type Statement<P extends unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

/**
 * The kine-style layout: one append-only table where every write is a row and the row id
 * is the store revision. A key's state at revision R is its latest row with id <= R; a
 * tombstone row (deleted = 1) ends the key and keeps the value it had, for delete events.
 * prev_revision links a row to the key's row before it (0 for the first), which gives
 * watch events their previous value, and UNIQUE(name, prev_revision) makes a racing
 * second writer of the same key (another process) fail instead of forking the history.
 * meta holds the compaction point ('compact_rev') and how far rows were physically
 * removed ('physical_rev').
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev ON kv (name, prev_revision);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

export interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

export interface HistoryRow extends Row {
  prev_value: string | null;
}

/** Range bounds: names in [start, end) and strictly after `after`, at or before `rev`. */
export interface RangeParams {
  start: string;
  end: string;
  after: string;
  rev: number;
}

export interface Statements {
  revision: Statement<[], { seq: number }>;
  latest: Statement<[string], Row>;
  insert: Statement<[Row]>;
  /** SQLite takes the bare columns from the MAX(id) row of each group. */
  listPage: Statement<[RangeParams & { limit: number }], Row>;
  countRange: Statement<[RangeParams], { n: number }>;
  /** Walks rows by id (the unary + keeps SQLite off the name index), oldest first. */
  history: Statement<[{ start: string; end: string; after: number }], HistoryRow>;
  metaGet: Statement<[string], { value: number }>;
  metaSet: Statement<[string, number]>;
  deleteSuperseded: Statement<[{ lo: number; hi: number }]>;
  deleteTombstones: Statement<[{ lo: number; hi: number }]>;
}

/** Opens the schema on db and prepares every statement the store uses. */
export function prepareSchema(db: BetterSqlite3.Database): Statements {
  db.exec(SCHEMA);
  const range = 'name >= @start AND name < @end AND name > @after AND id <= @rev';
  return {
    revision: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'kv'"),
    latest: db.prepare<[string], Row>('SELECT * FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1'),
    insert: db.prepare<[Row]>(
      'INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value) ' +
        'VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, @value)',
    ),
    listPage: db.prepare<[RangeParams & { limit: number }], Row>(
      `SELECT MAX(id) AS id, name, created, deleted, create_revision, prev_revision, value FROM kv
       WHERE ${range} GROUP BY name HAVING deleted = 0 ORDER BY name LIMIT @limit`,
    ),
    countRange: db.prepare<[RangeParams], { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT MAX(id), deleted FROM kv WHERE ${range} GROUP BY name HAVING deleted = 0)`,
    ),
    history: db.prepare<[{ start: string; end: string; after: number }], HistoryRow>(
      `SELECT k.*, p.value AS prev_value FROM kv k LEFT JOIN kv p ON p.id = k.prev_revision
       WHERE k.id > @after AND +k.name >= @start AND +k.name < @end ORDER BY k.id`,
    ),
    metaGet: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?'),
    metaSet: db.prepare<[string, number]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    // A row is superseded at revision C when a later row of its key, also <= C, names it
    // as prev_revision; tombstones <= C go too, since the key is absent either way.
    deleteSuperseded: db.prepare<[{ lo: number; hi: number }]>(
      'DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > @lo AND id <= @hi AND prev_revision > 0)',
    ),
    deleteTombstones: db.prepare<[{ lo: number; hi: number }]>('DELETE FROM kv WHERE id > @lo AND id <= @hi AND deleted = 1'),
  };
}

/** The smallest string above every string starting with prefix (exclusive range end). */
export function prefixEnd(prefix: string): string {
  let p = prefix;
  while (p.length > 0 && p.charCodeAt(p.length - 1) === 0xffff) p = p.slice(0, -1);
  // U+10FFFF encodes above every other UTF-8 sequence, so it bounds "all keys".
  if (p.length === 0) return '\u{10FFFF}';
  return p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);
}
