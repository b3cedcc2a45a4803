import { isQualifiedName, isValidLabelValue } from './validation.js';

/**
 * Label and field selectors, as k8s.io/apimachinery/pkg/labels and pkg/fields parse,
 * match and print them. Shared by the apiserver (list/watch `labelSelector` and
 * `fieldSelector` parameters) and by client-side controllers (a ReplicaSet's
 * `spec.selector`, a Service's selector map).
 *
 * Everything here is pure. Parse errors are SelectorParseError, with Kubernetes' wording:
 * the apiserver wraps them in a 400 (`Unable to find "/v1, Resource=pods" that match label
 * selector …: unable to parse requirement: …`).
 */

export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

// ---------------------------------------------------------------- label requirements

/** selection.Operator, by name. In the string syntax: in, notin, =, ==, !=, (key), !key, >, <. */
export type LabelOperator =
  | 'In'
  | 'NotIn'
  | 'Equals'
  | 'DoubleEquals'
  | 'NotEquals'
  | 'Exists'
  | 'DoesNotExist'
  | 'GreaterThan'
  | 'LessThan';

/** One ANDed term of a label selector. `values` is empty for Exists/DoesNotExist. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** What a selector that matches nothing (a null apps/v1 selector) is. */
export type LabelSelectorResult = LabelRequirement[] | 'nothing';

