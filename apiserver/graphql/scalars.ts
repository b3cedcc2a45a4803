import { GraphQLError, GraphQLScalarType, Kind, type ObjectValueNode, type ValueNode } from './graphql-js.js';

/**
 * The two custom scalars of the GraphQL schema.
 *
 * JSON carries whatever the generated object types cannot: maps (labels, annotations,
 * data, resource lists), int-or-string and quantity values, and whole objects as input to
 * mutations. It accepts any JSON value, as a variable or as an inline literal.
 *
 * Long carries Kubernetes int64 fields whose values do not fit GraphQL's 32-bit Int
 * (image sizes, user and group ids): an integer up to 2^53, written as a JSON number.
 */

/** A GraphQL literal → the JSON value it spells. Variables are looked up, absent ones are null. */
export function literalToJson(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return objectLiteral(ast, variables);
    case Kind.VARIABLE:
      return variables?.[ast.name.value] ?? null;
  }
}

function objectLiteral(ast: ObjectValueNode, variables?: Record<string, unknown> | null): Record<string, unknown> {
  // fromEntries defines own properties, so a `__proto__` field stays data, never a prototype.
  return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
}

export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: maps such as labels, int-or-string and quantity values, whole objects as mutation input.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalToJson(ast, variables),
});

function toLong(value: unknown): number {
  const n = typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new GraphQLError(`Long cannot represent a non-integer or unsafe value: ${String(value)}`);
  }
  return n;
}

export const GraphQLLong = new GraphQLScalarType({
  name: 'Long',
  description: 'A 64-bit integer field (values up to 2^53), written as a JSON number.',
  serialize: toLong,
  parseValue: toLong,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT) throw new GraphQLError('Long must be an integer literal');
    return toLong(Number(ast.value));
  },
});
