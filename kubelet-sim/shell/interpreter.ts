import { evalArith } from './arith.js';
import { builtins, PROGRAM_BUILTINS, type BuiltinShell } from './builtins.js';
export { ExitShell } from './types.js';
import { parse, Incomplete, ShellSyntaxError, type AndOr, type Command, type List, type Pipeline, type Redirect, type Word } from './parse.js';
import { SimFs } from './sim-fs.js';
import { collector, ExitShell, Interrupted, LoopControl, sleepOn, textInput, type Applet, type Io, type Output, type ShellHost } from './types.js';

/**
 * The simulated busybox `sh`: runs what parse.ts returns against a ShellHost. Asynchronous
 * so that `sleep` and a `wget`'s latency wait on the injected clock and Ctrl-C (the
 * AbortSignal) can stop a loop between any two commands. Pipelines run their commands
 * one after the other, each reading the previous one's whole output (no concurrency: a
 * pipeline whose first command never ends never gets to the next).
 */

const BIN_DIRS = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin']);
/** Yield to the event loop this often, so a loop without sleep cannot starve the process. */
const YIELD_EVERY = 64;

export interface ShellOptions {
  /** $0 */
  name?: string;
  positional?: string[];
  applets: ReadonlyMap<string, Applet>;
}

export class Shell implements BuiltinShell {
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  positional: string[];
  status = 0;
  cwd = '/';
  private loopDepth = 0;
  private steps = 0;
  readonly name: string;

  constructor(
    readonly host: ShellHost,
    env: ReadonlyMap<string, string>,
    private readonly opts: ShellOptions,
  ) {
    for (const [k, v] of env) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    this.name = opts.name ?? 'sh';
    this.positional = opts.positional ?? [];
  }

  /** The variables a program started from here receives. */
  environ(): Map<string, string> {
    const out = new Map<string, string>();
    for (const n of this.exported) {
      const v = this.vars.get(n);
      if (v !== undefined) out.set(n, v);
    }
    return out;
  }

  /** A child shell (`sh`, `( … )`, `$( … )`): a copy of this one's state. */
  fork(exportedOnly: boolean, positional?: string[]): Shell {
    const child = new Shell(this.host, exportedOnly ? this.environ() : new Map(), { ...this.opts, positional: positional ?? this.positional });
    if (!exportedOnly) {
      for (const [k, v] of this.vars) child.vars.set(k, v);
      for (const k of this.exported) child.exported.add(k);
      child.status = this.status;
    }
    child.cwd = this.cwd;
    return child;
  }

  /**
   * Parses and runs a script; syntax errors print as sh prints them (status 2). Returns
   * the status; `exit` propagates as ExitShell, Ctrl-C as Interrupted.
   */
  async runScript(text: string, io: Io, signal: AbortSignal): Promise<number> {
    let list: List;
    try {
      list = parse(text);
    } catch (err) {
      if (err instanceof ShellSyntaxError || err instanceof Incomplete) {
        io.stderr.write(`${this.name}: ${err instanceof Incomplete ? 'syntax error: unexpected end of file' : err.message}\n`);
        this.status = 2;
        return 2;
      }
      throw err;
    }
    return this.runList(list, io, signal);
  }

  async runList(list: List, io: Io, signal: AbortSignal): Promise<number> {
    for (const item of list) await this.andOr(item, io, signal);
    return this.status;
  }

  private async andOr(item: AndOr, io: Io, signal: AbortSignal): Promise<void> {
    // Background jobs are run in the foreground: there is no job control to show them.
    this.status = await this.pipeline(item.first, io, signal);
    for (const { op, pipeline } of item.rest) {
      if ((op === '&&') !== (this.status === 0)) continue;
      this.status = await this.pipeline(pipeline, io, signal);
    }
  }

  private async pipeline(p: Pipeline, io: Io, signal: AbortSignal): Promise<number> {
    let stdin = io.stdin;
    let code = 0;
    for (const [i, cmd] of p.commands.entries()) {
      const last = i === p.commands.length - 1;
      const out = last ? io.stdout : collector();
      code = await this.command(cmd, { stdin, stdout: out, stderr: io.stderr }, signal);
      if (!last) stdin = textInput((out as ReturnType<typeof collector>).text());
    }
    return p.negate ? (code === 0 ? 1 : 0) : code;
  }

