/**
 * A deliberately small POSIX-shell parser for the `sh -c SCRIPT` of simulated containers
 * (command-plan.ts runs what it returns). It understands sequences of simple commands
 * joined by `;`, newlines, `&&` and `||`, words with single quotes, double quotes and
 * backslashes, `#` comments, and `$NAME`, `${NAME}`, `$?` and `$0`–`$9`.
 *
 * Contract: it returns undefined for anything else (pipes, redirections, background `&`,
 * subshells, `$(…)`, backquotes, `${X:-…}`, `$$`, unterminated quotes, empty commands),
 * and the caller then lets the container run forever rather than guess. Keywords
 * (`if`, `while`, `for`…) come out as ordinary words; the runner does not know them as
 * commands, which has the same effect.
 */

/** A piece of a word: literal text, or a variable expanded when the command runs. */
export type WordPart = { kind: 'lit'; text: string; quoted: boolean } | { kind: 'var'; name: string; quoted: boolean };
export type Word = WordPart[];

export interface SimpleCommand {
  words: Word[];
}

/** `first && a || b`: each next command runs or not by the status so far. */
export interface AndOrList {
  first: SimpleCommand;
  rest: Array<{ op: '&&' | '||'; cmd: SimpleCommand }>;
}

type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: ';' | '\n' | '&&' | '||' };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Unquoted characters that start syntax this parser does not run. */
const UNSUPPORTED = new Set(['|', '&', '<', '>', '(', ')', '`']);

/** Splits a script into tokens, or undefined on unsupported syntax. */
export function tokenize(script: string): Token[] | undefined {
  const tokens: Token[] = [];
  let word: Word = [];
  let inWord = false;
  const lit = (text: string, quoted: boolean) => {
    inWord = true;
    const last = word[word.length - 1];
    if (last?.kind === 'lit' && last.quoted === quoted) last.text += text;
    else word.push({ kind: 'lit', text, quoted });
  };
  const endWord = () => {
    if (inWord) tokens.push({ kind: 'word', word });
    word = [];
    inWord = false;
  };
  /** Reads a `$…` at i; returns the index after it, or -1 when unsupported. */
  const dollar = (i: number, quoted: boolean): number => {
    const next = script[i + 1];
    if (next === '{') {
      const close = script.indexOf('}', i + 2);
      const name = close < 0 ? '' : script.slice(i + 2, close);
      if (!/^([A-Za-z_][A-Za-z0-9_]*|[0-9?])$/.test(name)) return -1;
      inWord = true;
      word.push({ kind: 'var', name, quoted });
      return close + 1;
    }
    if (next !== undefined && /[0-9?]/.test(next)) {
      inWord = true;
      word.push({ kind: 'var', name: next, quoted });
      return i + 2;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(script);
    if (m) {
      inWord = true;
      word.push({ kind: 'var', name: m[0], quoted });
      return i + 1 + m[0].length;
    }
    // `$(`, `$$`, `$!`, `$#`, `$@`, `$*`, `$-`: substitutions and specials we do not run.
    if (next !== undefined && '($!#@*-'.includes(next)) return -1;
    lit('$', quoted);
    return i + 1;
  };

  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n' || c === ';') {
      endWord();
      tokens.push({ kind: 'op', op: c });
      i++;
    } else if ((c === '&' || c === '|') && script[i + 1] === c) {
      endWord();
      tokens.push({ kind: 'op', op: c === '&' ? '&&' : '||' });
      i += 2;
    } else if (UNSUPPORTED.has(c)) {
      return undefined;
    } else if (c === '#' && !inWord) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === '\\') {
      // A backslash-newline joins lines; any other escaped character is literal.
      if (script[i + 1] === '\n') i += 2;
      else if (i + 1 < script.length) {
        lit(script[i + 1]!, true);
        i += 2;
      } else return undefined;
    } else if (c === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) return undefined;
      lit(script.slice(i + 1, close), true);
      i = close + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        const d = script[i];
        if (d === undefined) return undefined;
        if (d === '"') break;
        if (d === '`') return undefined;
        if (d === '\\' && script[i + 1] !== undefined && '$`"\\\n'.includes(script[i + 1]!)) {
          if (script[i + 1] !== '\n') lit(script[i + 1]!, true);
          i += 2;
        } else if (d === '$') {
          i = dollar(i, true);
          if (i < 0) return undefined;
        } else {
          lit(d, true);
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      i = dollar(i, false);
      if (i < 0) return undefined;
    } else {
      lit(c, false);
      i++;
    }
  }
  endWord();
  return tokens;
}

/** Parses a script into and-or lists, in order, or undefined on unsupported syntax. */
export function parseScript(script: string): AndOrList[] | undefined {
  const tokens = tokenize(script);
  if (!tokens) return undefined;
  const lists: AndOrList[] = [];
  let i = 0;
  const command = (): SimpleCommand | undefined => {
    const words: Word[] = [];
    while (i < tokens.length && tokens[i]!.kind === 'word') words.push((tokens[i++] as { word: Word }).word);
    return words.length > 0 ? { words } : undefined;
  };
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind === 'op' && t.op === '\n') {
      i++;
      continue;
    }
    const first = command();
    if (!first) return undefined; // `;`, `&&` or `||` with nothing before: a syntax error in sh
    const list: AndOrList = { first, rest: [] };
    while (i < tokens.length) {
      const op = tokens[i]!;
      if (op.kind !== 'op' || op.op === ';' || op.op === '\n') break;
      i++;
      // A newline after `&&`/`||` continues the list.
      while (i < tokens.length && tokens[i]!.kind === 'op' && (tokens[i] as { op: string }).op === '\n') i++;
      const cmd = command();
      if (!cmd) return undefined;
      list.rest.push({ op: op.op as '&&' | '||', cmd });
    }
    lists.push(list);
    if (i < tokens.length) i++; // the `;` or newline that ended the list
  }
  return lists;
}
