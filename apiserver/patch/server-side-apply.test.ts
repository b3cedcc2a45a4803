import { describe, expect, it } from 'vitest';
import { serverSideApply, type ApplyOptions } from './apply-patch.js';
import { ApiError } from '../errors.js';
import { PatchError } from './errors.js';
import { managedFieldsAfterUpdate, managerFromUserAgent, decodeManagedFields, capUpdateManagers, byId, type ManagedFieldsEntry } from './managed-fields.js';
import { patchMetaFor } from '../../api/patch-meta.js';
import { patchMetaFromSchema } from './schema-patch-meta.js';
import { difference, intersection, union, members, pathString } from './field-set.js';
import { appliedSet, compareObjects, createdSet } from './field-paths.js';

type Obj = Record<string, any>;

const cmMeta = patchMetaFor('', 'ConfigMap');
const deployMeta = patchMetaFor('apps', 'Deployment');
const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-01T00:01:00Z';

const opts = (manager: string, extra: Partial<ApplyOptions> = {}): ApplyOptions => ({
  manager,
  apiVersion: 'v1',
  force: false,
  now: T1,
  statusSubresource: false,
  ...extra,
});

const cm = (data: Record<string, string>, metadata: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...metadata }, data });

/** What the apiserver stores after an apply: the result, plus a resourceVersion. */
const apply = (live: Obj | null, config: Obj, o: ApplyOptions): Obj => serverSideApply(live, config, cmMeta, o) as Obj;

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('no conflict');
}

describe('field sets (FieldsV1 trees)', () => {
  const a = { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } };
  const b = { 'f:data': { 'f:b': {}, 'f:c': {} } };
  it.each([
    ['union', union(a, b), { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {}, 'f:c': {} } }],
    ['difference', difference(a, b), { 'f:data': { '.': {}, 'f:a': {} } }],
    ['difference down to the member', difference({ 'f:data': { '.': {}, 'f:a': {} } }, { 'f:data': { 'f:a': {} } }), { 'f:data': {} }],
    ['difference of everything', difference(b, a), { 'f:data': { 'f:c': {} } }],
    ['intersection', intersection(a, b), { 'f:data': { 'f:b': {} } }],
  ])('%s', (_name, got, want) => {
    expect(got).toEqual(want);
  });

  it('prints paths as structured-merge-diff does', () => {
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])).toBe('.spec.containers[name="web"].image');
    expect(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}'])).toBe('.spec.ports[port=80,protocol="TCP"]');
    expect(pathString(['f:metadata', 'f:finalizers', 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
    expect(members({ 'f:data': { '.': {}, 'f:a': {} } }).map(pathString)).toEqual(['.data', '.data.a']);
  });
});

describe('sets of objects', () => {
  it('an applied configuration owns leaves and list items, not the structs holding them', () => {
    const cfg = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }], tolerations: [{ key: 'a' }] } },
      },
    };
    expect(appliedSet(cfg, deployMeta)).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': { 'f:matchLabels': { 'f:app': {} } },
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:name': {},
                'f:image': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
            'f:tolerations': {},
          },
        },
      },
    });
  });

  it('a create owns every field, with `.` on the maps it made', () => {
    expect(createdSet(cm({ a: '1' }, { labels: { x: 'y' } }), cmMeta)).toEqual({
      'f:data': { '.': {}, 'f:a': {} },
      'f:metadata': { 'f:labels': { '.': {}, 'f:x': {} } },
    });
  });

  it('a comparison finds added, changed and removed fields, set members by value', () => {
    const before = { metadata: { finalizers: ['a', 'b'] }, data: { a: '1', b: '2' } };
    const after = { metadata: { finalizers: ['b', 'c'] }, data: { a: '9', c: '3' } };
    expect(compareObjects(before, after, cmMeta)).toEqual({
      added: { 'f:metadata': { 'f:finalizers': { 'v:"c"': {} } }, 'f:data': { 'f:c': {} } },
      modified: { 'f:data': { 'f:a': {} } },
      removed: { 'f:metadata': { 'f:finalizers': { 'v:"a"': {} } }, 'f:data': { 'f:b': {} } },
    });
  });
});

