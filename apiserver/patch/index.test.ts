import { describe, expect, it } from 'vitest';
import { PatchError, applyPatch, isSupportedPatchType, patchMediaType } from './index.js';

type Obj = Record<string, any>;

const pod = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'a' } },
  spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] },
});
const podTarget = { group: '', kind: 'Pod' };

describe('applyPatch dispatch', () => {
  it('json-patch', () => {
    const out = applyPatch('application/json-patch+json', pod(), [{ op: 'replace', path: '/spec/containers/0/image', value: 'z' }], podTarget) as Obj;
    expect(out.spec.containers[0].image).toBe('z');
  });

  it('merge-patch replaces lists', () => {
    const out = applyPatch('application/merge-patch+json', pod(), { spec: { containers: [{ name: 'b', image: 'z' }] } }, podTarget) as Obj;
    expect(out.spec.containers).toEqual([{ name: 'b', image: 'z' }]);
  });

  it('strategic-merge-patch merges lists by key, with a charset parameter', () => {
    const out = applyPatch(
      'application/strategic-merge-patch+json; charset=utf-8',
      pod(),
      { spec: { containers: [{ name: 'b', image: 'z' }] } },
      podTarget,
    ) as Obj;
    expect(out.spec.containers).toEqual([
      { name: 'a', image: 'x' },
      { name: 'b', image: 'z' },
    ]);
  });

  it('apply-patch+yaml creates when nothing is live and merges otherwise', () => {
    const created = applyPatch('application/apply-patch+yaml', null, pod(), podTarget) as Obj;
    expect(created).toEqual(pod());
    const merged = applyPatch('application/apply-patch+yaml', pod(), { metadata: { labels: { b: '1' } } }, podTarget) as Obj;
    expect(merged.metadata.labels).toEqual({ app: 'a', b: '1' });
  });

  it('non-apply patches of a missing object are NotFound', () => {
    expect(() => applyPatch('application/merge-patch+json', null, {}, podTarget)).toThrow(PatchError);
    try {
      applyPatch('application/strategic-merge-patch+json', null, {}, podTarget);
    } catch (err) {
      expect((err as PatchError).reason).toBe('NotFound');
      expect((err as PatchError).code).toBe(404);
    }
  });

  it.each(['application/apply-patch+cbor', 'application/json', 'text/plain', ''])('rejects %j with 415', (type) => {
    try {
      applyPatch(type, pod(), {}, podTarget);
      expect.unreachable('applied');
    } catch (err) {
      expect(err).toBeInstanceOf(PatchError);
      const status = (err as PatchError).toApiError().toStatus();
      expect(status).toMatchObject({
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
      });
    }
  });

  it('normalizes media types', () => {
    expect(patchMediaType('Application/Merge-Patch+JSON; charset=UTF-8')).toBe('application/merge-patch+json');
    expect(isSupportedPatchType('application/apply-patch+yaml')).toBe(true);
    expect(isSupportedPatchType('application/apply-patch+cbor')).toBe(false);
  });

  it('BadRequest errors keep their message in the Status', () => {
    try {
      applyPatch('application/json-patch+json', pod(), { op: 'add' }, podTarget);
    } catch (err) {
      expect((err as PatchError).toApiError().toStatus()).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      });
    }
    expect.assertions(1);
  });
});
