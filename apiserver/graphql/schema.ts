import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLNullableType,
} from './graphql-js.js';
import type { ResourceType } from '../../api/types.js';
import { groupVersion, resources } from '../../api/registry.js';
import type { Registries } from '../registry/registries.js';
import type { UserInfo } from '../auth/authenticator.js';
import type { RequestAttributes } from '../auth/rbac/rule-match.js';
import type { Clock } from '../../lib/clock.js';
import { workloadMutations } from './workload-mutations.js';
import { traceField } from './trace-query.js';
import { CHART_TYPE_NAMES, chartHistoryField } from './chart-history-field.js';
import type { ChartHistorySnapshot } from './chart-history.js';
import { unauthorized } from '../errors.js';
import { runAsUser } from '../auth/request-user.js';
import { customKindNames, kindNames, type KindNames } from './naming.js';
import { ObjectTypeBuilder } from './object-types.js';
import { GraphQLJSON, GraphQLLong } from './scalars.js';
import { toGraphqlError, type ErrorLog } from './errors.js';
import {
  createObject,
  deleteObject,
  getAnyObject,
  listResourceObjects,
  getObject,
  listObjects,
  patchObject,
  replaceObject,
  type PatchKind,
} from './operations.js';
import { watchObjects, type WatchArgs } from './subscriptions.js';
import { anyObjectUnion, relationFields, type RelationTypes } from './relations.js';
import type { RelationReads } from './relation-reads.js';

/**
 * The GraphQL schema, generated from api/registry: per kind an object type, a get and a
 * list query, create/replace/patch/delete mutations and a watch subscription, for the
 * verbs the kind serves. The schema holds no state: resolvers find the registries and the
 * caller in the context (`context.kube`), so one schema serves every app instance.
 */

/** What every resolver needs, put in the GraphQL context by index.ts. */
export interface KubeContext {
  registries: Registries;
  /** The authenticated caller; absent when the request carried no valid credentials. */
  user?: UserInfo;
  authRequired: boolean;
  log?: ErrorLog;
  /** This context's batched reads for relation fields (relation-reads.ts). */
  reads(): RelationReads;
  /** Set when the operation selects managedFields: relations read storage, not the cache (which drops them). */
  readsFromStorage?: boolean;
  /**
   * Checks the caller may do this (RBAC, as REST's authorization filter); throws kube's
   * 403 otherwise. Absent when there is no authorizer or no authenticated user (auth off).
   */
  authorize?(attrs: RequestAttributes): Promise<void>;
  /** For mutations that stamp times (drain's evictions, rollout restart). */
  clock?: Clock;
  /** The chart samples this apiserver keeps (chart-history.ts); absent when it keeps none. */
  chartHistory?(): ChartHistorySnapshot;
}

export interface GraphqlContext {
  kube: KubeContext;
}

const ROOT_NAMES = ['Trace', 'TraceHop', 'Query', 'AnyObject', 'Mutation', 'Subscription', 'JSON', 'Long', 'PatchType', 'WatchEventType', 'ListMeta', 'String', 'Int', 'Float', 'Boolean', 'ID'];

const PatchTypeEnum = new GraphQLEnumType({
  name: 'PatchType',
  description: 'How a patch is applied, as the Content-Type of a REST PATCH chooses it.',
  values: {
    JSON: { description: 'RFC 6902 JSON patch (a list of operations)' },
    MERGE: { description: 'RFC 7386 JSON merge patch' },
    STRATEGIC: { description: 'Kubernetes strategic merge patch' },
    APPLY: { description: 'Server-side apply (needs fieldManager; creates a missing object)' },
  },
});

const WatchEventTypeEnum = new GraphQLEnumType({
  name: 'WatchEventType',
  values: { ADDED: {}, MODIFIED: {}, DELETED: {} },
});

const ListMetaType = new GraphQLObjectType({
  name: 'ListMeta',
  fields: {
    resourceVersion: { type: GraphQLString },
    continue: { type: GraphQLString, description: 'Pass as `continue` to get the next page.' },
    remainingItemCount: { type: GraphQLLong },
  },
});