describe('serverSideApply: ownership', () => {
  it('records an Apply entry with the applied fields and the time', () => {
    const out = apply(null, cm({ a: '1' }), opts('kubectl'));
    expect(out.metadata.managedFields).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ]);
  });

  it('removes a field the manager stopped applying when nobody else owns it', () => {
    const first = apply(null, cm({ a: '1', b: '2' }), opts('kubectl'));
    const second = apply(first, cm({ a: '1' }), opts('kubectl', { now: T2 }));
    expect(second.data).toEqual({ a: '1' });
    expect(second.metadata.managedFields[0].fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
    expect(second.metadata.managedFields[0].time).toBe(T2);
  });

  it('keeps a dropped field another manager also applied', () => {
    const one = apply(null, cm({ a: '1', b: '2' }), opts('one'));
    const two = apply(one, cm({ b: '2' }), opts('two'));
    const dropped = apply(two, cm({ a: '1' }), opts('one'));
    expect(dropped.data).toEqual({ a: '1', b: '2' });
    expect(dropped.metadata.managedFields.map((e: ManagedFieldsEntry) => [e.manager, e.fieldsV1])).toEqual([
      ['one', { 'f:data': { 'f:a': {} } }],
      ['two', { 'f:data': { 'f:b': {} } }],
    ]);
  });

  it('applying the same value as another manager shares the field without conflict', () => {
    const one = apply(null, cm({ a: '1' }), opts('one'));
    const two = apply(one, cm({ a: '1' }), opts('two'));
    expect(two.metadata.managedFields.map((e: ManagedFieldsEntry) => e.manager)).toEqual(['one', 'two']);
  });

  it('changing another Update manager\'s field is a 409 with kube\'s message and causes', () => {
    const live = cm({ a: '1' });
    live.metadata.managedFields = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } }];
    const err = conflictOf(() => apply(live, cm({ a: '2' }), opts('other')));
    expect(err.code).toBe(409);
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.a',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using v1', field: '.data.a' }] },
      code: 409,
    });
  });

  it('lists several conflicts per manager; Apply managers print without a version', () => {
    const one = apply(null, cm({ a: '1', b: '1' }), opts('one'));
    const err = conflictOf(() => apply(one, cm({ a: '2', b: '2' }), opts('two')));
    expect(err.message).toBe('Apply failed with 2 conflicts: conflicts with "one":\n- .data.a\n- .data.b');
    expect(err.details?.causes).toHaveLength(2);
  });

  it('force takes the field from the other manager', () => {
    const one = apply(null, cm({ a: '1', b: '1' }), opts('one'));
    const two = apply(one, cm({ a: '2' }), opts('two', { force: true }));
    expect(two.data).toEqual({ a: '2', b: '1' });
    expect(two.metadata.managedFields.map((e: ManagedFieldsEntry) => [e.manager, e.fieldsV1])).toEqual([
      ['one', { 'f:data': { 'f:b': {} } }],
      ['two', { 'f:data': { 'f:a': {} } }],
    ]);
    // "one" dropping a now no longer removes it: "two" owns it.
    const three = apply(two, cm({ b: '1' }), opts('one'));
    expect(three.data).toEqual({ a: '2', b: '1' });
  });

  it('a no-op apply keeps the time', () => {
    const first = apply(null, cm({ a: '1' }), opts('m'));
    const again = apply(first, cm({ a: '1' }), opts('m', { now: T2 }));
    expect(again.metadata.managedFields[0].time).toBe(T1);
  });

  it('associative lists: items are owned by key; a dropped container goes', () => {
    const dep = (containers: Obj[]) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers } } } });
    const o = { ...opts('m'), apiVersion: 'apps/v1' };
    const first = serverSideApply(null, dep([{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }]), deployMeta, o) as Obj;
    const second = serverSideApply(first, dep([{ name: 'a', image: 'x' }]), deployMeta, o) as Obj;
    expect(second.spec.template.spec.containers).toEqual([{ name: 'a', image: 'x' }]);
    // another manager's field keeps the item (and its key) alive when the applier drops it
    const other = serverSideApply(second, dep([{ name: 'a', resources: { limits: { cpu: '1' } } }]), deployMeta, { ...o, manager: 'other' }) as Obj;
    const dropped = serverSideApply(other, { ...dep([]), spec: { replicas: 1 } }, deployMeta, o) as Obj;
    expect(dropped.spec.template.spec.containers).toEqual([{ name: 'a', resources: { limits: { cpu: '1' } } }]);
  });

  it('the status of a kind with a status subresource is not applied through the main resource', () => {
    const live = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { a: 1 }, status: { phase: 'Old' } };
    const out = serverSideApply(live, { ...live, status: { phase: 'New' } }, cmMeta, opts('m', { statusSubresource: true })) as Obj;
    expect(out.status).toEqual({ phase: 'Old' });
    expect(out.metadata.managedFields[0].fieldsV1).toEqual({ 'f:spec': { 'f:a': {} } });
    const status = serverSideApply(live, { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, status: { phase: 'New' } }, cmMeta, opts('m', { statusSubresource: true, subresource: 'status' })) as Obj;
    expect(status.status).toEqual({ phase: 'New' });
    expect(status.metadata.managedFields[0]).toMatchObject({ manager: 'm', operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:phase': {} } } });
  });

  it('kubectl may take fields client-side apply set and left as the annotation has them (migration)', () => {
    const lastApplied = JSON.stringify(cm({ a: '1' }));
    const live = cm({ a: '1' }, { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } });
    live.metadata.managedFields = [
      { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } } },
    ];
    const out = apply(live, cm({ a: '2' }), opts('kubectl'));
    expect(out.data).toEqual({ a: '2' });
    expect(JSON.parse(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])).toEqual(cm({ a: '2' }));
    // another manager gets the conflict
    expect(conflictOf(() => apply(live, cm({ a: '2' }), opts('helm'))).code).toBe(409);
  });

  it.each([
    ['a list', [1], 400],
    ['a configuration with managedFields', cm({ a: '1' }, { managedFields: [] }), 400],
  ])('rejects %s', (_n, body, code) => {
    try {
      apply(null, body as Obj, opts('m'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PatchError);
      expect((err as PatchError).code).toBe(code);
    }
  });
});

