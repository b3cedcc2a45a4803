import tarStream from 'tar-stream';
import { readAll } from './read-all.js';
import { SimFs } from '../sim-fs.js';
import type { Applet, AppletContext } from '../types.js';

/**
 * busybox `tar` over the container's simulated filesystem, enough for `kubectl cp`
 * (which runs `tar -xmf - -C DIR` with the archive on stdin, and `tar cf - PATH` reading
 * it from stdout) and for a user's own `tar cvf`/`tf`/`xvf`. Archives are ustar, made and
 * read with tar-stream. Streams are text here (the shell's pipes carry strings), so an
 * archive travels as its UTF-8 reading: exact for text files, which is all the simulated
 * filesystem holds.
 */

interface TarOptions {
  mode: 'c' | 'x' | 't' | undefined;
  file: string | undefined;
  dir: string | undefined;
  verbose: boolean;
  operands: string[];
}

/** Parses busybox tar's arguments: a first word of bundled letters (with or without '-'), -f FILE, -C DIR, long options ignored. */
export function parseTarArgs(args: string[]): TarOptions | string {
  const o: TarOptions = { mode: undefined, file: undefined, dir: undefined, verbose: false, operands: [] };
  const setMode = (m: TarOptions['mode']): string | undefined => {
    if (o.mode && o.mode !== m) return "tar: multiple archive actions specified";
    o.mode = m;
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (a.startsWith('--')) {
      if (a === '--create' || a === '--extract' || a === '--list') {
        const err = setMode(a === '--create' ? 'c' : a === '--extract' ? 'x' : 't');
        if (err) return err;
      } else if (a.startsWith('--file=')) o.file = a.slice(7);
      else if (a.startsWith('--directory=')) o.dir = a.slice(12);
      else if (a === '--verbose') o.verbose = true;
      // --no-same-owner, --no-same-permissions, --touch…: nothing to do on this filesystem.
      continue;
    }
    const bundled = a.startsWith('-') || (i === 0 && /^[a-zA-Z]+$/.test(a));
    if (!bundled || a === '-') {
      o.operands.push(a);
      continue;
    }
    a = a.replace(/^-/, '');
    for (const ch of a) {
      if (ch === 'c' || ch === 'x' || ch === 't') {
        const err = setMode(ch);
        if (err) return err;
      } else if (ch === 'v') o.verbose = true;
      else if (ch === 'f' || ch === 'C') {
        const v = args[++i];
        if (v === undefined) return `tar: option requires an argument -- '${ch}'`;
        if (ch === 'f') o.file = v;
        else o.dir = v;
      } else if (!'mopzhO'.includes(ch)) return `tar: invalid option -- '${ch}'`;
    }
  }
  if (!o.mode) return 'tar: need at least one of -c, -x or -t';
  return o;
}

function usage(ctx: AppletContext, message: string): number {
  ctx.io.stderr.write(`${message}\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: tar c|x|t [-vokmhpO] [-f TARFILE] [-C DIR] [FILE]...\n`);
  return 1;
}

