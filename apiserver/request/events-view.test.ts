import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { gql, graphqlApp, restCreate } from '../graphql/test-helpers.js';
import { apiGroup, apiResourceList, groupNames } from '../rest/discovery.js';
import { groupDiscovery } from '../rest/aggregated-discovery.js';

// events.k8s.io/v1 as a second view of the stored core/v1 Event, through the in-process
// apiserver (REST inject and GraphQL): discovery, conversion on every verb, kube's
// requalified errors and field label conversion.

let app: FastifyInstance;

beforeEach(async () => {
  app = await graphqlApp();
});

afterEach(async () => {
  await app.close();
});

const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';
const CORE = '/api/v1/namespaces/default/events';

const v1Event = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name },
  eventTime: '2024-05-01T11:00:00.000000Z',
  regarding: { kind: 'Pod', name: 'web', namespace: 'default' },
  reportingController: 'example.com/ctl',
  reportingInstance: 'ctl-1',
  action: 'Probe',
  reason: 'Checked',
  note: 'hello',
  type: 'Normal',
  ...extra,
});

describe('discovery', () => {
  it('lists events.k8s.io/v1 with the events resource, after the kinds\' own groups', () => {
    expect(groupNames().at(-1)).toBe('events.k8s.io');
    expect(apiGroup('events.k8s.io')).toMatchObject({ preferredVersion: { groupVersion: 'events.k8s.io/v1', version: 'v1' } });
    const list = apiResourceList('events.k8s.io', 'v1') as { resources: Array<Record<string, unknown>> };
    expect(list.resources).toEqual([
      expect.objectContaining({ name: 'events', singularName: 'event', namespaced: true, kind: 'Event', shortNames: ['ev'] }),
    ]);
    // Same storage, same storageVersionHash as core's events.
    const core = (apiResourceList('', 'v1') as { resources: Array<Record<string, unknown>> }).resources.find((r) => r.name === 'events')!;
    expect(list.resources[0]!.storageVersionHash).toBe(core.storageVersionHash);
    expect(groupDiscovery('events.k8s.io')!.versions[0]!.resources.map((r) => r.resource)).toEqual(['events']);
    // The core group does not list a v1 of events.k8s.io, nor the other way round.
    expect(apiResourceList('', 'v1')).toMatchObject({ groupVersion: 'v1' });
  });
});

