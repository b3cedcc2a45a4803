import { SimFs } from './sim-fs.js';
import { testExpression } from './test-expr.js';
import { ExitShell, LoopControl, type Io, type ShellHost } from './types.js';

/**
 * The builtins of busybox `sh`: what changes the shell itself (exit, cd, export, set,
 * read, break…) and the few programs ash runs in-process (echo, printf, test, true…).
 */

/** The part of the Shell a builtin may use. */
export interface BuiltinShell {
  readonly host: ShellHost;
  readonly name: string;
  readonly vars: Map<string, string>;
  readonly exported: Set<string>;
  positional: string[];
  status: number;
  cwd: string;
  inLoop(): boolean;
  exec(argv: string[], io: Io, signal: AbortSignal): Promise<number>;
  runScript(text: string, io: Io, signal: AbortSignal): Promise<number>;
}

export type Builtin = (sh: BuiltinShell, argv: string[], io: Io, signal: AbortSignal) => Promise<number>;

/** Builtins that busybox also installs as programs (/bin/echo…): exec can run them, not `exit` or `cd`. */
export const PROGRAM_BUILTINS = new Set(['echo', 'printf', 'test', '[', 'true', 'false']);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** echo as busybox's: -n, -e, -E; escapes only with -e. */
export function echoText(args: string[]): string {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    for (const f of args[i]!.slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = args.slice(i).join(' ');
  if (escapes) {
    const cut = text.indexOf('\\c');
    if (cut >= 0) {
      text = text.slice(0, cut);
      newline = false;
    }
    text = unescape(text);
  }
  return newline ? `${text}\n` : text;
}

function unescape(text: string): string {
  return text.replace(/\\([ntr\\ae]|0[0-7]{0,3})/g, (_m, e: string) => {
    if (e.startsWith('0')) return String.fromCharCode(parseInt(e, 8) || 0);
    return { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', e: '\x1b' }[e] ?? e;
  });
}

/** printf FORMAT [ARG…]: %s %d %i %x %o %c %%, escapes; the format is reused while arguments remain. */
export function printfText(format: string, args: string[]): string {
  let out = '';
  let k = 0;
  do {
    out += unescape(format).replace(/%([-0 ]?\d*)([sdixoc%])/g, (_m, width: string, conv: string) => {
      if (conv === '%') return '%';
      const a = args[k++] ?? '';
      let v: string;
      if (conv === 's') v = a;
      else if (conv === 'c') v = a.slice(0, 1);
      else {
        const n = Math.trunc(Number(a) || 0);
        v = conv === 'x' ? n.toString(16) : conv === 'o' ? n.toString(8) : String(n);
      }
      const w = Number(width.replace(/[-0 ]/, '')) || 0;
      if (v.length >= w) return v;
      if (width.startsWith('-')) return v.padEnd(w);
      return v.padStart(w, width.startsWith('0') ? '0' : ' ');
    });
  } while (k > 0 && k < args.length);
  return out;
}

function loopCount(sh: BuiltinShell, argv: string[], io: Io): number | undefined {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 1) {
    io.stderr.write(`${sh.name}: ${argv[0]}: Illegal number: ${argv[1]}\n`);
    return undefined;
  }
  return n;
}

export const builtins = new Map<string, Builtin>([
  [':', async () => 0],
  ['true', async () => 0],
  ['false', async () => 1],
  [
    'echo',
    async (_sh, argv, io) => {
      io.stdout.write(echoText(argv.slice(1)));
      return 0;
    },
  ],
  [
    'printf',
    async (sh, argv, io) => {
      if (argv.length < 2) {
        io.stderr.write('printf: usage: printf FORMAT [ARG]...\n');
        return 1;
      }
      io.stdout.write(printfText(argv[1]!, argv.slice(2)));
      return 0;
    },
  ],
  ['test', async (sh, argv, io) => testExpression(argv.slice(1), sh, io)],
  [
    '[',
    async (sh, argv, io) => {
      if (argv[argv.length - 1] !== ']') {
        io.stderr.write(`${sh.name}: [: missing ]\n`);
        return 2;
      }
      return testExpression(argv.slice(1, -1), sh, io);
    },
  ],
  [
    'exit',
    async (sh, argv, io) => {
      if (argv.length === 1) throw new ExitShell(sh.status);
      const n = Number(argv[1]);
      if (!/^-?\d+$/.test(argv[1]!)) {
        io.stderr.write(`${sh.name}: exit: Illegal number: ${argv[1]}\n`);
        throw new ExitShell(2);
      }
      throw new ExitShell(((n % 256) + 256) % 256);
    },
  ],
  [
    'break',
    async (sh, argv, io) => {
      if (!sh.inLoop()) return 0;
      const n = loopCount(sh, argv, io);
      if (n === undefined) return 2;
      throw new LoopControl('break', n);
    },
  ],
  [
    'continue',
    async (sh, argv, io) => {
      if (!sh.inLoop()) return 0;
      const n = loopCount(sh, argv, io);
      if (n === undefined) return 2;
      throw new LoopControl('continue', n);
    },
  ],
  [
    'export',
    async (sh, argv, io) => {
      if (argv.length === 1 || argv[1] === '-p') {
        for (const n of [...sh.exported].sort()) io.stdout.write(`export ${n}='${(sh.vars.get(n) ?? '').replace(/'/g, `'"'"'`)}'\n`);
        return 0;
      }
      for (const a of argv.slice(1)) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(a);
        if (!m) {
          io.stderr.write(`${sh.name}: export: bad variable name: ${a}\n`);
          return 1;
        }
        if (m[2] !== undefined) sh.vars.set(m[1]!, m[2]);
        sh.exported.add(m[1]!);
      }
      return 0;
    },
  ],
  [
    'unset',
    async (sh, argv) => {
      for (const n of argv.slice(1).filter((a) => NAME.test(a))) {
        sh.vars.delete(n);
        sh.exported.delete(n);
      }
      return 0;
    },
  ],
  [
    'set',
    async (sh, argv, io) => {
      if (argv.length === 1) {
        for (const [k, v] of [...sh.vars].sort(([a], [b]) => (a < b ? -1 : 1))) io.stdout.write(`${k}='${v.replace(/'/g, `'"'"'`)}'\n`);
        return 0;
      }
      const dd = argv.indexOf('--');
      if (dd >= 0) sh.positional = argv.slice(dd + 1);
      // Option flags (-e, -x…) are accepted and not acted on here.
      return 0;
    },
  ],
  [
    'shift',
    async (sh, argv) => {
      const n = Number(argv[1] ?? '1');
      if (!Number.isInteger(n) || n > sh.positional.length) return 1;
      sh.positional = sh.positional.slice(n);
      return 0;
    },
  ],
  [
    'cd',
    async (sh, argv, io) => {
      const target = argv[1] ?? sh.vars.get('HOME') ?? '/';
      const path = SimFs.resolve(sh.cwd, target === '-' ? (sh.vars.get('OLDPWD') ?? sh.cwd) : target);
      if (!sh.host.fs.isDir(path)) {
        io.stderr.write(`${sh.name}: cd: can't cd to ${target}: No such file or directory\n`);
        return 2;
      }
      sh.vars.set('OLDPWD', sh.cwd);
      sh.cwd = path;
      sh.vars.set('PWD', path);
      return 0;
    },
  ],
  [
    'pwd',
    async (sh, _argv, io) => {
      io.stdout.write(`${sh.cwd}\n`);
      return 0;
    },
  ],
  [
    'read',
    async (sh, argv, io, signal) => {
      const names = argv.slice(1).filter((a) => !a.startsWith('-'));
      const line = await readLine(io, signal);
      if (line === null) return 1;
      const fields = line.trim().split(/[ \t]+/);
      const targets = names.length > 0 ? names : ['REPLY'];
      targets.forEach((n, k) => sh.vars.set(n, k === targets.length - 1 ? fields.slice(k).join(' ') : (fields[k] ?? '')));
      return 0;
    },
  ],
  [
    'exec',
    async (sh, argv, io, signal) => {
      if (argv.length === 1) return 0;
      throw new ExitShell(await sh.exec(argv.slice(1), io, signal));
    },
  ],
  [
    'eval',
    async (sh, argv, io, signal) => sh.runScript(argv.slice(1).join(' '), io, signal),
  ],
  ['trap', async () => 0],
  ['wait', async () => 0],
  ['umask', async () => 0],
  [
    'type',
    async (sh, argv, io) => {
      let code = 0;
      for (const n of argv.slice(1)) {
        if (builtins.has(n)) io.stdout.write(`${n} is a shell builtin\n`);
        else {
          io.stdout.write(`${n}: not found\n`);
          code = 127;
        }
      }
      return code;
    },
  ],
]);

/**
 * Reads one line from a program's stdin. Input arrives in chunks; what follows the line
 * is lost (a busybox `read` reads byte by byte; good enough for `read X` at a prompt).
 */
export async function readLine(io: Io, signal: AbortSignal): Promise<string | null> {
  let buf = '';
  for (;;) {
    const nl = buf.indexOf('\n');
    if (nl >= 0) return buf.slice(0, nl);
    const chunk = await io.stdin.read(signal);
    if (chunk === null) return buf === '' ? null : buf;
    buf += chunk;
  }
}