/** The metav1.LabelSelector shape (apps/v1 spec.selector, PDB, topology spread, …). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

/** Go's `Operator` string, used in the "expected:" list of parse errors. */
const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** field.Invalid's body for the bad values NewRequirement reports. */
function invalidValue(path: string, value: string | string[], detail: string): string {
  const shown =
    typeof value === 'string' ? JSON.stringify(value) : `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** utilerrors.Aggregate's message: one error bare, several deduplicated inside [a, b]. */
function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

/**
 * labels.NewRequirement: validates and builds one requirement. Throws SelectorParseError
 * with the aggregated field errors (paths `key`, `values`, `values[i][key]`, as Kubernetes
 * prints them when no parent path is given).
 */
export function newLabelRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalidValue('key', key, keyErrs.join('; ')));
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(invalidValue('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1) errs.push(invalidValue('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) errs.push(invalidValue('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1) errs.push(invalidValue('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length > 0) errs.push(invalidValue(`values[${i}][${key}]`, v, vErrs.join('; ')));
  });
  if (errs.length > 0) throw new SelectorParseError(aggregate(errs));
  return { key, operator, values: [...values] };
}

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

// ---------------------------------------------------------------- label selector lexer

type Tok =
  | 'EOS'
  | 'ClosedPar'
  | 'Comma'
  | 'DoesNotExist'
  | 'DoubleEquals'
  | 'Equals'
  | 'GreaterThan'
  | 'Identifier'
  | 'In'
  | 'LessThan'
  | 'NotEquals'
  | 'NotIn'
  | 'OpenPar';

const literalTokens: Record<string, Tok> = {
  ')': 'ClosedPar',
  ',': 'Comma',
  '!': 'DoesNotExist',
  '==': 'DoubleEquals',
  '=': 'Equals',
  '>': 'GreaterThan',
  in: 'In',
  '<': 'LessThan',
  '!=': 'NotEquals',
  notin: 'NotIn',
  '(': 'OpenPar',
};

interface Scanned {
  tok: Tok;
  lit: string;
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);

/** Splits a selector string into tokens, as labels.Lexer does (greedy operators, keywords in/notin). */
function scan(s: string): Scanned[] {
  const out: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      out.push({ tok: 'EOS', lit: '' });
      return out;
    }
    if (isSpecial(s[pos]!)) {
      // Longest run of special characters that still forms a known token.
      let buf = '';
      let last: Scanned | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        const next = buf + s[pos];
        const tok = literalTokens[next];
        if (tok) {
          last = { tok, lit: next };
        } else if (last) {
          break;
        }
        buf = next;
        pos++;
      }
      // Every single special character is a token, so `last` is always set here.
      out.push(last ?? { tok: 'Identifier', lit: buf });
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecial(s[pos]!) && !isWhitespace(s[pos]!)) pos++;
    const lit = s.slice(start, pos);
    out.push({ tok: Object.hasOwn(literalTokens, lit) ? literalTokens[lit]! : 'Identifier', lit });
  }
}

/**
 * A recursive-descent parser over the scanned tokens. `in`/`notin` read as identifiers
 * where a value is expected (context "Values"), as operators where one is expected.
 */
class LabelParser {
  private position = 0;
  constructor(private readonly items: Scanned[]) {}

  private lookahead(values: boolean): Scanned {
    return this.asContext(this.items[this.position]!, values);
  }

  private consume(values: boolean): Scanned {
    return this.asContext(this.items[this.position++]!, values);
  }

  private asContext(item: Scanned, values: boolean): Scanned {
    if (values && (item.tok === 'In' || item.tok === 'NotIn')) return { tok: 'Identifier', lit: item.lit };
    return item;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === 'EOS') return reqs;
      if (tok !== 'Identifier' && tok !== 'DoesNotExist') {
        throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const after = this.consume(true);
      if (after.tok === 'EOS') return reqs;
      if (after.tok !== 'Comma') throw new SelectorParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const next = this.lookahead(true);
      if (next.tok !== 'Identifier' && next.tok !== 'DoesNotExist') {
        throw new SelectorParseError(`found '${next.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    let negated = false;
    let item = this.consume(true);
    if (item.tok === 'DoesNotExist') {
      negated = true;
      item = this.consume(true);
    }
    if (item.tok !== 'Identifier') throw new SelectorParseError(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) throw new SelectorParseError(invalidValue('<nil>', key, keyErrs.join('; ')));
    const next = this.lookahead(true).tok;
    if (negated || next === 'EOS' || next === 'Comma') {
      // `!key` is DoesNotExist even when followed by more tokens; Kubernetes then fails on
      // those tokens as "expected ',' or 'end of string'".
      return newLabelRequirement(key, negated ? 'DoesNotExist' : 'Exists', []);
    }
    const operator = this.parseOperator();
    const values = operator === 'In' || operator === 'NotIn' ? this.parseValues() : this.parseExactValue();
    return newLabelRequirement(key, operator, values);
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case 'In':
        return 'In';
      case 'NotIn':
        return 'NotIn';
      case 'Equals':
        return 'Equals';
      case 'DoubleEquals':
        return 'DoubleEquals';
      case 'NotEquals':
        return 'NotEquals';
      case 'GreaterThan':
        return 'GreaterThan';
      case 'LessThan':
        return 'LessThan';
      default:
        throw new SelectorParseError(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  /** `(a,b,,c)`: a sorted set; empty members are the empty string. */
  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== 'OpenPar') throw new SelectorParseError(`found '${open.lit}' expected: '('`);
    const first = this.lookahead(true);
    if (first.tok === 'ClosedPar') {
      this.consume(true);
      return [''];
    }
    if (first.tok !== 'Identifier' && first.tok !== 'Comma') {
      throw new SelectorParseError(`found '${first.lit}', expected: ',', ')' or identifier`);
    }
    const set = new Set<string>();
    for (;;) {
      const item = this.consume(true);
      if (item.tok === 'Identifier') {
        set.add(item.lit);
        const next = this.lookahead(true);
        if (next.tok === 'Comma') continue;
        if (next.tok === 'ClosedPar') break;
        throw new SelectorParseError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (item.tok === 'Comma') {
        if (set.size === 0) set.add('');
        const next = this.lookahead(true).tok;
        if (next === 'ClosedPar') {
          set.add('');
          break;
        }
        if (next === 'Comma') {
          this.consume(true);
          set.add('');
        }
      } else {
        throw new SelectorParseError(`found '${item.lit}', expected: ',', or identifier`);
      }
    }
    this.consume(true); // the ')' seen by lookahead
    return [...set].sort();
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true);
    if (next.tok === 'EOS' || next.tok === 'Comma') return [''];
    const item = this.consume(true);
    if (item.tok === 'Identifier') return [item.lit];
    throw new SelectorParseError(`found '${item.lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`,
 * comma-separated, whitespace tolerant. Requirements come back sorted by key. The empty
 * string parses to [] (matches everything).
 */
export function parseLabelSelector(s: string): LabelRequirement[] {
  return new LabelParser(scan(s)).parse().sort(byKey);
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined → 'nothing'; `{}` → [] (everything).
 * Operators In, NotIn, Exists, DoesNotExist (apps/v1 names). Invalid keys/values/operators
 * throw SelectorParseError.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelectorResult {
  if (sel === null || sel === undefined) return 'nothing';
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(newLabelRequirement(k, 'Equals', [v]));
  for (const expr of sel.matchExpressions ?? []) {
    let op: LabelOperator;
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
      case 'Exists':
      case 'DoesNotExist':
        op = expr.operator;
        break;
      default:
        throw new SelectorParseError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    }
    reqs.push(newLabelRequirement(expr.key, op, [...(expr.values ?? [])]));
  }
  return reqs.sort(byKey);
}

/** labels.SelectorFromSet: one Equals requirement per entry, sorted; not validated. */
export function selectorFromSet(set: Record<string, string> | undefined | null): LabelRequirement[] {
  return Object.entries(set ?? {})
    .map(([key, value]) => ({ key, operator: 'Equals' as const, values: [value] }))
    .sort(byKey);
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return has && r.values.includes(value!);
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      if (!has || r.values.length !== 1 || !/^[+-]?\d+$/.test(value!) || !/^[+-]?\d+$/.test(r.values[0]!)) return false;
      const lv = BigInt(value!);
      const rv = BigInt(r.values[0]!);
      return r.operator === 'GreaterThan' ? lv > rv : lv < rv;
    }
  }
}