const nonNull = <T extends GraphQLNullableType>(t: T): GraphQLNonNull<T> => new GraphQLNonNull(t);
const str = { type: GraphQLString };
const reqStr = { type: nonNull(GraphQLString) };

/**
 * Runs a resolver body: checks the caller is authenticated and, given the request's
 * attributes, authorized for it (the same RBAC decision REST makes); converts every error
 * once.
 */
export async function guard<T>(ctx: GraphqlContext, fn: () => Promise<T>, access?: RequestAttributes | RequestAttributes[]): Promise<T> {
  try {
    if (ctx.kube.authRequired && !ctx.kube.user) throw unauthorized();
    if (access && ctx.kube.authorize) {
      for (const attrs of Array.isArray(access) ? access : [access]) await ctx.kube.authorize(attrs);
    }
    // As that user, so the write path's own checks (RBAC escalation) see who asks.
    return await runAsUser(ctx.kube.user, fn);
  } catch (err) {
    throw toGraphqlError(err, ctx.kube.log);
  }
}

type Field = GraphQLFieldConfig<unknown, GraphqlContext, any>;

/** The authorizer's view of a call on a kind (kube's RequestInfo). */
export function access(rt: ResourceType, verb: string, namespace: string | null | undefined, name?: string, subresource?: string): RequestAttributes {
  return {
    kind: 'resource',
    verb,
    group: rt.group,
    resource: rt.plural,
    ...(subresource ? { subresource } : {}),
    ...(rt.namespaced && namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}

/** `object(apiVersion, kind, …)`: a get of that kind (unknown kinds are the resolver's 404). */
function anyAccess(args: { apiVersion: string; kind: string; namespace?: string | null; name: string }): RequestAttributes[] {
  const group = args.apiVersion.includes('/') ? args.apiVersion.slice(0, args.apiVersion.indexOf('/')) : '';
  const rt = resources.find((r) => r.group === group && r.kind === args.kind);
  return rt ? [access(rt, 'get', oneNs(rt, args.namespace), args.name)] : [];
}

/** The namespace a single-object call addresses (the argument defaults to `default`). */
const oneNs = (rt: ResourceType, ns: string | null | undefined): string | undefined => (rt.namespaced ? (ns ?? 'default') : undefined);

/** The namespace of a create: the argument, else the object's, else `default`. */
function createNs(rt: ResourceType, args: { namespace?: string | null; object?: unknown }): string | undefined {
  if (!rt.namespaced) return undefined;
  const own = (args.object as { metadata?: { namespace?: unknown } } | null | undefined)?.metadata?.namespace;
  return args.namespace ?? (typeof own === 'string' && own !== '' ? own : 'default');
}

function objectArgs(rt: ResourceType): GraphQLFieldConfigArgumentMap {
  return rt.namespaced
    ? { namespace: { type: nonNull(GraphQLString), defaultValue: 'default' }, name: reqStr }
    : { name: reqStr };
}

function selectorArgs(rt: ResourceType): GraphQLFieldConfigArgumentMap {
  return {
    ...(rt.namespaced ? { namespace: { ...str, description: 'Omit for all namespaces.' } } : {}),
    labelSelector: str,
    fieldSelector: str,
  };
}

const dryRun = { type: GraphQLBoolean, defaultValue: false, description: 'Validate and answer without storing.' };

interface KindType {
  rt: ResourceType;
  type: GraphQLObjectType;
}

interface KindSchema {
  query: GraphQLFieldConfigMap<unknown, GraphqlContext>;
  mutation: GraphQLFieldConfigMap<unknown, GraphqlContext>;
  subscription: GraphQLFieldConfigMap<unknown, GraphqlContext>;
}

/** A custom kind (CRD) to serve with generated types: its ResourceType and storage version's OpenAPI v3 schema. */
export interface CustomKind {
  rt: ResourceType;
  openApiV3: unknown;
}

function kindFields(rt: ResourceType, names: KindNames, builder: ObjectTypeBuilder, relations: RelationTypes, made: KindType[], custom?: CustomKind): KindSchema {
  const gv = groupVersion(rt);
  const type = custom
    ? builder.customKindType(names.type, rt.group, custom.openApiV3, `${rt.kind} (${gv}), a custom resource, as the REST API serves it.`, () =>
        relationFields(rt, relations, { events: true }),
      )
    : builder.kindType(names.type, rt.kind, rt.group, rt.schema, `${rt.kind} (${gv}), as the REST API serves it.`, () => relationFields(rt, relations));
  made.push({ rt, type });
  const out: KindSchema = { query: {}, mutation: {}, subscription: {} };
  const can = (verb: string): boolean => rt.verbs.includes(verb);

  if (can('get')) {
    out.query[names.getField] = {
      type,
      args: objectArgs(rt),
      resolve: (_src, args, ctx) => guard(ctx, () => getObject(ctx.kube, rt, args), access(rt, 'get', oneNs(rt, args.namespace), args.name)),
    } satisfies Field;
  }
  if (can('list')) {
    const listType = new GraphQLObjectType({
      name: names.listType,
      fields: {
        apiVersion: reqStr,
        kind: reqStr,
        metadata: { type: nonNull(ListMetaType) },
        items: { type: nonNull(new GraphQLList(nonNull(type))) },
      },
    });
    out.query[names.listField] = {
      type: nonNull(listType),
      args: {
        ...selectorArgs(rt),
        limit: { type: GraphQLInt, description: 'Items per page, at most 1000 (the default); follow metadata.continue for more.' },
        continue: str,
        resourceVersion: str,
      },
      resolve: (_src, args, ctx) => guard(ctx, () => listObjects(ctx.kube, rt, args), access(rt, 'list', args.namespace)),
    } satisfies Field;
  }
  if (can('create')) {
    out.mutation[names.createField] = {
      type: nonNull(type),
      args: {
        ...(rt.namespaced ? { namespace: { ...str, description: "Defaults to the object's namespace, then `default`." } } : {}),
        object: { type: nonNull(GraphQLJSON) },
        dryRun,
      },
      resolve: (_src, args, ctx) => guard(ctx, () => createObject(ctx.kube, rt, args), access(rt, 'create', createNs(rt, args))),
    } satisfies Field;
  }
  if (can('update')) {
    out.mutation[names.replaceField] = {
      type: nonNull(type),
      args: { ...objectArgs(rt), object: { type: nonNull(GraphQLJSON) }, dryRun },
      resolve: (_src, args, ctx) => guard(ctx, () => replaceObject(ctx.kube, rt, args), access(rt, 'update', oneNs(rt, args.namespace), args.name)),
    } satisfies Field;
  }
  if (can('patch')) {
    out.mutation[names.patchField] = {
      type: nonNull(type),
      args: {
        ...objectArgs(rt),
        patch: { type: nonNull(GraphQLJSON) },
        type: { type: PatchTypeEnum, defaultValue: 'MERGE' satisfies PatchKind },
        fieldManager: str,
        dryRun,
      },
      resolve: (_src, args, ctx) => guard(ctx, () => patchObject(ctx.kube, rt, args), access(rt, 'patch', oneNs(rt, args.namespace), args.name)),
    } satisfies Field;
  }
  if (can('delete')) {
    const deletionType = new GraphQLObjectType({
      name: names.deletionType,
      fields: {
        deleted: { type: nonNull(GraphQLBoolean), description: 'False when the object was only marked (grace period or finalizers).' },
        object: { type: nonNull(type) },
      },
    });
    out.mutation[names.deleteField] = {
      type: nonNull(deletionType),
      args: { ...objectArgs(rt), gracePeriodSeconds: { type: GraphQLInt }, propagationPolicy: str, dryRun },
      resolve: (_src, args, ctx) => guard(ctx, () => deleteObject(ctx.kube, rt, args), access(rt, 'delete', oneNs(rt, args.namespace), args.name)),
    } satisfies Field;
  }
  if (can('watch')) {
    const eventType = new GraphQLObjectType({
      name: names.eventType,
      fields: { type: { type: nonNull(WatchEventTypeEnum) }, object: { type: nonNull(type) } },
    });
    out.subscription[names.watchField] = {
      type: nonNull(eventType),
      args: { ...selectorArgs(rt), resourceVersion: { ...str, description: 'Unset or "0": the current objects as ADDED first.' } },
      subscribe: (_src, args: WatchArgs, ctx) => guard(ctx, () => watchObjects(ctx.kube, rt, args), access(rt, 'watch', args.namespace)),
      resolve: (event: unknown) => event,
    } satisfies Field;
  }
  return out;
}

/**
 * Builds the schema for the given kinds (in their order, which fixes the type names), and
 * the custom kinds after them (customKindNames: group-prefixed, numbered when taken).
 */
export function buildGraphqlSchema(
  rts: readonly ResourceType[],
  custom: readonly CustomKind[] = [],
  /** Type names the built-in part defines outside the kinds (DrainPod, Trace, …): custom kinds avoid them. */
  takenTypes: ReadonlySet<string> = new Set(),
): GraphQLSchema {
  const names = kindNames(rts);
  const reserved = new Set([...ROOT_NAMES, ...CHART_TYPE_NAMES]);
  for (const n of names.values()) for (const name of [n.type, n.listType, n.eventType, n.deletionType]) reserved.add(name);
  const builder = new ObjectTypeBuilder(reserved);

  const query: GraphQLFieldConfigMap<unknown, GraphqlContext> = {
    object: {
      type: GraphQLJSON,
      description: 'Any object as JSON, in the requested apiVersion (as REST GET answers it).',
      args: { apiVersion: reqStr, kind: reqStr, namespace: str, name: reqStr },
      resolve: (_src, args, ctx) => guard(ctx, () => getAnyObject(ctx.kube, args), anyAccess(args)),
    } satisfies Field,
    trace: traceField satisfies Field,
    chartHistory: chartHistoryField satisfies Field,
    objects: {
      type: GraphQLJSON,
      description: 'Every object of a group/version/resource as a JSON list, in that version (as REST list answers it): custom resources (CRDs) are read this way. group is "" for the core group.',
      args: { group: reqStr, version: reqStr, resource: reqStr, namespace: str, labelSelector: str, fieldSelector: str },
      resolve: (_src, args, ctx) =>
        guard(ctx, () => listResourceObjects(ctx.kube, args), {
          kind: 'resource',
          verb: 'list',
          group: args.group,
          resource: args.resource,
          ...(args.namespace ? { namespace: args.namespace } : {}),
        }),
    } satisfies Field,
  };
  const mutation: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
  const subscription: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
  const made: KindType[] = [];
  const relations: RelationTypes = {
    typeOf: (group, kind) => made.find((k) => k.rt.group === group && k.rt.kind === kind)?.type,
    anyObject: anyObjectUnion(() => made),
  };
  for (const rt of rts) {
    const fields = kindFields(rt, names.get(rt)!, builder, relations, made);
    Object.assign(query, fields.query);
    Object.assign(mutation, fields.mutation);
    Object.assign(subscription, fields.subscription);
  }
  Object.assign(mutation, workloadMutations(rts, names, (rt) => made.find((k) => k.rt === rt)?.type));
  for (const c of custom) {
    const taken = (name: string): boolean => builder.isTaken(name) || takenTypes.has(name) || Object.hasOwn(query, name) || Object.hasOwn(mutation, name) || Object.hasOwn(subscription, name);
    const n = customKindNames(c.rt, taken);
    for (const name of [n.type, n.listType, n.eventType, n.deletionType]) reserved.add(name);
    const fields = kindFields(c.rt, n, builder, relations, made, c);
    Object.assign(query, fields.query);
    Object.assign(mutation, fields.mutation);
    Object.assign(subscription, fields.subscription);
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutation }),
    subscription: new GraphQLObjectType({ name: 'Subscription', fields: subscription }),
  });
}

let cached: GraphQLSchema | undefined;

/**
 * The kinds GraphQL serves: every stored kind. The create-only reviews (access reviews,
 * SelfSubjectReview) are answers computed per request, not objects: REST only.
 */
export const graphqlResources = resources.filter((r) => r.verbs.includes('get'));

/** The schema for every served kind, built once per process. */
export function graphqlSchema(): GraphQLSchema {
  cached ??= buildGraphqlSchema(graphqlResources);
  return cached;
}
