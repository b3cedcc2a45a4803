import { describe, expect, it } from 'vitest';
import { checkResponse, describeRequest, type FuzzRequest } from './fuzz-request.js';

const status = (code: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'm', reason: 'BadRequest', code, ...extra });
const res = (statusCode: number, body: string, contentType = 'application/json') => ({ statusCode, headers: { 'content-type': contentType }, body });
const get: FuzzRequest = { category: 't', method: 'GET', url: '/api/v1/pods' };
const smp: FuzzRequest = { category: 't', method: 'PATCH', url: '/api/v1/namespaces/a/pods/b', headers: { 'content-type': 'application/strategic-merge-patch+json' }, payload: '{}' };

describe('checkResponse', () => {
  it.each([
    ['a 4xx Status', get, res(400, status(400)), null],
    ['a 2xx object', get, res(200, '{"kind":"PodList"}'), null],
    ['a 500', get, res(500, status(500, { reason: 'InternalError' })), 'server error 500'],
    ['a 503', get, res(503, status(503)), 'server error 503'],
    ['a 3xx', get, res(302, ''), 'unexpected status 302'],
    ['a refused request that succeeded', { ...get, method: 'PUT', mustFail: true }, res(200, '{}'), 'request must be refused but got 200'],
    ['a refused request that failed', { ...get, method: 'PUT', mustFail: true }, res(409, status(409)), null],
    ['a non-JSON body', get, res(400, 'Bad Request', 'text/plain'), 'body is not JSON (content-type text/plain)'],
    ['an array body', get, res(200, '[]'), 'body is not a JSON object'],
    ['an error that is not a Status', get, res(400, '{"error":"Bad Request","statusCode":400}'), 'error body kind is undefined, not "Status"'],
    ['a Status with another code', get, res(404, status(400)), 'Status code 400 differs from HTTP 404'],
    ['a Status without reason', get, res(404, status(404, { reason: '' })), 'Status has no reason'],
    ['a HEAD with a body', { ...get, method: 'HEAD' }, res(200, '{}'), 'HEAD response has a body'],
    ['a HEAD without a body', { ...get, method: 'HEAD' }, res(200, ''), null],
    ['YAML asked for', { ...get, headers: { accept: 'application/yaml' } }, res(200, 'kind: PodList\n', 'application/yaml'), null],
    ['YAML not asked for', get, res(200, 'kind: PodList\n', 'application/yaml'), 'body is not JSON (content-type application/yaml)'],
    ['a watch stream', { ...get, url: '/api/v1/pods?watch=true' }, res(200, '{"type":"ADDED","object":{}}\n{"type":"BOOKMARK","object":{}}\n'), null],
    ['a broken watch stream', { ...get, url: '/api/v1/pods?watch=1' }, res(200, '{"type":"ADDED","object":{}}\n{"type'), 'watch line is not JSON: {"type'],
    ['a Kubernetes-style SMP 500', smp, res(500, status(500, { reason: 'InternalError', message: 'Internal error occurred: unknown patch type: bogus in map: map[$patch:bogus]' })), null],
    ['any other SMP 500', smp, res(500, status(500, { reason: 'InternalError', message: 'Internal error occurred: Maximum call stack size exceeded' })), 'server error 500'],
    ['a merge patch 500 worded like SMP', { ...smp, headers: { 'content-type': 'application/merge-patch+json' } }, res(500, status(500, { message: 'Internal error occurred: unknown patch type: x' })), 'server error 500'],
    ['a future-revision continue token', { ...get, url: '/api/v1/pods?continue=abc' }, res(503, status(503, { message: 'storage is unavailable: list at revision 9: required revision is a future revision' })), null],
  ])('%s', (_name, req, response, want) => {
    expect(checkResponse(req, response)).toBe(want);
  });
});

describe('describeRequest', () => {
  it('shortens long bodies and names random bytes', () => {
    expect(describeRequest({ category: 'c', method: 'POST', url: '/x', payload: Buffer.alloc(5) })).toBe('c: POST /x <5 random bytes>');
    expect(describeRequest({ category: 'c', method: 'POST', url: '/x', headers: { 'content-type': 'a/b' }, payload: 'y'.repeat(400) })).toBe(`c: POST /x [a/b] ${'y'.repeat(300)}… (400 chars)`);
  });
});
