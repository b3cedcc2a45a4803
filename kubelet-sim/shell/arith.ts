/**
 * `$(( … ))`: integer arithmetic as sh does it (64-bit in busybox; JavaScript numbers,
 * truncated, here). Operators: unary + - !, * / %, + -, < <= > >=, == !=, &&, ||, and
 * parentheses; bare names read variables (unset or non-numeric: 0). `$NAME` references
 * were substituted by the caller. Errors throw ShellSyntaxError with sh's wording.
 */
import { ShellSyntaxError } from './parse.js';

export function evalArith(expr: string, vars: ReadonlyMap<string, string>): number {
  const tokens = expr.match(/\d+|[A-Za-z_][A-Za-z0-9_]*|&&|\|\||[<>=!]=|[-+*/%()<>!]|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (): never => {
    throw new ShellSyntaxError(`arithmetic syntax error`);
  };
  const bin = (next: () => number, ops: Record<string, (a: number, b: number) => number>) => (): number => {
    let v = next();
    while (peek() !== undefined && ops[peek()!]) {
      const op = ops[tokens[pos++]!]!;
      v = op(v, next());
    }
    return v;
  };
  const primary = (): number => {
    const t = tokens[pos++];
    if (t === undefined) return fail();
    if (t === '(') {
      const v = or();
      if (tokens[pos++] !== ')') fail();
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '!') return primary() === 0 ? 1 : 0;
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) {
      const n = Number(vars.get(t) ?? '0');
      return Number.isFinite(n) ? Math.trunc(n) : 0;
    }
    return fail();
  };
  const div = (a: number, b: number) => {
    if (b === 0) throw new ShellSyntaxError('divide by zero');
    return Math.trunc(a / b);
  };
  const mul = bin(primary, { '*': (a, b) => a * b, '/': div, '%': (a, b) => (b === 0 ? div(a, b) : a % b) });
  const add = bin(mul, { '+': (a, b) => a + b, '-': (a, b) => a - b });
  const cmp = bin(add, { '<': (a, b) => +(a < b), '<=': (a, b) => +(a <= b), '>': (a, b) => +(a > b), '>=': (a, b) => +(a >= b) });
  const eq = bin(cmp, { '==': (a, b) => +(a === b), '!=': (a, b) => +(a !== b) });
  const and = bin(eq, { '&&': (a, b) => +(a !== 0 && b !== 0) });
  const or: () => number = bin(and, { '||': (a, b) => +(a !== 0 || b !== 0) });
  if (tokens.length === 0) return 0;
  const v = or();
  if (pos < tokens.length) fail();
  return v;
}
