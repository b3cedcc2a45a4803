import { GraphQLError, type ExecutionResult } from './graphql-js.js';
import mercurius from 'mercurius';
import type { RouteOptions } from 'fastify';
import { ApiError, toApiError } from '../errors.js';
import { PatchError } from '../patch/index.js';

/**
 * The GraphQL boundary for errors: every failure a resolver meets (ApiError from the
 * registry, PatchError from the patch library, anything else) leaves as one GraphQLError
 * carrying the Kubernetes message and `extensions: { code: <Status reason>, status: <HTTP
 * code>, details? }`. Unknown errors become InternalError (500) and are logged, as REST does.
 */

export interface ErrorLog {
  error(obj: object, msg: string): void;
}

export function toGraphqlError(err: unknown, log?: ErrorLog): GraphQLError {
  if (err instanceof GraphQLError) {
    // A GraphQLError wrapping one of ours (graphql-js wraps resolver errors) is converted
    // from its origin; one that is already converted, or graphql's own, is kept.
    const origin = err.originalError;
    if (err.extensions?.code === undefined && (origin instanceof ApiError || origin instanceof PatchError)) {
      const converted = toGraphqlError(origin, log);
      return new GraphQLError(converted.message, {
        nodes: err.nodes,
        source: err.source,
        positions: err.positions,
        path: err.path,
        originalError: converted.originalError,
        extensions: converted.extensions,
      });
    }
    return err;
  }
  let api: ApiError;
  if (err instanceof ApiError) api = err;
  else if (err instanceof PatchError) api = err.toApiError();
  else {
    api = toApiError(err);
    log?.error({ err }, 'graphql resolver failed');
  }
  const extensions: Record<string, unknown> = { code: api.reason, status: api.code };
  if (api.details) extensions.details = api.details;
  return new GraphQLError(api.message, { originalError: api, extensions });
}

type FormatterContext = Parameters<typeof mercurius.defaultErrorFormatter>[1];

/**
 * mercurius' errorFormatter: errors raised outside resolvers (authentication, request
 * bodies) get the same extensions, and a response with no data answers with the HTTP
 * status of its single Kubernetes error (401, 400, …) instead of 200.
 */
export function formatErrors(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: FormatterContext,
): ReturnType<typeof mercurius.defaultErrorFormatter> {
  const errors = execution.errors.map((e) => toGraphqlError(e));
  const out = mercurius.defaultErrorFormatter({ ...execution, errors }, context);
  const status = errors.length === 1 ? errors[0].extensions?.status : undefined;
  if (!execution.data && typeof status === 'number') out.statusCode = status;
  return out;
}

/**
 * mercurius declares the items of its 2xx responses' `errors[].path` as strings, so its
 * serializer prints list indices as "0"; the GraphQL spec (Response › Errors › path)
 * wants 0-indexed integers there, as graphql-js produces them. An onRoute hook of the
 * GraphQL routes: the route gets a copy of its response schema (mercurius shares the
 * original between its routes) whose path items are strings or integers.
 */
export function keepIntegerErrorPaths(route: Pick<RouteOptions, 'schema'>): void {
  type PathSchema = { items?: unknown };
  type ResponseSchema = { properties?: { errors?: { items?: { properties?: { path?: PathSchema } } } } };
  const response = route.schema?.response as Record<string, ResponseSchema> | undefined;
  if (!response) return;
  const copy = structuredClone(response);
  let changed = false;
  for (const byStatus of Object.values(copy)) {
    const path = byStatus?.properties?.errors?.items?.properties?.path;
    if (path?.items) {
      path.items = { type: ['string', 'integer'] };
      changed = true;
    }
  }
  if (changed) route.schema = { ...route.schema, response: copy };
}