describe('managedFieldsAfterUpdate', () => {
  const w = (manager: string, now = T1, subresource?: string) => ({ manager, apiVersion: 'v1', now, subresource });

  it('a create owns everything it wrote', () => {
    expect(managedFieldsAfterUpdate(null, undefined, cm({ a: '1' }), cmMeta, w('kubectl-create'))).toEqual([
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } },
    ]);
  });

  it('an update takes changed fields from others and merges with the writer\'s earlier entry', () => {
    const live = cm({ a: '1', b: '1' });
    live.metadata.managedFields = managedFieldsAfterUpdate(null, undefined, live, cmMeta, w('creator'));
    const next = cm({ a: '2', b: '1' });
    const mf = managedFieldsAfterUpdate(live, live.metadata.managedFields, next, cmMeta, w('editor', T2))!;
    expect(mf.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['creator', { 'f:data': { '.': {}, 'f:b': {} } }],
      ['editor', { 'f:data': { 'f:a': {} } }],
    ]);
    const again = managedFieldsAfterUpdate({ ...next, metadata: { ...next.metadata, managedFields: mf } }, undefined, cm({ a: '2', b: '3' }), cmMeta, w('editor', T2))!;
    expect(again.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['creator', { 'f:data': {} }],
      ['editor', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
    ]);
  });

  it('an update that changes nothing adds no entry and keeps the stored ones', () => {
    const live = cm({ a: '1' });
    live.metadata.managedFields = managedFieldsAfterUpdate(null, undefined, live, cmMeta, w('creator'));
    expect(managedFieldsAfterUpdate(live, undefined, cm({ a: '1' }), cmMeta, w('other', T2))).toEqual(live.metadata.managedFields);
  });

  it.each([
    ['[{}] resets', [{}], ['x']],
    ['[] resets', [], ['x']],
    ['absent keeps the stored ones', undefined, ['creator', 'x']],
    ['undecodable ones keep the stored ones', [{ manager: 'bad', operation: 'Delete', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }], ['creator', 'x']],
    ['valid ones replace the stored ones', [{ manager: 'mine', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }], ['mine', 'x']],
  ])('managedFields sent on an update: %s', (_n, requested, managers) => {
    const live = cm({ a: '1' });
    live.metadata.managedFields = managedFieldsAfterUpdate(null, undefined, live, cmMeta, w('creator'));
    const mf = managedFieldsAfterUpdate(live, requested, cm({ a: '1', b: '2' }), cmMeta, w('x', T2)) ?? [];
    expect(mf.map((e) => e.manager)).toEqual(managers);
  });

  it('a subresource write is its own entry and ignores managedFields in the request', () => {
    const live = { ...cm({}), status: { phase: 'A' } };
    const mf = managedFieldsAfterUpdate(live, [{}], { ...live, status: { phase: 'B' } }, cmMeta, w('kubelet', T1, 'status'))!;
    expect(mf).toEqual([{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:phase': {} } }, subresource: 'status' }]);
  });

  it('more than ten Update managers fold the oldest into ancient-changes', () => {
    const entries = Array.from({ length: 12 }, (_, i) => ({
      manager: `m${i}`,
      operation: 'Update',
      apiVersion: 'v1',
      time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString().replace('.000Z', 'Z'),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { [`f:k${i}`]: {} } },
    }));
    const managers = byId(decodeManagedFields(entries)!);
    capUpdateManagers(managers);
    const names = [...managers.values()].map((m) => m.manager);
    expect(names).toHaveLength(10);
    expect(names).toContain('ancient-changes');
    expect(names).not.toContain('m0');
    expect(names).not.toContain('m2');
    expect(names).toContain('m3');
  });

  it.each([
    ['kubectl/v1.32.0 (linux/amd64) kubernetes/abc', 'kubectl'],
    ['OpenAPI-Generator/36.0.0/python', 'OpenAPI-Generator'],
    ['ctl\u0007bell/1', 'ctlbell'],
    [undefined, ''],
    ['x'.repeat(200), 'x'.repeat(128)],
  ])('the manager of User-Agent %j is %j', (ua, want) => {
    expect(managerFromUserAgent(ua)).toBe(want);
  });
});