describe('REST', () => {
  it('create through one group, get/list/watch/update/delete through the other', async () => {
    const created = await restCreate(app, V1, v1Event('e1'));
    expect(created).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'hello', regarding: { name: 'web' } });
    const core = (await app.inject({ method: 'GET', url: `${CORE}/e1` })).json();
    expect(core).toMatchObject({ apiVersion: 'v1', message: 'hello', involvedObject: { name: 'web' } });
    expect(core.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const list = (await app.inject({ method: 'GET', url: V1 })).json();
    expect(list).toMatchObject({ kind: 'EventList', apiVersion: 'events.k8s.io/v1', items: [{ metadata: { name: 'e1' }, note: 'hello' }] });

    const watch = await app.inject({ method: 'GET', url: `${V1}?watch=true&resourceVersion=0&timeoutSeconds=1` });
    const first = JSON.parse(watch.body.split('\n')[0]!);
    expect(first).toMatchObject({ type: 'ADDED', object: { apiVersion: 'events.k8s.io/v1', note: 'hello' } });

    // A core update (PUT) of a legacy field is fine; the same change through events.k8s.io is immutable.
    const put = await app.inject({ method: 'PUT', url: `${CORE}/e1`, payload: { ...core, message: 'changed' } });
    expect(put.statusCode).toBe(200);
    const v1Now = (await app.inject({ method: 'GET', url: `${V1}/e1` })).json();
    const refused = await app.inject({ method: 'PUT', url: `${V1}/e1`, payload: { ...v1Now, note: 'again' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().message).toBe('Event "e1" is invalid: message: Invalid value: "again": field is immutable');

    const del = await app.inject({ method: 'DELETE', url: `${V1}/e1` });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'e1', group: 'events.k8s.io', kind: 'events' } });
    const gone = await app.inject({ method: 'GET', url: `${V1}/e1` });
    expect(gone.json()).toMatchObject({ code: 404, message: 'events.events.k8s.io "e1" not found', details: { name: 'e1', group: 'events.k8s.io', kind: 'events' } });
    const goneCore = await app.inject({ method: 'GET', url: `${CORE}/e1` });
    expect(goneCore.json().message).toBe('events "e1" not found');
  });

  it('names the addressed group in AlreadyExists and Conflict', async () => {
    await restCreate(app, V1, v1Event('dup'));
    const again = await app.inject({ method: 'POST', url: V1, payload: v1Event('dup') });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('events.events.k8s.io "dup" already exists');
    const stale = await app.inject({ method: 'PUT', url: `${V1}/dup`, payload: { ...v1Event('dup'), metadata: { name: 'dup', resourceVersion: '1' } } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toBe('Operation cannot be fulfilled on events.events.k8s.io "dup": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('converts field selectors and refuses core-only labels through events.k8s.io', async () => {
    await restCreate(app, V1, v1Event('a'));
    await restCreate(app, V1, v1Event('b', { regarding: { kind: 'Node', name: 'n1', namespace: 'default' }, type: 'Warning' }));
    const names = async (url: string) => ((await app.inject({ method: 'GET', url })).json().items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name);
    expect(await names(`${V1}?fieldSelector=regarding.kind%3DNode`)).toEqual(['b']);
    expect(await names(`${V1}?fieldSelector=type%3DWarning`)).toEqual(['b']);
    expect(await names(`${V1}?fieldSelector=source%3Dexample.com/ctl`)).toEqual(['a', 'b']);
    expect(await names(`${CORE}?fieldSelector=involvedObject.kind%3DNode`)).toEqual(['b']);
    const bad = await app.inject({ method: 'GET', url: `${V1}?fieldSelector=involvedObject.kind%3DNode` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('field label not supported: involvedObject.kind');
    const badCore = await app.inject({ method: 'GET', url: `${CORE}?fieldSelector=regarding.kind%3DNode` });
    expect(badCore.statusCode).toBe(400);
    // deletecollection with a converted selector.
    const dc = await app.inject({ method: 'DELETE', url: `${V1}?fieldSelector=regarding.name%3Dn1` });
    expect(dc.statusCode).toBe(200);
    expect(await names(CORE)).toEqual(['a']);
  });

  it('core/v1 keeps its lax rules: an old-style event needs no eventTime', async () => {
    const res = await app.inject({ method: 'POST', url: CORE, payload: { metadata: { name: 'old' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'R', message: 'm' } });
    expect(res.statusCode).toBe(201);
    const viaV1 = (await app.inject({ method: 'GET', url: `${V1}/old` })).json();
    expect(viaV1).toMatchObject({ note: 'm', regarding: { name: 'p' } });
    expect(viaV1.eventTime).toBeUndefined();
  });
});

describe('GraphQL', () => {
  it('object() and objects() read events.k8s.io/v1 as REST answers it', async () => {
    await restCreate(app, V1, v1Event('g1'));
    const rest = (await app.inject({ method: 'GET', url: `${V1}/g1` })).json();
    const one = await gql(app, '{ object(apiVersion: "events.k8s.io/v1", kind: "Event", namespace: "default", name: "g1") }');
    expect(one.errors).toBeUndefined();
    expect(one.data!.object).toEqual(rest);
    const many = await gql(app, '{ objects(group: "events.k8s.io", version: "v1", resource: "events", namespace: "default", fieldSelector: "regarding.name=web") }');
    expect(many.data!.objects).toEqual([rest]);
    const core = await gql(app, '{ event(namespace: "default", name: "g1") { message involvedObject { name } } }');
    expect(core.data!.event).toEqual({ message: 'hello', involvedObject: { name: 'web' } });
  });
});
