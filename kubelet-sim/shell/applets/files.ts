import { readAll } from './read-all.js';
import { SimFs } from '../sim-fs.js';
import type { Applet, AppletContext } from '../types.js';

/** busybox's file applets over the container's simulated filesystem. */

const path = (ctx: AppletContext, p: string) => SimFs.resolve(ctx.cwd, p);
const operands = (argv: string[]) => argv.slice(1).filter((a) => !/^-./.test(a));
const flags = (argv: string[]) => argv.slice(1).filter((a) => /^-./.test(a)).join('');

/** The text of each named file (`-` or none: stdin), or a printed error. */
async function inputs(ctx: AppletContext, name: string, files: string[]): Promise<{ texts: string[]; code: number }> {
  if (files.length === 0) return { texts: [await readAll(ctx)], code: 0 };
  const texts: string[] = [];
  let code = 0;
  for (const f of files) {
    if (f === '-') {
      texts.push(await readAll(ctx));
      continue;
    }
    const e = ctx.host.fs.get(path(ctx, f));
    if (!e) {
      ctx.io.stderr.write(`${name}: can't open '${f}': No such file or directory\n`);
      code = 1;
    } else if (e.dir) {
      ctx.io.stderr.write(`${name}: read error: Is a directory\n`);
      code = 1;
    } else texts.push(e.data);
  }
  return { texts, code };
}

const cat: Applet = async (ctx) => {
  const { texts, code } = await inputs(ctx, 'cat', operands(ctx.argv));
  for (const t of texts) ctx.io.stdout.write(t);
  return code;
};

function modeString(dir: boolean, mode: number): string {
  const bits = 'rwxrwxrwx'.split('').map((c, i) => (mode & (1 << (8 - i)) ? c : '-')).join('');
  return `${dir ? 'd' : '-'}${bits}`;
}

const ls: Applet = async (ctx) => {
  const long = flags(ctx.argv).includes('l');
  const all = flags(ctx.argv).includes('a');
  const targets = operands(ctx.argv);
  let code = 0;
  for (const t of targets.length > 0 ? targets : ['.']) {
    const p = path(ctx, t);
    const e = ctx.host.fs.get(p);
    if (!e) {
      ctx.io.stderr.write(`ls: ${t}: No such file or directory\n`);
      code = 1;
      continue;
    }
    const names = e.dir ? ctx.host.fs.list(p).filter((n) => all || !n.startsWith('.')) : [t];
    if (!long) {
      // busybox writes one name per line unless it writes to a terminal (or with -1).
      const oneColumn = flags(ctx.argv).includes('1') || !ctx.io.tty;
      if (names.length > 0) ctx.io.stdout.write(oneColumn ? names.map((n) => `${n}\n`).join('') : `${names.join('  ')}\n`);
      continue;
    }
    for (const n of names) {
      const entry = e.dir ? ctx.host.fs.get(p === '/' ? `/${n}` : `${p}/${n}`)! : e;
      const date = new Date(entry.mtimeMs).toUTCString().slice(4, 16);
      ctx.io.stdout.write(`${modeString(entry.dir, entry.mode)}    1 root     root     ${String(entry.data.length).padStart(8)} ${date} ${n}\n`);
    }
  }
  return code;
};

const mkdir: Applet = async (ctx) => {
  const parents = flags(ctx.argv).includes('p');
  let code = 0;
  for (const t of operands(ctx.argv)) {
    const p = path(ctx, t);
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    if (ctx.host.fs.get(p) && !parents) {
      ctx.io.stderr.write(`mkdir: can't create directory '${t}': File exists\n`);
      code = 1;
    } else if (!ctx.host.fs.get(p) && ctx.host.fs.readOnlyAt(p)) {
      ctx.io.stderr.write(`mkdir: can't create directory '${t}': Read-only file system\n`);
      code = 1;
    } else if (!parents && !ctx.host.fs.isDir(parent)) {
      ctx.io.stderr.write(`mkdir: can't create directory '${t}': No such file or directory\n`);
      code = 1;
    } else ctx.host.fs.mkdirp(p);
  }
  return code;
};