  private async tick(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new Interrupted();
    if (++this.steps % YIELD_EVERY === 0) {
      // A background process (a container's own command) is paced by its host, so a loop
      // without sleep cannot take a real core; elsewhere a plain yield.
      await (this.host.pace ? this.host.pace(signal) : new Promise<void>((r) => setImmediate(r)));
      if (signal.aborted) throw new Interrupted();
    }
  }

  private async command(cmd: Command, io0: Io, signal: AbortSignal): Promise<number> {
    await this.tick(signal);
    const io = await this.redirect(cmd.redirects, io0, signal);
    if (typeof io === 'number') return io;
    switch (cmd.kind) {
      case 'simple':
        return this.simple(cmd, io, signal);
      case 'group':
        if (cmd.subshell) {
          const child = this.fork(false);
          try {
            return await child.runList(cmd.body, io, signal);
          } catch (err) {
            if (err instanceof ExitShell) return err.code;
            throw err;
          }
        }
        return this.runList(cmd.body, io, signal);
      case 'if':
        for (const b of cmd.branches) {
          if ((await this.runList(b.cond, io, signal)) === 0) return this.runList(b.body, io, signal);
        }
        return cmd.orElse ? this.runList(cmd.orElse, io, signal) : 0;
      case 'while':
        return this.loop(io, signal, async () => ((await this.runList(cmd.cond, io, signal)) === 0) !== cmd.until, cmd.body);
      case 'for': {
        const items = cmd.items ? await this.expandWords(cmd.items, signal) : [...this.positional];
        let k = 0;
        return this.loop(io, signal, async () => {
          if (k >= items.length) return false;
          this.vars.set(cmd.name, items[k++]!);
          return true;
        }, cmd.body);
      }
    }
  }

  private async loop(io: Io, signal: AbortSignal, next: () => Promise<boolean>, body: List): Promise<number> {
    let code = 0;
    this.loopDepth++;
    try {
      while (await next()) {
        await this.tick(signal);
        try {
          code = await this.runList(body, io, signal);
        } catch (err) {
          if (!(err instanceof LoopControl)) throw err;
          if (--err.levels > 0) throw err;
          if (err.kind === 'break') break;
        }
      }
    } finally {
      this.loopDepth--;
    }
    this.status = code;
    return code;
  }

  /** Applies redirections; a number is the failing status (the message is printed). */
  private async redirect(redirects: Redirect[], io: Io, signal: AbortSignal): Promise<Io | number> {
    if (redirects.length === 0) return io;
    const fds: Array<Io['stdin'] | Output> = [io.stdin, io.stdout, io.stderr];
    for (const r of redirects) {
      const target = (await this.expandWord(r.target, false, signal)).join(' ');
      if (r.op === '>&' || r.op === '<&') {
        const n = Number(target);
        if (!/^\d$/.test(target) || fds[n] === undefined) {
          io.stderr.write(`${this.name}: ${target}: bad file descriptor\n`);
          return 1;
        }
        fds[r.fd] = fds[n]!;
        continue;
      }
      const path = SimFs.resolve(this.cwd, target);
      if (r.op === '<') {
        const e = this.host.fs.get(path);
        if (path === '/dev/null') fds[r.fd] = textInput('');
        else if (!e || e.dir) {
          io.stderr.write(`${this.name}: can't open '${target}': ${e ? 'Is a directory' : 'No such file or directory'}\n`);
          return 1;
        } else fds[r.fd] = textInput(e.data);
        continue;
      }
      if (path === '/dev/null') {
        fds[r.fd] = { write() {} };
        continue;
      }
      const res = this.host.fs.write(path, '', { append: true });
      if (res !== 'ok') {
        io.stderr.write(`${this.name}: can't create ${target}: ${res === 'isdir' ? 'Is a directory' : res === 'rofs' ? 'Read-only file system' : 'nonexistent directory'}\n`);
        return 1;
      }
      if (r.op === '>') this.host.fs.write(path, '');
      const fs = this.host.fs;
      fds[r.fd] = { write: (t) => void fs.write(path, t, { append: true }) };
    }
    // A terminal stays the foreground's only while stdin still is that terminal.
    return { stdin: fds[0] as Io['stdin'], stdout: fds[1] as Output, stderr: fds[2] as Output, tty: fds[0] === io.stdin ? io.tty : undefined };
  }

