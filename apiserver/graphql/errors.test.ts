import { describe, expect, it, vi } from 'vitest';
import { GraphQLError } from './graphql-js.js';
import { ApiError, alreadyExists, invalid, notFound } from '../errors.js';
import { PatchError } from '../patch/index.js';
import { formatErrors, keepIntegerErrorPaths, toGraphqlError } from './errors.js';

describe('toGraphqlError', () => {
  it.each([
    ['NotFound', notFound({ group: '', plural: 'pods' }, 'x'), 'pods "x" not found', 'NotFound', 404],
    ['AlreadyExists', alreadyExists({ group: 'apps', plural: 'deployments' }, 'd'), 'deployments.apps "d" already exists', 'AlreadyExists', 409],
    ['a bad patch', new PatchError('BadRequest', 'invalid JSON document'), 'invalid JSON document', 'BadRequest', 400],
    ['an unappliable patch', new PatchError('UnprocessableEntity', 'test failed'), 'the server rejected our request due to an error in our request', 'Invalid', 422],
  ])('converts %s', (_what, err, message, code, status) => {
    const out = toGraphqlError(err);
    expect(out).toBeInstanceOf(GraphQLError);
    expect(out.message).toBe(message);
    expect(out.extensions).toMatchObject({ code, status });
  });

  it('carries the Status details', () => {
    const err = invalid('Pod', '', 'p', [{ type: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' }]);
    expect(toGraphqlError(err).extensions.details).toEqual({
      name: 'p',
      kind: 'Pod',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }],
    });
  });

  it('turns an unknown error into a logged InternalError', () => {
    const log = { error: vi.fn() };
    const out = toGraphqlError(new TypeError('oops'), log);
    expect(out.message).toBe('Internal error occurred: oops');
    expect(out.extensions).toMatchObject({ code: 'InternalError', status: 500 });
    expect(log.error).toHaveBeenCalledTimes(1);
  });

  it('converts an ApiError graphql-js wrapped, keeping its path', () => {
    const wrapped = new GraphQLError('pods "x" not found', { path: ['pod'], originalError: notFound({ group: '', plural: 'pods' }, 'x') });
    const out = toGraphqlError(wrapped);
    expect(out.path).toEqual(['pod']);
    expect(out.extensions).toMatchObject({ code: 'NotFound', status: 404 });
  });

  it('keeps GraphQL errors that are already converted or are graphql-js own', () => {
    const syntax = new GraphQLError('Syntax Error: Expected Name');
    expect(toGraphqlError(syntax)).toBe(syntax);
    const converted = toGraphqlError(new ApiError(409, 'Conflict', 'c'));
    expect(toGraphqlError(converted)).toBe(converted);
  });
});

describe('formatErrors', () => {
  const context = { app: { log: { info: vi.fn() } } } as unknown as Parameters<typeof formatErrors>[1];

  it('answers a data-less response with the status of its Kubernetes error', () => {
    const out = formatErrors({ data: null, errors: [new GraphQLError('Unauthorized', { originalError: new ApiError(401, 'Unauthorized', 'Unauthorized') })] }, context);
    expect(out.statusCode).toBe(401);
    expect(out.response.errors![0]).toMatchObject({ message: 'Unauthorized', extensions: { code: 'Unauthorized', status: 401 } });
  });

  it('keeps 200 when there is data (a field error)', () => {
    const err = toGraphqlError(notFound({ group: '', plural: 'pods' }, 'x'));
    const out = formatErrors({ data: { pod: null }, errors: [err] }, context);
    expect(out.statusCode).toBe(200);
  });
});

describe('keepIntegerErrorPaths', () => {
  it('lets list indices through as integers, on a copy of mercurius’ shared schema; other routes untouched', () => {
    const none = { schema: { body: {} } };
    keepIntegerErrorPaths(none);
    expect(none).toEqual({ schema: { body: {} } });
    const shared = { '2xx': { type: 'object', properties: { errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'array', items: { type: 'string' } } } } } } } };
    const route = { schema: { response: shared } };
    keepIntegerErrorPaths(route);
    expect(shared['2xx'].properties.errors.items.properties.path.items).toEqual({ type: 'string' });
    expect((route.schema.response as typeof shared)['2xx'].properties.errors.items.properties.path.items).toEqual({ type: ['string', 'integer'] });
  });
});
