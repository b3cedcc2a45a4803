import { describe, expect, it } from 'vitest';
import { GENERIC_422_MESSAGE, PatchError } from './errors.js';
import { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch } from './json-patch.js';

type Obj = Record<string, any>;

function makePod(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', labels: { app: 'web', 'app.kubernetes.io/name': 'web' } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.14' }], nodeName: 'node-1' },
  };
}

describe('applyJsonPatch: operations that apply', () => {
  const cases: Array<[string, unknown[], (o: Obj) => unknown, unknown]> = [
    ['add a label', [{ op: 'add', path: '/metadata/labels/tier', value: 'web' }], (o) => o.metadata.labels.tier, 'web'],
    ['replace an image', [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.16' }], (o) => o.spec.containers[0].image, 'nginx:1.16'],
    ['remove a label', [{ op: 'remove', path: '/metadata/labels/app' }], (o) => 'app' in o.metadata.labels, false],
    ['escaped key (~1 is /)', [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }], (o) => Object.keys(o.metadata.labels), ['app']],
    ['append to a list with -', [{ op: 'add', path: '/spec/containers/-', value: { name: 'b' } }], (o) => o.spec.containers.map((c: Obj) => c.name), ['nginx', 'b']],
    ['insert at an index', [{ op: 'add', path: '/spec/containers/0', value: { name: 'first' } }], (o) => o.spec.containers.map((c: Obj) => c.name), ['first', 'nginx']],
    ['negative index counts from the end', [{ op: 'remove', path: '/spec/containers/-1' }], (o) => o.spec.containers, []],
    ['passing test then change', [{ op: 'test', path: '/spec/nodeName', value: 'node-1' }, { op: 'replace', path: '/spec/nodeName', value: 'node-2' }], (o) => o.spec.nodeName, 'node-2'],
    ['test of a missing member against null', [{ op: 'test', path: '/spec/hostname', value: null }], (o) => o.spec.nodeName, 'node-1'],
    ['replace of a missing member adds it (json-patch v4)', [{ op: 'replace', path: '/spec/hostname', value: 'h' }], (o) => o.spec.hostname, 'h'],
    ['move', [{ op: 'move', from: '/spec/nodeName', path: '/spec/hostname' }], (o) => [o.spec.hostname, o.spec.nodeName], ['node-1', undefined]],
    ['copy', [{ op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' }], (o) => o.metadata.annotations, { app: 'web', 'app.kubernetes.io/name': 'web' }],
    ['null body is an empty patch', null as unknown as unknown[], (o) => o.spec.nodeName, 'node-1'],
  ];
  it.each(cases)('%s', (_name, ops, read, want) => {
    expect(read(applyJsonPatch(makePod(), ops))).toEqual(want);
  });

  it('never mutates its inputs', () => {
    const pod = makePod();
    const ops = [
      { op: 'add', path: '/metadata/labels/x', value: { deep: ['v'] } },
      { op: 'copy', from: '/metadata/labels/x', path: '/metadata/labels/y' },
    ];
    const before = [structuredClone(pod), structuredClone(ops)];
    const out = applyJsonPatch(pod, ops) as Obj;
    expect([pod, ops]).toEqual(before);
    out.metadata.labels.x.deep.push('w');
    expect(ops[0]!.value).toEqual({ deep: ['v'] });
    expect(out.metadata.labels.y).toEqual({ deep: ['v'] });
  });
});

describe('applyJsonPatch: failures, worded as kube-apiserver', () => {
  const cases: Array<[string, unknown, PatchError['reason'], string]> = [
    ['a failing test', [{ op: 'test', path: '/spec/nodeName', value: 'node-9' }], 'UnprocessableEntity', 'testing value /spec/nodeName failed: test failed'],
    ['a test of a missing member', [{ op: 'test', path: '/spec/hostname', value: 'x' }], 'UnprocessableEntity', 'testing value /spec/hostname failed: test failed'],
    ['a test under a missing parent', [{ op: 'test', path: '/status/phase', value: 'x' }], 'UnprocessableEntity', 'test operation does not apply: is missing path: /status/phase: missing value'],
    ['add under a missing parent', [{ op: 'add', path: '/metadata/annotations/a', value: 'b' }], 'UnprocessableEntity', 'add operation does not apply: doc is missing path: "/metadata/annotations/a": missing value'],
    ['remove of a missing member', [{ op: 'remove', path: '/metadata/labels/nope' }], 'UnprocessableEntity', "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value"],
    ['remove under a missing parent', [{ op: 'remove', path: '/status/phase' }], 'UnprocessableEntity', 'remove operation does not apply: doc is missing path: "/status/phase": missing value'],
    ['replace past the end of a list', [{ op: 'replace', path: '/spec/containers/3', value: {} }], 'UnprocessableEntity', 'replace operation does not apply: doc is missing key: /spec/containers/3: missing value'],
    ['add past the end of a list', [{ op: 'add', path: '/spec/containers/5', value: {} }], 'UnprocessableEntity', "error in add for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced"],
    ['a non-numeric list index', [{ op: 'add', path: '/spec/containers/x', value: {} }], 'UnprocessableEntity', `error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`],
    ['an unknown op', [{ op: 'frobnicate', path: '/a' }], 'UnprocessableEntity', 'Unexpected kind: frobnicate'],
    ['an op without path', [{ op: 'add', value: 1 }], 'UnprocessableEntity', 'add operation failed to decode path: missing value'],
    ['move from a missing parent', [{ op: 'move', from: '/x/y', path: '/a' }], 'UnprocessableEntity', 'move operation does not apply: doc is missing from path: /x/y: missing value'],
    ['a body that is an object', { op: 'add' }, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['an operation that is a string', ['add'], 'BadRequest', 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
  ];
  it.each(cases)('%s', (_name, ops, reason, message) => {
    try {
      applyJsonPatch(makePod(), ops);
      expect.unreachable('patch applied');
    } catch (err) {
      expect(err).toBeInstanceOf(PatchError);
      expect((err as PatchError).reason).toBe(reason);
      expect((err as PatchError).message).toBe(message);
    }
  });

  it('answers the generic 422 Status with the reason as a cause', () => {
    let caught: unknown;
    try {
      applyJsonPatch(makePod(), [{ op: 'test', path: '/spec/nodeName', value: 'x' }]);
    } catch (err) {
      caught = err;
    }
    const status = (caught as PatchError).toApiError().toStatus();
    expect(status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: GENERIC_422_MESSAGE,
      details: { causes: [{ reason: 'UnexpectedServerResponse', message: 'testing value /spec/nodeName failed: test failed' }] },
    });
  });

  it('a failed operation leaves the input untouched even after earlier ones applied', () => {
    const pod = makePod();
    expect(() =>
      applyJsonPatch(pod, [
        { op: 'add', path: '/metadata/labels/x', value: 'y' },
        { op: 'test', path: '/spec/nodeName', value: 'nope' },
      ]),
    ).toThrow(PatchError);
    expect(pod.metadata.labels).not.toHaveProperty('x');
  });

  it('rejects more than 10,000 operations with 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
    expect(() => applyJsonPatch(makePod(), ops)).toThrow(/The allowed maximum operations in a JSON patch is 10000, got 10001/);
    try {
      applyJsonPatch(makePod(), ops);
    } catch (err) {
      expect((err as PatchError).code).toBe(413);
    }
  });
});
