import { parseScript, type AndOrList, type Word } from './shell-parse.js';
import { planKnownProgram } from './known-programs.js';
import { echoText } from './shell/builtins.js';

/**
 * What a simulated container's command would do on a real node, when it is one of the
 * one-shot commands tutorials use (`kubectl run --image=busybox --restart=Never -- echo
 * hello`, `sh -c "echo start; sleep 2; exit 3"`): how long it runs, its exit code and what
 * it prints. Pure; the simulator turns a pod's plans into the `command-exit` stage's
 * delay (pod-exit-plan.ts) and the logs into the printed lines.
 *
 * Understood: echo (-n, -e, -E), true, false, `:`, sleep (decimals, s/m/h/d suffixes,
 * several arguments add up; `infinity` runs forever), date [-u], env, printenv [NAME…],
 * and under `sh|bash|ash -c SCRIPT` also exit [N], exec, set -e/-x/-u, export and
 * NAME=value assignments, with `;`, `&&`, `||` (shell-parse.ts). Anything else — an
 * unknown program, pipes, loops, `$(…)`, no command at all (but for the shell images
 * below) — is `forever`: the container runs until deleted, as before.
 */

export interface OutputLine {
  /** Offset from the container's start at which the line is printed. */
  atMs: number;
  text: string;
  /** A piece of a line the program has not ended yet (printed without its newline, as kubectl logs shows a CRI partial entry). */
  partial?: boolean;
}

export type CommandPlan = { kind: 'forever' } | { kind: 'exits'; afterMs: number; exitCode: number; output: OutputLine[] };

export interface CommandInput {
  command?: string[];
  args?: string[];
  /** The container's env; entries with valueFrom are not known here and count as unset. */
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  /** When the run starts (epoch ms), for what `date` prints; default 0. */
  startedAt?: number;
  /** The image: a shell image run without command and args starts its shell (below). */
  image?: string;
  /** A container with stdin (or a tty) keeps its shell waiting for input. */
  stdin?: boolean;
  tty?: boolean;
}

const FOREVER: CommandPlan = { kind: 'forever' };
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);
/** Programs a container image has on its PATH (busybox applets, coreutils). */
const PROGRAMS = new Set(['echo', 'true', 'false', 'sleep', 'date', 'env', 'printenv']);

/** Thrown inside the runner when the command leaves what it understands. */
class Unknown extends Error {}
/** Thrown to end the shell: `exit N`, `exec`, or a failure under `set -e`. */
class Exit extends Error {
  constructor(readonly code: number) {
    super('exit');
  }
}

/** Plans a container's run from its command, args and plain env. */
export function planCommand(input: CommandInput): CommandPlan {
  const env = plainEnv(input.env);
  const argv = resolveArgv(input.command, input.args)?.map((a) => expandKubeRefs(a, env));
  if (!argv || argv.length === 0) return runsDefaultShell(input) ? EXITS_AT_ONCE : FOREVER;
  const known = planKnownProgram(argv);
  if (known) return known;
  const run = new Runner(env, input.startedAt ?? 0);
  try {
    const code = run.program(argv, false);
    return run.result(code);
  } catch (err) {
    if (err instanceof Exit) return run.result(err.code);
    if (err instanceof Unknown) return FOREVER;
    throw err;
  }
}

/**
 * The argv a container runs: command ++ args; with no command, args alone when args[0]
 * is something we recognise (busybox, alpine and ubuntu images have no ENTRYPOINT, so
 * `kubectl run --image=busybox -- echo hi` sets only args); otherwise the image's own
 * entrypoint, which we cannot know.
 */
export function resolveArgv(command: string[] | undefined, args: string[] | undefined): string[] | undefined {
  if (command && command.length > 0) return [...command, ...(args ?? [])];
  if (args && args.length > 0 && known(args[0]!)) return args;
  return undefined;
}

/**
 * Images whose default command is a shell (busybox `sh`, alpine `/bin/sh`, ubuntu and
 * debian `bash`…). Started without command, args, stdin or tty, that shell reads an
 * empty stdin and exits 0 at once: `kubectl create deployment b --image=busybox` goes
 * into CrashLoopBackOff on a real cluster, and here too. Other images' entrypoints (nginx,
 * redis, …) are unknown and run until deleted.
 */
const SHELL_IMAGES = new Set(['busybox', 'alpine', 'ubuntu', 'debian', 'centos', 'fedora', 'rockylinux', 'almalinux', 'amazonlinux', 'archlinux', 'bash']);
const EXITS_AT_ONCE: CommandPlan = { kind: 'exits', afterMs: 0, exitCode: 0, output: [] };

/** `registry.example.com/library/busybox:1.36@sha256:…` → `busybox`. */
export function imageBaseName(image: string): string {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const nameAndTag = noDigest.slice(lastSlash + 1);
  const colon = nameAndTag.indexOf(':');
  return colon < 0 ? nameAndTag : nameAndTag.slice(0, colon);
}

