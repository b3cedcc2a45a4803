import { SimFs } from './sim-fs.js';
import type { Io, ShellHost } from './types.js';

/**
 * `test` / `[`: the POSIX forms (one, two, three arguments, `!`, `-a`/`-o` joins):
 * strings (-z -n = !=), integers (-eq -ne -lt -le -gt -ge) and files (-e -f -d -s -r -w -x)
 * on the container's simulated filesystem. 0 true, 1 false, 2 on a malformed expression.
 */
export function testExpression(args: string[], sh: { host: ShellHost; cwd: string; name: string }, io: Io): number {
  try {
    return evalOr(args, sh) ? 0 : 1;
  } catch (err) {
    io.stderr.write(`${sh.name}: test: ${(err as Error).message}\n`);
    return 2;
  }
}

type Ctx = { host: ShellHost; cwd: string };

function evalOr(args: string[], sh: Ctx): boolean {
  const o = args.indexOf('-o');
  if (o > 0) return evalOr(args.slice(0, o), sh) || evalOr(args.slice(o + 1), sh);
  const a = args.indexOf('-a');
  if (a > 0) return evalOr(args.slice(0, a), sh) && evalOr(args.slice(a + 1), sh);
  return evalSimple(args, sh);
}

const INT_OPS: Record<string, (a: number, b: number) => boolean> = {
  '-eq': (a, b) => a === b,
  '-ne': (a, b) => a !== b,
  '-lt': (a, b) => a < b,
  '-le': (a, b) => a <= b,
  '-gt': (a, b) => a > b,
  '-ge': (a, b) => a >= b,
};

function int(s: string): number {
  if (!/^\s*-?\d+\s*$/.test(s)) throw new Error(`${s}: bad number`);
  return Number(s);
}

function evalSimple(args: string[], sh: Ctx): boolean {
  if (args[0] === '!' && args.length > 1) return !evalSimple(args.slice(1), sh);
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2) {
    const [op, v] = args as [string, string];
    if (op === '-z') return v === '';
    if (op === '-n') return v !== '';
    const e = sh.host.fs.get(SimFs.resolve(sh.cwd, v));
    switch (op) {
      case '-e':
      case '-r':
      case '-w':
        return e !== undefined;
      case '-f':
        return e !== undefined && !e.dir;
      case '-d':
        return e?.dir === true;
      case '-s':
        return e !== undefined && (e.dir || e.data.length > 0);
      case '-x':
        return e !== undefined && (e.mode & 0o111) !== 0;
    }
    throw new Error(`${op}: unary operator expected`);
  }
  if (args.length === 3) {
    const [l, op, r] = args as [string, string, string];
    if (op === '=' || op === '==') return l === r;
    if (op === '!=') return l !== r;
    const f = INT_OPS[op];
    if (f) return f(int(l), int(r));
  }
  throw new Error(`${args[1] ?? args[0]}: unknown operand`);
}
