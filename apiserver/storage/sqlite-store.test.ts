import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock.js';
import { prefixEnd } from './sqlite-schema.js';
import { createSqliteStore, toStoreError } from './sqlite-store.js';
import { Recorder, storeContract } from './store-contract.js';
import type { Store } from './store.js';

storeContract('sqlite in memory', async () => createSqliteStore({ path: ':memory:' }));

let fileDir: string | undefined;
storeContract(
  'sqlite file',
  async () => {
    fileDir = mkdtempSync(join(tmpdir(), 'kubeling-sqlite-'));
    return createSqliteStore({ path: join(fileDir, 'state.db') });
  },
  () => rmSync(fileDir!, { recursive: true, force: true }),
);

describe('sqlite store specifics', () => {
  let dir: string;
  const stores: Store[] = [];
  const open = (opts: Partial<Parameters<typeof createSqliteStore>[0]> = {}): Store => {
    const store = createSqliteStore({ path: join(dir, 'state.db'), ...opts });
    stores.push(store);
    return store;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeling-sqlite-'));
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data, revisions and the compaction point across close and reopen', async () => {
    const first = open();
    const a = await first.create('/registry/pods/ns/a', 'a1');
    const a2 = await first.update(a.key, 'a2', a.modRevision);
    const b = await first.create('/registry/pods/ns/b', 'b1');
    await first.delete(b.key);
    await first.compact(a2.modRevision);
    await first.close();

    const second = open();
    expect(await second.get(a.key)).toEqual(a2);
    expect(await second.get(b.key)).toBeNull();
    expect(await second.currentRevision()).toBe(b.modRevision + 1);
    expect(await second.compactedRevision()).toBe(a2.modRevision + 1);
    const c = await second.create('/registry/pods/ns/c', 'c1');
    expect(c.modRevision).toBe(b.modRevision + 2);
  });

  it('never reuses a revision, even when compaction removed the newest rows', async () => {
    const store = open();
    const a = await store.create('/registry/pods/ns/a', 'a1');
    const del = await store.delete(a.key);
    await store.compact(del.modRevision);
    await store.close();
    const again = open();
    expect(await again.currentRevision()).toBe(del.modRevision);
    expect((await again.create(a.key, 'a2')).modRevision).toBe(del.modRevision + 1);
  });

  it('physically removes superseded rows and tombstones at or before the compaction point', async () => {
    const store = open({ compactEvery: 0 });
    const a = await store.create('/registry/pods/ns/a', '1');
    const a2 = await store.update(a.key, '2', a.modRevision);
    const b = await store.create('/registry/pods/ns/b', '1');
    await store.delete(b.key);
    const a3 = await store.update(a.key, '3', a2.modRevision);
    await store.compact(a3.modRevision - 1);
    const rows = new Database(join(dir, 'state.db'), { readonly: true });
    const ids = rows.prepare('SELECT id FROM kv ORDER BY id').all() as Array<{ id: number }>;
    rows.close();
    // a2 is the newest row of a at the compaction point; a3 is after it.
    expect(ids.map((r) => r.id)).toEqual([a2.modRevision, a3.modRevision]);
    expect((await store.list('/registry/pods/', { revision: a3.modRevision - 1 })).items.map((i) => i.value)).toEqual(['2']);
  });

  it('compacts in the background, keeping the newest revisions', async () => {
    const clock = new FakeClock();
    const store = open({ clock, compactEvery: 60_000, keepRevisions: 2 });
    let kv = await store.create('/registry/cm/ns/a', '0');
    for (let i = 1; i <= 5; i++) kv = await store.update(kv.key, String(i), kv.modRevision);
    expect(await store.compactedRevision()).toBe(1);
    clock.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.compactedRevision()).toBe(kv.modRevision - 2 + 1);
    expect(await store.get(kv.key)).toEqual(kv);
  });

  it('reports progress to open watches on the clock', async () => {
    const clock = new FakeClock();
    const store = open({ clock, progressIntervalMs: 1000 });
    const rec = new Recorder();
    const w = await store.watch('/registry/pods/', {}, rec.handlers);
    await store.create('/registry/other/ns/a', 'x');
    clock.advance(1000);
    await rec.waitForProgress(1);
    expect(rec.progress).toEqual([await store.currentRevision()]);
    w.close();
    clock.advance(1000);
    await Promise.resolve();
    expect(rec.progress).toHaveLength(1);
  });

  it('acknowledged writes survive a killed process', async () => {
    const path = join(dir, 'killed.db');
    const storeModule = transpileForNode(join(import.meta.dirname, 'sqlite-store.ts'), join(dir, 'js'));
    const script = `
      import { createSqliteStore } from ${JSON.stringify(pathToFileURL(storeModule).href)};
      const store = createSqliteStore({ path: ${JSON.stringify(path)} });
      const kv = await store.create('/registry/pods/ns/durable', 'kept');
      process.stdout.write(JSON.stringify(kv) + '\\n', () => process.kill(process.pid, 'SIGKILL'));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    // The child acknowledges the write on stdout, then SIGKILLs itself without closing.
    expect(child.signal).toBe('SIGKILL');
    const ack = JSON.parse(child.stdout.trim()) as { modRevision: number };
    const store = open({ path });
    expect(await store.get('/registry/pods/ns/durable')).toMatchObject({ value: 'kept', modRevision: ack.modRevision });
  });
});

describe('prefixEnd', () => {
  it.each([
    ['/registry/pods/', '/registry/pods0'],
    ['a', 'b'],
    ['a\uffff', 'b'],
    ['', '\u{10FFFF}'],
  ])('%j ends at %j', (prefix, end) => {
    expect(prefixEnd(prefix)).toBe(end);
  });
});

describe('sqlite toStoreError', () => {
  it.each([
    [{ code: 'SQLITE_BUSY', message: 'database is locked' }, 'Unavailable'],
    [{ code: 'SQLITE_IOERR_FSYNC', message: 'disk I/O error' }, 'Unavailable'],
    [new TypeError('The database connection is not open'), 'Unavailable'],
    [{ code: 'SQLITE_CORRUPT', message: 'malformed' }, 'Internal'],
    [new Error('boom'), 'Internal'],
  ])('%j → %s', (err, code) => {
    const mapped = toStoreError(Object.assign(new Error((err as Error).message), err));
    expect(mapped.code).toBe(code);
  });
});

/**
 * Compiles entry and the relative modules it imports to plain JavaScript under outDir
 * (with node_modules linked), so a child `node` process can run the real store code.
 * Returns the compiled entry's path.
 */
function transpileForNode(entry: string, outDir: string): string {
  const root = resolve(import.meta.dirname, '../..');
  mkdirSync(outDir, { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'));
  const done = new Set<string>();
  const visit = (file: string): void => {
    if (done.has(file)) return;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) visit(resolve(dirname(file), `${m[1]}.ts`));
  };
  visit(entry);
  return join(outDir, relative(root, entry)).replace(/\.ts$/, '.js');
}