function runsDefaultShell(input: CommandInput): boolean {
  if ((input.command?.length ?? 0) > 0 || (input.args?.length ?? 0) > 0 || input.stdin || input.tty) return false;
  return input.image !== undefined && SHELL_IMAGES.has(imageBaseName(input.image));
}

const base = (program: string) => (program.startsWith('/') ? program.slice(program.lastIndexOf('/') + 1) : program);
const known = (program: string) => PROGRAMS.has(base(program)) || SHELLS.has(base(program));

/**
 * The env a container starts with: plain values (no value at all is the empty string), a
 * later duplicate winning, as kubelet does. valueFrom entries are left out: their values
 * live in other objects this pure function does not see.
 */
export function plainEnv(env: CommandInput['env']): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of env ?? []) {
    if (e.valueFrom === undefined) out.set(e.name, e.value ?? '');
    else out.delete(e.name);
  }
  return out;
}

/**
 * kubelet's `$(VAR)` expansion of command and args from the container's env: a defined
 * name is replaced, an undefined one left as written, `$$` is a literal `$`.
 */
export function expandKubeRefs(text: string, env: Map<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m: string, name?: string) => {
    if (m === '$$') return '$';
    return env.get(name!) ?? m;
  });
}

/** One run: its clock (ms since start), output and shell state. */
class Runner {
  t = 0;
  readonly output: OutputLine[] = [];
  private partial = '';
  private status = 0;
  private readonly vars: Map<string, string>;
  private readonly exported: Set<string>;
  private errexit = false;
  private xtrace = false;
  private nounset = false;
  private positional: string[] = [];

  constructor(env: Map<string, string>, private readonly startedAt: number) {
    this.vars = new Map(env);
    this.exported = new Set(env.keys());
  }

  result(code: number): CommandPlan {
    if (this.partial !== '') this.line(this.partial);
    return { kind: 'exits', afterMs: this.t, exitCode: code & 255, output: this.output };
  }

  private line(text: string): void {
    this.output.push({ atMs: this.t, text });
    this.partial = '';
  }