describe('CRD schemas', () => {
  const meta = patchMetaFromSchema({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'], items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } } },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          args: { type: 'array', items: { type: 'string' } },
          selector: { type: 'object', 'x-kubernetes-map-type': 'atomic' },
        },
      },
    },
  } as never);
  const cr = (spec: Obj): Obj => ({ apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't' }, spec });
  const o = { ...opts('m'), apiVersion: 'x.io/v1' };

  it('list-type map merges by keys (with defaults), set unions, atomic replaces', () => {
    const live = serverSideApply(null, cr({ ports: [{ port: 80 }], tags: ['a'], args: ['x'], selector: { a: '1' } }), meta, o) as Obj;
    const out = serverSideApply(live, cr({ ports: [{ port: 81 }], tags: ['b'], args: ['y'], selector: { b: '1' } }), meta, { ...o, manager: 'n', force: true }) as Obj;
    expect(out.spec).toEqual({ ports: [{ port: 80 }, { port: 81 }], tags: ['a', 'b'], args: ['y'], selector: { b: '1' } });
    expect(out.metadata.managedFields[1].fieldsV1).toEqual({
      'f:spec': { 'f:ports': { 'k:{"port":81,"protocol":"TCP"}': { '.': {}, 'f:port': {} } }, 'f:tags': { 'v:"b"': {} }, 'f:args': {}, 'f:selector': {} },
    });
  });

  it('an atomic field changed by another applier conflicts as a whole', () => {
    const live = serverSideApply(null, cr({ args: ['x'] }), meta, o) as Obj;
    const err = conflictOf(() => serverSideApply(live, cr({ args: ['y'] }), meta, { ...o, manager: 'n' }));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "m": .spec.args');
  });
});