const rm: Applet = async (ctx) => {
  const f = flags(ctx.argv);
  let code = 0;
  for (const t of operands(ctx.argv)) {
    const res = ctx.host.fs.remove(path(ctx, t), /[rR]/.test(f));
    if (res === 'missing' && !f.includes('f')) {
      ctx.io.stderr.write(`rm: can't remove '${t}': No such file or directory\n`);
      code = 1;
    } else if (res === 'isdir') {
      ctx.io.stderr.write(`rm: '${t}' is a directory\n`);
      code = 1;
    } else if (res === 'rofs') {
      ctx.io.stderr.write(`rm: can't remove '${t}': Read-only file system\n`);
      code = 1;
    }
  }
  return code;
};

const touch: Applet = async (ctx) => {
  let code = 0;
  for (const t of operands(ctx.argv)) {
    const res = ctx.host.fs.write(path(ctx, t), '', { append: true });
    if (res !== 'ok') {
      ctx.io.stderr.write(`touch: ${t}: ${res === 'rofs' ? 'Read-only file system' : 'No such file or directory'}\n`);
      code = 1;
    }
  }
  return code;
};

/** head/tail -n N (also -N). */
function lineCount(argv: string[]): { n: number; files: string[] } {
  let n = 10;
  const files: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-n') n = Number(argv[++i] ?? 10);
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else files.push(a);
  }
  return { n, files };
}

const splitLines = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));

const head: Applet = async (ctx) => {
  const { n, files } = lineCount(ctx.argv);
  const { texts, code } = await inputs(ctx, 'head', files);
  for (const t of texts) for (const l of splitLines(t).slice(0, n)) ctx.io.stdout.write(`${l}\n`);
  return code;
};

const tail: Applet = async (ctx) => {
  const { n, files } = lineCount(ctx.argv);
  const { texts, code } = await inputs(ctx, 'tail', files);
  for (const t of texts) for (const l of splitLines(t).slice(-n)) ctx.io.stdout.write(`${l}\n`);
  return code;
};

const wc: Applet = async (ctx) => {
  const f = flags(ctx.argv);
  const { texts, code } = await inputs(ctx, 'wc', operands(ctx.argv));
  const t = texts.join('');
  const lines = (t.match(/\n/g) ?? []).length;
  const words = t.split(/\s+/).filter(Boolean).length;
  const counts = f === '' ? [lines, words, t.length] : [...(f.includes('l') ? [lines] : []), ...(f.includes('w') ? [words] : []), ...(f.includes('c') ? [t.length] : [])];
  ctx.io.stdout.write(`${counts.map((c) => String(c).padStart(f === '' ? 7 : 0)).join(' ')}\n`);
  return code;
};

const grep: Applet = async (ctx) => {
  const f = flags(ctx.argv);
  const [pattern, ...files] = operands(ctx.argv);
  if (pattern === undefined) {
    ctx.io.stderr.write('BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n');
    return 2;
  }
  let re: RegExp;
  try {
    re = f.includes('F') ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), f.includes('i') ? 'i' : '') : new RegExp(pattern, f.includes('i') ? 'i' : '');
  } catch {
    ctx.io.stderr.write(`grep: bad regex '${pattern}'\n`);
    return 2;
  }
  const { texts, code } = await inputs(ctx, 'grep', files);
  let matched = 0;
  for (const t of texts) {
    for (const l of splitLines(t)) {
      if (re.test(l) === f.includes('v')) continue;
      matched++;
      if (!f.includes('q') && !f.includes('c')) ctx.io.stdout.write(`${l}\n`);
    }
  }
  if (f.includes('c')) ctx.io.stdout.write(`${matched}\n`);
  return code !== 0 ? 2 : matched > 0 ? 0 : 1;
};

export const fileApplets: ReadonlyArray<[string, Applet]> = [
  ['cat', cat],
  ['ls', ls],
  ['mkdir', mkdir],
  ['rm', rm],
  ['touch', touch],
  ['head', head],
  ['tail', tail],
  ['wc', wc],
  ['grep', grep],
];
