/**
 * CEL errors worded as cel-go words them (k8s.io/apiserver reports cel-go's text), so a
 * CRD or a policy with a bad expression is refused with the message kube-apiserver gives.
 */

import { EvaluationError } from '@marcbachmann/cel-js';

/** An error raised inside a library function: surfaces as an evaluation error. */
export function celError(message: string): Error {
  return new EvaluationError(message);
}

const binaryOps: Record<string, string> = {
  '+': '_+_', '-': '_-_', '*': '_*_', '/': '_/_', '%': '_%_',
  '==': '_==_', '!=': '_!=_', '<': '_<_', '<=': '_<=_', '>': '_>_', '>=': '_>=_', in: '@in',
};

interface LibError {
  message: string;
  code?: string;
  range?: { start: number; end: number };
  node?: { op?: string; args?: unknown; range?: { start: number; end: number } };
}

/** "line:col" of offset in input, 1-based like cel-go's display. */
function position(input: string, offset: number): { line: number; col: number; lineText: string } {
  const before = input.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = input.indexOf('\n', lineStart);
  return { line, col: offset - lineStart + 1, lineText: input.slice(lineStart, lineEnd < 0 ? undefined : lineEnd) };
}

/** Rewrites the library's first line into cel-go's wording; answers [message, offset]. */
function translate(input: string, e: LibError): [string, number] {
  const first = e.message.split('\n')[0] ?? e.message;
  let offset = e.range?.start ?? 0;
  let m: RegExpExecArray | null;
  if ((m = /^Unknown variable: (.*)$/.exec(first))) return [`undeclared reference to '${m[1]}' (in container '')`, offset];
  if ((m = /^no such overload: (\S+) (\S+) (\S+)$/.exec(first)) && binaryOps[m[2]!]) {
    const left = (e.node?.args as Array<{ range?: { end: number } }> | undefined)?.[0]?.range?.end;
    if (left !== undefined) {
      const at = input.indexOf(m[2]!, left);
      if (at >= 0) offset = at;
    }
    return [`found no matching overload for '${binaryOps[m[2]!]}' applied to '(${m[1]}, ${m[3]})'`, offset];
  }
  if ((m = /^no such overload: !(\S+)$/.exec(first))) return [`found no matching overload for '!_' applied to '(${m[1]})'`, offset];
  if ((m = /^no such overload: -(\S+)$/.exec(first))) return [`found no matching overload for '-_' applied to '(${m[1]})'`, offset];
  if ((m = /^found no matching overload for '(?:(\S+)\.)?(\w+)\((.*)\)'$/.exec(first))) {
    const args = m[1] ? [m[1], ...(m[3] ? m[3].split(/,\s*/) : [])] : m[3] ? m[3].split(/,\s*/) : [];
    const name = m[2]!;
    // cel-go: an unknown global function is an undeclared reference
    if (!m[1] && !knownFunction(name)) return [`undeclared reference to '${name}' (in container '')`, offset];
    const paren = input.indexOf('(', m[1] ? input.indexOf(`.${name}`, offset) : offset);
    return [`found no matching overload for '${name}' applied to '${m[1] ? `${m[1]}.` : ''}(${args.slice(m[1] ? 1 : 0).join(', ')})'`, paren >= 0 ? paren : offset];
  }
  if (e.code && /token|character|string|expected|parse|syntax|unterminated/i.test(`${e.code}`)) return [`Syntax error: ${first}`, offset];
  return [first, offset];
}

const globalFunctions = new Set(['size', 'int', 'uint', 'double', 'string', 'bytes', 'bool', 'dyn', 'type', 'timestamp', 'duration', 'has', 'matches',
  'quantity', 'isQuantity', 'url', 'isURL', 'ip', 'isIP', 'cidr', 'isCIDR']);
function knownFunction(name: string): boolean { return globalFunctions.has(name); }

/**
 * cel-go's display form of a compile error:
 *   ERROR: <input>:1:6: undeclared reference to 'foo' (in container '')
 *    | self.foo == 1
 *    | .....^
 */
export function formatCompileError(input: string, e: unknown): string {
  const err = e as LibError;
  if (!err || typeof err.message !== 'string') return `ERROR: <input>:1:1: ${String(e)}`;
  const [msg, offset] = translate(input, err);
  const p = position(input, Math.min(offset, input.length));
  const marker = `${'.'.repeat(Math.max(0, p.col - 1))}^`;
  return `ERROR: <input>:${p.line}:${p.col}: ${msg}\n | ${p.lineText}\n | ${marker}`;
}

/** An evaluation error's message without the library's source excerpt. */
export function formatEvalError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n')[0] ?? msg;
  const m = /^No such key: (.*)$/.exec(first);
  if (m) return `no such key: ${m[1]}`;
  return first;
}