/** Whether every requirement holds for `labels`. 'nothing' matches no object; [] matches all. */
export function matchesLabels(reqs: LabelSelectorResult, labels: Record<string, string> | undefined | null): boolean {
  if (reqs === 'nothing') return false;
  const ls = labels ?? {};
  return reqs.every((r) => requirementMatches(r, ls));
}

function requirementToString(r: LabelRequirement): string {
  const ops: Record<LabelOperator, string> = {
    Equals: '=',
    DoubleEquals: '==',
    NotEquals: '!=',
    In: ' in ',
    NotIn: ' notin ',
    GreaterThan: '>',
    LessThan: '<',
    Exists: '',
    DoesNotExist: '',
  };
  if (r.operator === 'Exists') return r.key;
  if (r.operator === 'DoesNotExist') return `!${r.key}`;
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  const set = r.operator === 'In' || r.operator === 'NotIn';
  return `${r.key}${ops[r.operator]}${set ? `(${vals})` : vals}`;
}

/**
 * Selector.String(), e.g. `app=nginx,tier in (web)`. Accepts requirements or a LabelSelector
 * object; everything and nothing both print as ''.
 */
export function labelSelectorToString(sel: LabelSelectorResult | LabelSelectorObject | null | undefined): string {
  const reqs = Array.isArray(sel) || sel === 'nothing' ? sel : labelSelectorFromObject(sel);
  if (reqs === 'nothing') return '';
  return reqs.map(requirementToString).join(',');
}

/** metav1.FormatLabelSelector, as kubectl's SELECTOR columns show it: '<none>' when empty, '<error>' when invalid. */
export function formatLabelSelector(sel: LabelSelectorObject | null | undefined): string {
  try {
    return labelSelectorToString(sel) || '<none>';
  } catch (err) {
    if (err instanceof SelectorParseError) return '<error>';
    throw err;
  }
}

// ---------------------------------------------------------------- field selectors

export type FieldOperator = 'Equals' | 'DoubleEquals' | 'NotEquals';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  /** Unescaped value. */
  value: string;
}

/** Splits on commas not escaped by a backslash; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first operator in the term splits it; `!=` and `==` are tried before `=`. */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  const ops: Array<[string, FieldOperator]> = [
    ['!=', 'NotEquals'],
    ['==', 'DoubleEquals'],
    ['=', 'Equals'],
  ];
  for (let i = 0; i < term.length; i++) {
    for (const [lit, op] of ops) {
      if (term.startsWith(lit, i)) return [term.slice(0, i), op, term.slice(i + lit.length)];
    }
  }
  return undefined;
}

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes; bare `,`/`=` are errors. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its code point number.
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * fields.ParseSelector: `f=v`, `f==v`, `f!=v`, comma-separated, values escaped with `\`.
 * Terms come back sorted by their raw text, as Kubernetes sorts them. Field names are not
 * checked here: which fields a kind supports is the registry's business.
 */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const parts = splitTerms(s).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new SelectorParseError(`invalid selector: '${s}'; can't understand '${part}'`);
    const [field, operator, raw] = split;
    reqs.push({ field, operator, value: unescapeValue(raw) });
  }
  return reqs;
}

/** fields.EscapeValue. */
export function escapeFieldValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Selector.String() for field selectors: `spec.nodeName=n1,status.phase!=Running`. */
export function fieldSelectorToString(reqs: FieldRequirement[]): string {
  const ops: Record<FieldOperator, string> = { Equals: '=', DoubleEquals: '==', NotEquals: '!=' };
  return reqs.map((r) => `${r.field}${ops[r.operator]}${escapeFieldValue(r.value)}`).join(',');
}

/**
 * Whether every requirement holds. `getter` gives a field's value in string form; an
 * unknown or absent field reads as '' (fields.Set.Get), so `f!=x` holds for it.
 */
export function matchesFields(reqs: FieldRequirement[], getter: (field: string) => string | undefined): boolean {
  return reqs.every((r) => {
    const v = getter(r.field) ?? '';
    return r.operator === 'NotEquals' ? v !== r.value : v === r.value;
  });
}