  private async simple(cmd: Extract<Command, { kind: 'simple' }>, io: Io, signal: AbortSignal): Promise<number> {
    const argv = await this.expandWords(cmd.words, signal);
    const values: Array<[string, string]> = [];
    for (const a of cmd.assigns) values.push([a.name, (await this.expandWord(a.value, false, signal)).join('')]);
    if (argv.length === 0) {
      for (const [k, v] of values) this.vars.set(k, v);
      return cmd.words.length > 0 ? 0 : this.status;
    }
    // `X=1 prog` sets X for that program only.
    return this.exec(argv, io, signal, values);
  }

  /** Runs a builtin or a program by name (also what `exec`, `xargs`-like callers use). */
  async exec(argv: string[], io: Io, signal: AbortSignal, tempVars: Array<[string, string]> = []): Promise<number> {
    const name = argv[0]!;
    const inBin = name.includes('/') && BIN_DIRS.has(SimFs.resolve(this.cwd, name.slice(0, name.lastIndexOf('/')) || '/'));
    const base = name.slice(name.lastIndexOf('/') + 1);
    const builtin = builtins.get(name) ?? (inBin && PROGRAM_BUILTINS.has(base) ? builtins.get(base) : undefined);
    if (builtin) return builtin(this, argv, io, signal);
    const applet = this.findApplet(name);
    if (!applet) {
      io.stderr.write(`${this.name}: ${name}: not found\n`);
      return 127;
    }
    const env = this.environ();
    for (const [k, v] of tempVars) env.set(k, v);
    const host = this.host;
    return applet({ argv, io, host, signal, env, cwd: this.cwd, sleep: (ms) => sleepOn(host.clock, ms, signal) });
  }

  private findApplet(name: string): Applet | undefined {
    if (!name.includes('/')) return this.opts.applets.get(name);
    const slash = name.lastIndexOf('/');
    const dir = SimFs.resolve(this.cwd, name.slice(0, slash) || '/');
    return BIN_DIRS.has(dir) ? this.opts.applets.get(name.slice(slash + 1)) : undefined;
  }

  inLoop(): boolean {
    return this.loopDepth > 0;
  }

  async expandWords(words: Word[], signal: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    for (const w of words) out.push(...(await this.expandWord(w, true, signal)));
    return out;
  }

  /**
   * Expands one word into fields: parameters, command substitutions and arithmetic are
   * substituted, and unquoted results split on whitespace (a word that expands to
   * nothing unquoted disappears; `""` stays an empty field).
   */
  async expandWord(word: Word, split: boolean, signal: AbortSignal): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    for (const part of word) {
      if (part.kind === 'lit') {
        cur += part.text;
        has = true;
        continue;
      }
      let value: string;
      if (part.kind === 'var') value = await this.param(part, signal);
      else if (part.kind === 'arith') value = String(evalArith(await this.expandArithText(part.expr), this.vars));
      else value = await this.substitute(part.script, signal);
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

  private async expandArithText(expr: string): Promise<string> {
    return expr.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*|[0-9?#])\}?/g, (_m, n: string) => this.lookup(n) || '0');
  }

  private async param(part: Extract<Word[number], { kind: 'var' }>, signal: AbortSignal): Promise<string> {
    const value = this.lookupOrUndefined(part.name);
    if (!part.op) return value ?? '';
    const unsetOrEmpty = part.op.startsWith(':') ? !value : value === undefined;
    const arg = async () => (await this.expandWord(part.arg ?? [], false, signal)).join('');
    switch (part.op) {
      case ':-':
      case '-':
        return unsetOrEmpty ? arg() : value!;
      case ':=': {
        if (!unsetOrEmpty) return value!;
        const v = await arg();
        this.vars.set(part.name, v);
        return v;
      }
      default:
        return unsetOrEmpty ? '' : arg();
    }
  }

  private async substitute(script: List, signal: AbortSignal): Promise<string> {
    const child = this.fork(false);
    const out = collector();
    try {
      await child.runList(script, { stdin: textInput(''), stdout: out, stderr: { write: () => {} } }, signal);
    } catch (err) {
      if (!(err instanceof ExitShell)) throw err;
    }
    this.status = child.status;
    return out.text().replace(/\n+$/, '');
  }

  lookupOrUndefined(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '#':
        return String(this.positional.length);
      case '$':
        return '1';
      case '!':
        return '';
      case '@':
      case '*':
        return this.positional.join(' ');
      case '0':
        return this.name;
    }
    if (/^[1-9]$/.test(name)) return this.positional[Number(name) - 1];
    return this.vars.get(name);
  }

  lookup(name: string): string {
    return this.lookupOrUndefined(name) ?? '';
  }
}

