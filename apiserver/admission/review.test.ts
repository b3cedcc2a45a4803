import { describe, expect, it } from 'vitest';
import { admissionRequest, goJsonError, readAdmissionResponse } from './review.js';
import { resourceByKind } from '../../api/registry.js';

const review = (response: unknown, meta: Record<string, unknown> = {}) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response, ...meta });

describe('readAdmissionResponse (kube VerifyAdmissionResponse)', () => {
  const bad: Array<[string, unknown, boolean, string]> = [
    ['another kind', { apiVersion: 'v1', kind: 'Status' }, false, 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got /v1, Kind=Status'],
    ['v1beta1', review({}, { apiVersion: 'admission.k8s.io/v1beta1' }), false, 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview'],
    ['no response', review(undefined), false, 'webhook response was absent'],
    ['wrong uid', review({ uid: 'b', allowed: true }), false, 'expected response.uid="a", got "b"'],
    ['patch from a validating webhook', review({ uid: 'a', allowed: true, patch: 'W10=', patchType: 'JSONPatch' }), false, 'validating webhook may not return response.patch'],
    ['patch without patchType', review({ uid: 'a', allowed: true, patch: 'W10=' }), true, 'webhook returned response.patch but not response.patchType'],
    ['another patchType', review({ uid: 'a', allowed: true, patch: 'W10=', patchType: 'MergePatch' }), true, 'webhook returned invalid response.patchType of "MergePatch"'],
  ];
  for (const [what, body, mutating, message] of bad) {
    it(`refuses ${what}`, () => expect(() => readAdmissionResponse(body, 'a', mutating)).toThrow(message));
  }
  it('accepts an allowed answer with a JSON patch and warnings', () => {
    const r = readAdmissionResponse(review({ uid: 'a', allowed: true, patch: 'W10=', patchType: 'JSONPatch', warnings: ['w'] }), 'a', true);
    expect(r).toMatchObject({ allowed: true, patch: 'W10=', warnings: ['w'] });
  });
  it("words JSON syntax errors as Go's decoder, wherever they are", () => {
    expect(goJsonError('garbage')).toBe("invalid character 'g' looking for beginning of value");
    expect(goJsonError('  ')).toBe('unexpected end of JSON input');
    expect(goJsonError('{"response": {"uid": "a" "allowed": true}}')).toBe('invalid character \'"\' after object key:value pair');
    expect(goJsonError('{"response" {}}')).toBe("invalid character '{' after object key");
    expect(goJsonError('{"response": {"uid": "a",}}')).toBe("invalid character '}' looking for beginning of object key string");
    expect(goJsonError('{"response": {"uid": "a"')).toBe('unexpected end of JSON input');
    expect(goJsonError(Buffer.from('[{"op":"add"}]]'))).toBe("invalid character ']' after top-level value");
  });
});

describe('admissionRequest for a kind served in another group', () => {
  it('an events.k8s.io/v1 write is a core/v1 Event write whose requestKind is events.k8s.io/v1', () => {
    const rt = resourceByKind('', 'Event');
    const object = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' } };
    const body = admissionRequest(
      {
        operation: 'CREATE',
        rt,
        namespace: 'default',
        name: 'e',
        object,
        oldObject: null,
        dryRun: false,
        request: { user: { username: 'u', groups: [] }, requestVersion: 'v1', requestGroup: 'events.k8s.io', warnings: [] },
      },
      'uid-1',
      'v1',
      object,
      null,
    );
    expect(body.kind).toEqual({ group: '', version: 'v1', kind: 'Event' });
    expect(body.resource).toEqual({ group: '', version: 'v1', resource: 'events' });
    expect(body.requestKind).toEqual({ group: 'events.k8s.io', version: 'v1', kind: 'Event' });
    expect(body.requestResource).toEqual({ group: 'events.k8s.io', version: 'v1', resource: 'events' });
  });
});
