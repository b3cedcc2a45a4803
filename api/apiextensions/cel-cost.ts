import type { ASTNode } from '@marcbachmann/cel-js';
import type { JSONSchemaProps } from './schema-types.js';

/**
 * The static cost of x-kubernetes-validations rules, modelled on kube's use of cel-go's
 * cost estimator: every rule's worst-case cost, from the schema's size limits (maxItems,
 * maxProperties, maxLength; an unbounded list or string is as large as a 3 MiB request
 * allows), times how many times the rule can run (the cardinality of the lists and maps
 * above it). A rule over StaticEstimatedCostLimit, or a schema whose rules add up to
 * more than StaticEstimatedCRDCostLimit, is refused with kube's message. The estimate
 * follows cel-go's shape (comprehensions multiply, strings cost a tenth per character)
 * but not its every constant, so factors near the limits can differ from kube's.
 */

export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
const STRING_TRAVERSAL_FACTOR = 0.1;

/** The smallest JSON a value of this schema takes (kube's minimum serialized size estimate). */
function minSize(s: JSONSchemaProps | undefined): number {
  switch (s?.type) {
    case 'string':
      return 2;
    case 'boolean':
      return 4;
    case 'integer':
    case 'number':
      return 1;
    default:
      return 2;
  }
}

/** The most elements (list, map) or characters (string) a value of this schema can have. */
export function maxCardinality(s: JSONSchemaProps | undefined): number {
  if (!s) return MAX_REQUEST_BYTES;
  if (s.type === 'array') return s.maxItems ?? Math.floor(MAX_REQUEST_BYTES / (minSize(s.items) + 1));
  if (s.type === 'string') return s.maxLength ?? MAX_REQUEST_BYTES - 2;
  if (s.type === 'object' && typeof s.additionalProperties === 'object') return s.maxProperties ?? Math.floor(MAX_REQUEST_BYTES / (minSize(s.additionalProperties) + 4));
  if (s.type === 'object') return s.maxProperties ?? Object.keys(s.properties ?? {}).length;
  return 1;
}

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const STRING_FUNCTIONS = new Set(['matches', 'contains', 'startsWith', 'endsWith', 'lowerAscii', 'upperAscii', 'split', 'replace', 'indexOf', 'lastIndexOf', 'trim', 'find', 'findAll']);

interface Estimate {
  cost: number;
  schema?: JSONSchemaProps;
}

/** The worst-case cost of one expression with `self` (and `oldSelf`) of the given schema. */
export function estimateCost(ast: ASTNode, self: JSONSchemaProps): number {
  const scope = new Map<string, JSONSchemaProps | undefined>([['self', self], ['oldSelf', self]]);
  return visit(ast, scope).cost;
}

function child(s: JSONSchemaProps | undefined, field: string): JSONSchemaProps | undefined {
  if (!s) return undefined;
  return s.properties?.[field] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
}

function stringCost(s: JSONSchemaProps | undefined): number {
  return Math.ceil(maxCardinality(s ?? { type: 'string' }) * STRING_TRAVERSAL_FACTOR);
}

function visit(n: ASTNode, scope: Map<string, JSONSchemaProps | undefined>): Estimate {
  if (!n || typeof n !== 'object') return { cost: 0 };
  switch (n.op) {
    case 'value':
      return { cost: 0 };
    case 'id':
      return { cost: 1, schema: scope.get(n.args as string) };
    case '.':
    case '.?': {
      const [obj, field] = n.args as [ASTNode, string];
      const o = visit(obj, scope);
      return { cost: o.cost + 1, schema: child(o.schema, field) };
    }
    case '[]': {
      const [obj, idx] = n.args as [ASTNode, ASTNode];
      const o = visit(obj, scope);
      const i = visit(idx, scope);
      return { cost: o.cost + i.cost + 1, schema: o.schema?.items ?? (typeof o.schema?.additionalProperties === 'object' ? o.schema.additionalProperties : undefined) };
    }
    case 'rcall': {
      const [name, recv, args] = n.args as [string, ASTNode, ASTNode[]];
      const r = visit(recv, scope);
      if (COMPREHENSIONS.has(name) && args[0]?.op === 'id') {
        const inner = new Map(scope);
        const item = r.schema?.items ?? (r.schema?.type === 'object' ? { type: 'string' } : undefined);
        inner.set(args[0].args as string, item as JSONSchemaProps | undefined);
        const body = args.slice(1).reduce((sum, a) => sum + visit(a, inner).cost, 0);
        const mapped = name === 'map' || name === 'filter' ? { type: 'array', items: undefined } as JSONSchemaProps : undefined;
        return { cost: r.cost + maxCardinality(r.schema) * (body + 2), ...(mapped ? { schema: { ...mapped, maxItems: maxCardinality(r.schema) } } : {}) };
      }
      const argCost = args.reduce((sum, a) => sum + visit(a, scope).cost, 0);
      const own = STRING_FUNCTIONS.has(name) ? stringCost(r.schema) + 1 : 1;
      return { cost: r.cost + argCost + own };
    }
    case 'call': {
      const [, args] = n.args as [string, ASTNode[]];
      return { cost: 1 + (args ?? []).reduce((sum, a) => sum + visit(a, scope).cost, 0) };
    }
    default: {
      let cost = 1;
      const args = n.args as unknown;
      const each = (a: unknown): void => {
        if (Array.isArray(a)) a.forEach(each);
        else if (a && typeof a === 'object' && 'op' in (a as object)) cost += visit(a as ASTNode, scope).cost;
      };
      each(args);
      return { cost };
    }
  }
}

/** kube's getCostErrorMessage. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const text = factor > 100 ? 'more than 100x' : factor < 1.5 ? `${factor.toFixed(6)}x` : `${factor.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${text} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
