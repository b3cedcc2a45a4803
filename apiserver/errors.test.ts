import { describe, expect, it } from 'vitest';
import { ApiError, alreadyExists, badRequest, conflict, expired, forbidden, invalid, methodNotAllowed, MODIFIED_CONFLICT, notFound, unauthorized } from './errors.js';

const PODS = { group: '', plural: 'pods' };
const DEPLOYMENTS = { group: 'apps', plural: 'deployments' };

describe('Status bodies carry details where kube always sets them', () => {
  it.each<[string, ApiError, unknown]>([
    ['generic 404', new ApiError(404, 'NotFound', 'the server could not find the requested resource'), {}],
    ['named 404', notFound(PODS, 'p'), { name: 'p', kind: 'pods' }],
    ['named 404 in a group', notFound(DEPLOYMENTS, 'd'), { name: 'd', group: 'apps', kind: 'deployments' }],
    ['409 AlreadyExists', alreadyExists(DEPLOYMENTS, 'd'), { name: 'd', group: 'apps', kind: 'deployments' }],
    ['409 Conflict', conflict(PODS, 'p', MODIFIED_CONFLICT), { name: 'p', kind: 'pods' }],
    ['422 Invalid', invalid('Pod', '', 'p', [{ type: 'FieldValueRequired', field: 'spec', message: 'Required value' }]), { name: 'p', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', field: 'spec', message: 'Required value' }] }],
    ['403 Forbidden', forbidden('no'), {}],
    ['405', methodNotAllowed('POST', 'x'), {}],
  ])('%s', (_name, err, details) => {
    const body = JSON.parse(JSON.stringify(err.toStatus()));
    expect(body.details).toEqual(details);
  });

  it.each<[string, ApiError]>([
    ['400', badRequest('bad')],
    ['401', unauthorized()],
    ['410', expired('too old resource version: 1 (5)')],
  ])('%s has no details, as kube', (_name, err) => {
    expect(err.toStatus().details).toBeUndefined();
  });
});
