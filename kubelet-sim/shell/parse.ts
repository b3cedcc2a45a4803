/**
 * The parser of the simulated busybox `sh` (interpreter.ts runs what it returns). It
 * covers the POSIX grammar people type into a container: lists (`;`, newline, `&`),
 * `&&`/`||`, pipelines with `!`, `{ …; }`, `( … )`, `while`/`until`/`for`/`if`, and
 * redirections (`>`, `>>`, `<`, `2>&1`); words with quotes, backslashes, `$NAME`,
 * `${NAME}`, `${NAME:-word}`, `$?`, `$#`, `$$`, `$0`–`$9`, `$(…)`, backquotes and `$((…))`.
 * Not covered: `case`, functions, here-documents, `${X#…}`-style trimming; they are
 * reported as syntax errors rather than guessed.
 *
 * Written here rather than taken from npm: the packages that parse POSIX sh either have
 * not been maintained for years (bash-parser) or are a WebAssembly build of a Go parser
 * with an asynchronous, Go-shaped AST (sh-syntax); this grammar is small.
 *
 * Errors: `Incomplete` when the text ends inside a construct (an interactive shell then
 * asks for more with its `> ` prompt), `ShellSyntaxError` with busybox's wording otherwise.
 */

export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean; op?: ':-' | '-' | ':=' | ':+' | '+'; arg?: Word }
  | { kind: 'cmdsub'; script: List; quoted: boolean }
  | { kind: 'arith'; expr: string; quoted: boolean };
export type Word = WordPart[];

export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '<&';
  target: Word;
}

export type Command =
  | { kind: 'simple'; assigns: Array<{ name: string; value: Word }>; words: Word[]; redirects: Redirect[] }
  | { kind: 'group'; body: List; subshell: boolean; redirects: Redirect[] }
  | { kind: 'while'; until: boolean; cond: List; body: List; redirects: Redirect[] }
  | { kind: 'for'; name: string; items: Word[] | undefined; body: List; redirects: Redirect[] }
  | { kind: 'if'; branches: Array<{ cond: List; body: List }>; orElse: List | undefined; redirects: Redirect[] };

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
  background: boolean;
}

export type List = AndOr[];

/** The text ended inside a construct: more input would complete it. */
export class Incomplete extends Error {
  constructor() {
    super('incomplete');
  }
}

/** A syntax error, worded as busybox sh prints it (after `sh: `). */
export class ShellSyntaxError extends Error {}

type Op = ';' | '&' | '&&' | '||' | '|' | '(' | ')' | '\n' | ';;' | '>' | '>>' | '<' | '>&' | '<&';
type Token = { kind: 'word'; word: Word; raw: string } | { kind: 'op'; op: Op; fd?: number } | { kind: 'eof' };

const RESERVED = new Set(['while', 'until', 'for', 'do', 'done', 'if', 'then', 'elif', 'else', 'fi', '{', '}', '!', 'case', 'esac', 'in']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits text into tokens; throws Incomplete on an unterminated quote or substitution. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      out.push({ kind: 'op', op: '\n' });
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === ';;' || two === '>>' || two === '>&' || two === '<&') {
      out.push({ kind: 'op', op: two });
      i += 2;
      continue;
    }
    if (';&|()<>'.includes(c)) {
      out.push({ kind: 'op', op: c as Op });
      i++;
      continue;
    }
    // An IO number: digits right before a redirection operator.
    const io = /^(\d+)(>>|>&|<&|>|<)/.exec(src.slice(i, i + 8));
    if (io) {
      out.push({ kind: 'op', op: io[2] as Op, fd: Number(io[1]) });
      i += io[0].length;
      continue;
    }
    const start = i;
    const [word, end] = readWord(src, i);
    out.push({ kind: 'word', word, raw: src.slice(start, end) });
    i = end;
  }
  out.push({ kind: 'eof' });
  return out;
}

/** Reads one word starting at i; returns its parts and the index after it. */
function readWord(src: string, i: number): [Word, number] {
  const word: Word = [];
  const lit = (text: string, quoted: boolean) => {
    const last = word[word.length - 1];
    if (last?.kind === 'lit' && last.quoted === quoted) last.text += text;
    else word.push({ kind: 'lit', text, quoted });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (' \t\n;&|()<>'.includes(c)) break;
    if (c === '\\') {
      if (i + 1 >= src.length) throw new Incomplete();
      if (src[i + 1] !== '\n') lit(src[i + 1]!, true);
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) throw new Incomplete();
      lit(src.slice(i + 1, close), true);
      i = close + 1;
      continue;
    }
    if (c === '"') {
      i = readDouble(src, i + 1, word, lit);
      continue;
    }
    if (c === '$' || c === '`') {
      const [part, next] = readDollar(src, i, false);
      if (part) word.push(part);
      else lit('$', false);
      i = next;
      continue;
    }
    lit(c, false);
    i++;
  }
  return [word, i];
}