async function create(ctx: AppletContext, o: TarOptions): Promise<number> {
  const fs = ctx.host.fs;
  const base = SimFs.resolve(ctx.cwd, o.dir ?? '.');
  if (!fs.isDir(base)) {
    ctx.io.stderr.write(`tar: can't change directory to '${o.dir}': No such file or directory\n`);
    return 1;
  }
  if (o.operands.length === 0) {
    ctx.io.stderr.write('tar: empty archive\n');
    return 1;
  }
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  let code = 0;
  let warned = false;
  for (const operand of o.operands) {
    const abs = SimFs.resolve(base, operand);
    if (!fs.get(abs)) {
      ctx.io.stderr.write(`tar: ${operand}: No such file or directory\n`);
      code = 1;
      continue;
    }
    if (operand.startsWith('/') && !warned) {
      ctx.io.stderr.write("tar: removing leading '/' from member names\n");
      warned = true;
    }
    for (const p of fs.walk(abs)) {
      const e = fs.get(p)!;
      // The member name is the operand as given (leading '/' dropped), extended below it.
      const rel = operand.replace(/^\/+/, '').replace(/\/+$/, '');
      const name = (rel + p.slice(abs.length)).replace(/^\/+/, '') || '.';
      const mtime = new Date(e.mtimeMs);
      if (o.verbose) ctx.io.stderr.write(`${name}${e.dir ? '/' : ''}\n`);
      if (e.dir) pack.entry({ name: `${name}/`, type: 'directory', mode: e.mode, mtime });
      else pack.entry({ name, type: 'file', mode: e.mode, mtime }, SimFs.bytesOf(e));
    }
  }
  pack.finalize();
  await collected;
  const archive = Buffer.concat(chunks);
  if (!o.file || o.file === '-') ctx.io.stdout.write(archive.toString(ctx.io.binary ? 'latin1' : 'utf8'));
  else if (fs.writeBytes(SimFs.resolve(ctx.cwd, o.file), archive) !== 'ok') {
    ctx.io.stderr.write(`tar: can't open '${o.file}': No such file or directory\n`);
    return 1;
  }
  return code;
}

async function readArchive(ctx: AppletContext, o: TarOptions): Promise<Buffer | undefined> {
  if (!o.file || o.file === '-') return Buffer.from(await readAll(ctx), ctx.io.binary ? 'latin1' : 'utf8');
  const e = ctx.host.fs.get(SimFs.resolve(ctx.cwd, o.file));
  if (!e || e.dir) {
    ctx.io.stderr.write(`tar: can't open '${o.file}': ${e ? 'Is a directory' : 'No such file or directory'}\n`);
    return undefined;
  }
  return SimFs.bytesOf(e);
}

async function extractOrList(ctx: AppletContext, o: TarOptions): Promise<number> {
  const fs = ctx.host.fs;
  const base = SimFs.resolve(ctx.cwd, o.dir ?? '.');
  if (o.mode === 'x' && !fs.isDir(base)) {
    ctx.io.stderr.write(`tar: can't change directory to '${o.dir}': No such file or directory\n`);
    return 1;
  }
  const archive = await readArchive(ctx, o);
  if (!archive) return 1;
  if (archive.length === 0) {
    ctx.io.stderr.write('tar: short read\n');
    return 1;
  }
  const extract = tarStream.extract();
  extract.end(archive);
  try {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      for await (const c of entry) parts.push(c as Buffer);
      const h = entry.header;
      const name = h.name.replace(/^\/+/, '');
      if (o.mode === 't' || o.verbose) ctx.io.stdout.write(`${name}\n`);
      if (o.mode === 't' || name === '' || name === '.' || name === './') continue;
      const target = SimFs.resolve(base, name);
      if (!target.startsWith(base === '/' ? '/' : `${base}/`) && target !== base) {
        ctx.io.stderr.write(`tar: skipping '${name}': outside the target directory\n`);
        continue;
      }
      if (h.type === 'directory') fs.mkdirp(target, h.mode ?? 0o755);
      else if (h.type === 'file' || h.type === 'contiguous-file') {
        if (fs.writeBytes(target, Buffer.concat(parts), { parents: true, mode: h.mode ?? 0o644 }) === 'isdir') {
          ctx.io.stderr.write(`tar: can't remove old file ${name}: Is a directory\n`);
          return 1;
        }
      }
      // Links and devices are not simulated: skipped as busybox skips what it cannot create.
    }
  } catch {
    ctx.io.stderr.write('tar: invalid tar magic\n');
    return 1;
  }
  return 0;
}

export const tar: Applet = async (ctx) => {
  const o = parseTarArgs(ctx.argv.slice(1));
  if (typeof o === 'string') return usage(ctx, o);
  return o.mode === 'c' ? create(ctx, o) : extractOrList(ctx, o);
};

export const tarApplets: Array<[string, Applet]> = [['tar', tar]];