  /** Writes text as a program would: complete lines are printed, a trailing part waits. */
  private write(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) this.line(p);
  }

  /** Runs one program; `inShell` allows the shell's builtins. Returns its exit status. */
  program(argv: string[], inShell: boolean): number {
    const [path, ...args] = argv;
    const name = base(path!);
    switch (name) {
      case 'echo':
        return this.echo(args);
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'sleep':
        return this.sleep(args);
      case 'date':
        if (args.length > 1 || (args.length === 1 && args[0] !== '-u')) throw new Unknown();
        this.write(`${formatDate(this.startedAt + this.t)}\n`);
        return 0;
      case 'env':
        if (args.length > 0) throw new Unknown();
        for (const n of this.exported) this.write(`${n}=${this.vars.get(n) ?? ''}\n`);
        return 0;
      case 'printenv':
        return this.printenv(args);
      default:
        if (SHELLS.has(name)) return inShell ? this.nested(args) : this.shell(args);
    }
    if (inShell) return this.builtin(name, args);
    throw new Unknown();
  }

  private echo(args: string[]): number {
    this.write(echoText(args));
    return 0;
  }

  private sleep(args: string[]): number {
    if (args.length === 0) throw new Unknown();
    let ms = 0;
    for (const a of args) {
      if (a === 'infinity' || a === 'inf') throw new Unknown();
      const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
      if (!m) throw new Unknown();
      ms += Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
    }
    this.t += Math.round(ms);
    return 0;
  }

  private printenv(args: string[]): number {
    if (args.length === 0) return this.program(['env'], false);
    if (args.some((a) => a.startsWith('-'))) throw new Unknown();
    let code = 0;
    for (const n of args) {
      const v = this.exported.has(n) ? this.vars.get(n) : undefined;
      if (v === undefined) code = 1;
      else this.write(`${v}\n`);
    }
    return code;
  }

  /** `sh [-flags]c SCRIPT [$0 [$1…]]`. */
  private shell(args: string[]): number {
    let i = 0;
    let hasC = false;
    for (; i < args.length && /^-[a-z]+$/.test(args[i]!); i++) {
      const flags = args[i]!.slice(1);
      if (!/^[cexul]+$/.test(flags)) throw new Unknown();
      hasC ||= flags.includes('c');
      this.setFlags(flags, true);
    }
    // `sh` alone reads its script from stdin, `sh FILE` from a file: neither is known here.
    if (!hasC || i >= args.length) throw new Unknown();
    this.positional = args.slice(i + 1);
    const lists = parseScript(args[i]!);
    if (!lists) throw new Unknown();
    for (const list of lists) this.andOr(list);
    return this.status;
  }

  /** A shell started from the shell: its own variables (the exported ones) and flags; its exit ends only it. */
  private nested(args: string[]): number {
    const saved = { vars: new Map(this.vars), exported: new Set(this.exported), flags: [this.errexit, this.xtrace, this.nounset] as const, positional: this.positional, status: this.status };
    for (const n of [...this.vars.keys()]) if (!this.exported.has(n)) this.vars.delete(n);
    [this.errexit, this.xtrace, this.nounset] = [false, false, false];
    this.status = 0;
    let code: number;
    try {
      code = this.shell(args);
    } catch (err) {
      if (!(err instanceof Exit)) throw err;
      code = err.code;
    }
    this.vars.clear();
    for (const [k, v] of saved.vars) this.vars.set(k, v);
    this.exported.clear();
    for (const n of saved.exported) this.exported.add(n);
    [this.errexit, this.xtrace, this.nounset] = saved.flags;
    this.positional = saved.positional;
    this.status = saved.status;
    return code;
  }

  private setFlags(flags: string, on: boolean): void {
    if (flags.includes('e')) this.errexit = on;
    if (flags.includes('x')) this.xtrace = on;
    if (flags.includes('u')) this.nounset = on;
  }

  private andOr(list: AndOrList): void {
    this.status = this.simple(list.first.words);
    let lastRan = list.rest.length === 0;
    for (const [k, { op, cmd }] of list.rest.entries()) {
      if ((op === '&&') !== (this.status === 0)) continue;
      this.status = this.simple(cmd.words);
      lastRan = k === list.rest.length - 1;
    }
    // `set -e` ignores failures that an && or || tested; only the list's last command counts.
    if (this.errexit && this.status !== 0 && lastRan) throw new Exit(this.status);
  }

  private simple(words: Word[]): number {
    const assigns: Array<[string, string]> = [];
    let w = 0;
    for (; w < words.length; w++) {
      const first = words[w]![0];
      const m = first?.kind === 'lit' && !first.quoted ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text) : null;
      if (!m) break;
      const rest: Word = [{ kind: 'lit', text: first!.kind === 'lit' ? first!.text.slice(m[0].length) : '', quoted: true }, ...words[w]!.slice(1)];
      assigns.push([m[1]!, this.expand(rest, false).join('')]);
    }
    const argv = words.slice(w).flatMap((word) => this.expand(word, true));
    // A prefix assignment for one command (`X=1 env`) is beyond this runner.
    if (assigns.length > 0 && argv.length > 0) throw new Unknown();
    if (this.xtrace) this.trace(argv.length > 0 ? argv : assigns.map(([n, v]) => `${n}=${v}`));
    for (const [n, v] of assigns) this.vars.set(n, v);
    if (argv.length === 0) return 0;
    return this.program(argv, true);
  }

  /** What `set -x` prints to stderr (which kubectl logs shows too). */
  private trace(argv: string[]): void {
    const quote = (a: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
    this.output.push({ atMs: this.t, text: `+ ${argv.map(quote).join(' ')}` });
  }

  /** The shell builtins, after the programs. */
  private builtin(name: string, args: string[]): number {
    switch (name) {
      case ':':
        return 0;
      case 'exit': {
        if (args.length === 0) throw new Exit(this.status);
        if (args.length > 1 || !/^\d+$/.test(args[0]!)) throw new Unknown();
        throw new Exit(Number(args[0]) & 255);
      }
      case 'exec':
        if (args.length === 0) return 0;
        throw new Exit(this.program(args, false));
      case 'set':
        if (!args.every((a) => /^[-+][exu]+$/.test(a))) throw new Unknown();
        for (const a of args) this.setFlags(a.slice(1), a[0] === '-');
        return 0;
      case 'export':
        for (const a of args) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(a);
          if (!m) throw new Unknown();
          if (m[2] !== undefined) this.vars.set(m[1]!, m[2]);
          this.exported.add(m[1]!);
        }
        return 0;
      default:
        throw new Unknown();
    }
  }

  /**
   * Expands a word into fields: variables are substituted, and unquoted substitutions are
   * split on whitespace (a word that expands to nothing unquoted disappears).
   */
  private expand(word: Word, split: boolean): string[] {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    for (const part of word) {
      if (part.kind === 'lit') {
        cur += part.text;
        has = true;
        continue;
      }
      const value = this.lookup(part.name);
      if (part.quoted || !split) {
        cur += value;
        has = true;
        continue;
      }
      const pieces = value.split(/[ \t\n]+/);
      for (const [k, piece] of pieces.entries()) {
        if (k > 0) {
          if (has) fields.push(cur);
          cur = '';
          has = false;
        }
        if (piece !== '') {
          cur += piece;
          has = true;
        }
      }
    }
    if (has) fields.push(cur);
    return fields;
  }

  private lookup(name: string): string {
    if (name === '?') return String(this.status);
    if (/^\d$/.test(name)) return this.positional[Number(name)] ?? (name === '0' ? 'sh' : '');
    const v = this.vars.get(name);
    if (v === undefined && this.nounset) throw new Unknown();
    return v ?? '';
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `date`'s default output in a container (UTC, C locale): `Thu Jan  1 00:00:00 UTC 2026`. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
