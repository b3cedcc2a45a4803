import { resources, resourcesGeneration } from '../../api/registry.js';
import { crdFor, isCustomResource } from '../crd/custom-resource-type.js';
import { validateSchema, type GraphQLSchema } from './graphql-js.js';
import { buildGraphqlSchema, graphqlResources, graphqlSchema, type CustomKind } from './schema.js';

/**
 * Custom kinds in the GraphQL schema. The CRD controller (apiserver/crd) adds a CRD's kind
 * to api/registry's `resources` when it is Established and removes it when the CRD goes,
 * bumping resourcesGeneration(); the GraphQL layer compares that generation on each request
 * to /graphql and, when it moved, swaps in the schema built here (index.ts calls mercurius'
 * replaceSchema). The built-in part is the same as the checked-in schema.graphql: custom
 * kinds only add types and root fields.
 *
 * A CRD whose types cannot join the schema (a name or shape graphql-js refuses) is left
 * out, with a log line, and the rest is served: a bad CRD never breaks /graphql.
 */

/** The served custom kinds with the OpenAPI v3 schema of their storage version. */
export function currentCustomKinds(): CustomKind[] {
  const out: CustomKind[] = [];
  for (const rt of resources) {
    if (!isCustomResource(rt) || !rt.verbs.includes('get')) continue;
    const crd = crdFor(rt);
    const version = crd?.spec.versions.find((v) => v.name === rt.version);
    out.push({ rt, openApiV3: version?.schema?.openAPIV3Schema ?? {} });
  }
  return out;
}

/** Every type name of the built-in schema. */
let builtinTypes: Set<string> | undefined;

function tryBuild(custom: readonly CustomKind[]): GraphQLSchema | undefined {
  try {
    builtinTypes ??= new Set(Object.keys(graphqlSchema().getTypeMap()));
    const schema = buildGraphqlSchema(graphqlResources, custom, builtinTypes);
    return validateSchema(schema).length === 0 ? schema : undefined;
  } catch {
    return undefined;
  }
}

export interface CustomSchema {
  schema: GraphQLSchema;
  /** Custom kinds left out, as `plural.group`, with why. */
  skipped: string[];
}

/** The schema with these custom kinds, leaving out any that cannot be built. */
export function schemaWithCustomKinds(custom: readonly CustomKind[]): CustomSchema {
  if (custom.length === 0) return { schema: graphqlSchema(), skipped: [] };
  const all = tryBuild(custom);
  if (all) return { schema: all, skipped: [] };
  const kept: CustomKind[] = [];
  const skipped: string[] = [];
  for (const c of custom) {
    if (tryBuild([...kept, c])) kept.push(c);
    else skipped.push(`${c.rt.plural}.${c.rt.group}`);
  }
  return { schema: tryBuild(kept) ?? graphqlSchema(), skipped };
}

let cached: { generation: number; result: CustomSchema } | undefined;

/**
 * The schema for the kinds served now, rebuilt once per registry generation (shared by the
 * apiservers of one process, which share `resources`).
 */
export function currentSchema(): CustomSchema & { generation: number } {
  const generation = resourcesGeneration();
  if (!cached || cached.generation !== generation) cached = { generation, result: schemaWithCustomKinds(currentCustomKinds()) };
  return { generation, ...cached.result };
}