function readDouble(src: string, i: number, word: Word, lit: (t: string, q: boolean) => void): number {
  // An empty "" still makes a (quoted, empty) word.
  lit('', true);
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') return i + 1;
    if (c === '\\' && i + 1 < src.length && '$`"\\\n'.includes(src[i + 1]!)) {
      if (src[i + 1] !== '\n') lit(src[i + 1]!, true);
      i += 2;
      continue;
    }
    if (c === '$' || c === '`') {
      const [part, next] = readDollar(src, i, true);
      if (part) word.push(part);
      else lit('$', true);
      i = next;
      continue;
    }
    lit(c, true);
    i++;
  }
  throw new Incomplete();
}

/** Index of the `)` closing the `(` just before `from`, skipping quotes and nesting. */
function matchParen(src: string, from: number): number {
  let depth = 1;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) throw new Incomplete();
      i = close;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Incomplete();
}

/** A `$…` or backquote at i: the part (undefined for a lone `$`) and the index after it. */
function readDollar(src: string, i: number, quoted: boolean): [WordPart | undefined, number] {
  if (src[i] === '`') {
    const close = src.indexOf('`', i + 1);
    if (close < 0) throw new Incomplete();
    return [{ kind: 'cmdsub', script: parse(src.slice(i + 1, close)), quoted }, close + 1];
  }
  const next = src[i + 1];
  if (next === '(' && src[i + 2] === '(') {
    const close = matchParen(src, i + 3);
    if (src[close + 1] !== ')') throw new ShellSyntaxError('syntax error: unterminated arithmetic');
    return [{ kind: 'arith', expr: src.slice(i + 3, close), quoted }, close + 2];
  }
  if (next === '(') {
    const close = matchParen(src, i + 2);
    return [{ kind: 'cmdsub', script: parse(src.slice(i + 2, close)), quoted }, close + 1];
  }
  if (next === '{') {
    const close = src.indexOf('}', i + 2);
    if (close < 0) throw new Incomplete();
    const body = src.slice(i + 2, close);
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*!])(?:(:-|:=|:\+|-|\+)(.*))?$/s.exec(body);
    if (!m) throw new ShellSyntaxError(`syntax error: bad substitution`);
    const part: WordPart = { kind: 'var', name: m[1]!, quoted };
    if (m[2]) {
      part.op = m[2] as NonNullable<typeof part.op>;
      part.arg = m[3] ? readWord(m[3], 0)[0] : [];
    }
    return [part, close + 1];
  }
  const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*!])/.exec(src.slice(i + 1));
  if (!name) return [undefined, i + 1];
  return [{ kind: 'var', name: name[0], quoted }, i + 1 + name[0].length];
}

/** Parses a whole script. */
export function parse(src: string): List {
  const p = new Parser(tokenize(src));
  const list = p.list(new Set());
  const t = p.peek();
  if (t.kind !== 'eof') throw p.unexpected(t);
  return list;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.pos]!;
  }

  private take(): Token {
    return this.tokens[this.pos++]!;
  }

  private isOp(op: Op): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.op === op;
  }

  /** The unquoted literal text of a word token (a keyword candidate), or undefined. */
  private keyword(t: Token = this.peek()): string | undefined {
    if (t.kind !== 'word' || t.word.length !== 1) return undefined;
    const p = t.word[0]!;
    return p.kind === 'lit' && !p.quoted && RESERVED.has(p.text) ? p.text : undefined;
  }

  unexpected(t: Token): Error {
    if (t.kind === 'eof') return new Incomplete();
    const text = t.kind === 'word' ? t.raw : t.op === '\n' ? 'newline' : t.op;
    return new ShellSyntaxError(`syntax error: unexpected ${t.kind === 'word' ? `"${text}"` : text === 'newline' ? 'newline' : `"${text}"`}`);
  }

  private newlines(): void {
    while (this.isOp('\n')) this.take();
  }

  /** A list up to (not including) one of the `end` keywords, `)` or the end of input. */
  list(end: Set<string>): List {
    const items: List = [];
    for (;;) {
      while (this.isOp('\n') || this.isOp(';')) {
        const t = this.take();
        // A leading `;` is a syntax error, as in sh.
        if (t.kind === 'op' && t.op === ';' && items.length === 0) throw this.unexpected(t);
      }
      const t = this.peek();
      const kw = this.keyword(t);
      if (t.kind === 'eof' || (kw && end.has(kw)) || (t.kind === 'op' && t.op === ')' && end.has(')'))) return items;
      const item = this.andOr();
      items.push(item);
      const sep = this.peek();
      if (sep.kind === 'op' && sep.op === '&') {
        item.background = true;
        this.take();
      } else if (sep.kind === 'op' && (sep.op === ';' || sep.op === '\n')) {
        this.take();
      } else if (sep.kind === 'eof' || this.keyword(sep) || (sep.kind === 'op' && sep.op === ')')) {
        continue;
      } else throw this.unexpected(sep);
    }
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.take();
      this.newlines();
      rest.push({ op: t.op, pipeline: this.pipeline() });
    }
    return { first, rest, background: false };
  }

  private pipeline(): Pipeline {
    let negate = false;
    if (this.keyword() === '!') {
      this.take();
      negate = true;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.take();
      this.newlines();
      commands.push(this.command());
    }
    return { negate, commands };
  }

  private expectKeyword(kw: string): void {
    const t = this.peek();
    if (this.keyword(t) !== kw) throw this.unexpected(t);
    this.take();
  }

  /** A list that must not be empty, ended by one of `end`. */
  private body(end: string[]): List {
    const list = this.list(new Set(end));
    const t = this.peek();
    if (list.length === 0) throw this.unexpected(t);
    return list;
  }

  private command(): Command {
    const t = this.peek();
    const kw = this.keyword(t);
    let cmd: Command;
    if (kw === 'while' || kw === 'until') {
      this.take();
      const cond = this.body(['do']);
      this.expectKeyword('do');
      const body = this.body(['done']);
      this.expectKeyword('done');
      cmd = { kind: 'while', until: kw === 'until', cond, body, redirects: [] };
    } else if (kw === 'for') {
      this.take();
      const nameTok = this.take();
      const name = nameTok.kind === 'word' ? nameTok.raw : '';
      if (!NAME_RE.test(name)) throw nameTok.kind === 'eof' ? new Incomplete() : new ShellSyntaxError(`syntax error: bad for loop variable`);
      let items: Word[] | undefined;
      this.newlines();
      if (this.keyword() === 'in') {
        this.take();
        items = [];
        for (let w = this.peek(); w.kind === 'word'; w = this.peek()) {
          items.push(w.word);
          this.take();
        }
      }
      if (this.isOp(';')) this.take();
      this.newlines();
      this.expectKeyword('do');
      const body = this.body(['done']);
      this.expectKeyword('done');
      cmd = { kind: 'for', name, items, body, redirects: [] };
    } else if (kw === 'if') {
      this.take();
      const branches: Array<{ cond: List; body: List }> = [];
      let orElse: List | undefined;
      for (;;) {
        const cond = this.body(['then']);
        this.expectKeyword('then');
        const body = this.body(['elif', 'else', 'fi']);
        branches.push({ cond, body });
        const next = this.keyword();
        if (next !== 'elif' && next !== 'else' && next !== 'fi') throw this.unexpected(this.peek());
        this.take();
        if (next === 'elif') continue;
        if (next === 'else') {
          orElse = this.body(['fi']);
          this.expectKeyword('fi');
        }
        break;
      }
      cmd = { kind: 'if', branches, orElse, redirects: [] };
    } else if (kw === '{') {
      this.take();
      const body = this.body(['}']);
      this.expectKeyword('}');
      cmd = { kind: 'group', body, subshell: false, redirects: [] };
    } else if (t.kind === 'op' && t.op === '(') {
      this.take();
      const body = this.body([')']);
      if (!this.isOp(')')) throw this.unexpected(this.peek());
      this.take();
      cmd = { kind: 'group', body, subshell: true, redirects: [] };
    } else if (kw && kw !== '}' && kw !== 'in') {
      throw this.unexpected(t);
    } else {
      return this.simple();
    }
    this.redirects(cmd.redirects);
    return cmd;
  }

  private redirects(into: Redirect[]): boolean {
    let any = false;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !['>', '>>', '<', '>&', '<&'].includes(t.op)) return any;
      this.take();
      const target = this.take();
      if (target.kind !== 'word') throw this.unexpected(target);
      const op = t.op as Redirect['op'];
      into.push({ fd: t.fd ?? (op === '<' || op === '<&' ? 0 : 1), op, target: target.word });
      any = true;
    }
  }

  private simple(): Command {
    const cmd: Extract<Command, { kind: 'simple' }> = { kind: 'simple', assigns: [], words: [], redirects: [] };
    for (;;) {
      if (this.redirects(cmd.redirects)) continue;
      const t = this.peek();
      if (t.kind !== 'word') break;
      // `}` and `done`… end a command only where a keyword may stand; as arguments they are words.
      if (cmd.words.length === 0 && cmd.assigns.length === 0 && this.keyword(t)) break;
      this.take();
      const first = t.word[0];
      const m = cmd.words.length === 0 && first?.kind === 'lit' && !first.quoted ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text) : null;
      if (m) {
        const value: Word = [{ kind: 'lit', text: (first as { text: string }).text.slice(m[0].length), quoted: true }, ...t.word.slice(1)];
        cmd.assigns.push({ name: m[1]!, value });
      } else cmd.words.push(t.word);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) throw this.unexpected(this.peek());
    return cmd;
  }
}
