import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createTokenAuthenticator, ADMIN_USER } from '../../apiserver/auth/tokens.js';
import { createFlowControl, TOO_MANY_REQUESTS } from '../../apiserver/flowcontrol/flow-control.js';
import type { Registries } from '../../apiserver/registry/registries.js';
import { ApiError } from '../../apiserver/errors.js';
import { realClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { json, makeTestApp, type TestApp } from '../helpers/test-app.js';

// API Priority and Fairness through the REST API: kube's default objects served and
// listed as kubectl prints them, the X-Kubernetes-PF-* headers naming the FlowSchema and
// priority level that served a request, configuration changes followed, bad objects
// refused with 422, and a saturated level answering 429 with Retry-After.

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({
    authenticator: createTokenAuthenticator([
      { token: 'admin', user: ADMIN_USER },
      { token: 'ann', user: { username: 'ann', groups: [] } },
    ]),
  });
});
afterAll(async () => t.close());

const as = (token: string, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
const FC = '/apis/flowcontrol.apiserver.k8s.io/v1';
const uidOf = async (plural: string, name: string): Promise<string> => json(await as('admin', 'GET', `${FC}/${plural}/${name}`)).metadata.uid;

describe('API Priority and Fairness', () => {
  it('serves kube\'s mandatory and suggested objects, as kubectl get prints them', async () => {
    const res = await as('admin', 'GET', `${FC}/flowschemas`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(res.statusCode).toBe(200);
    const table = json(res);
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'PriorityLevel', 'MatchingPrecedence', 'DistinguisherMethod', 'Age', 'MissingPL']);
    const rows = new Map(table.rows.map((r: { cells: unknown[] }) => [r.cells[0], r.cells]));
    expect(rows.get('exempt')).toEqual(['exempt', 'exempt', 1, '<none>', expect.any(String), 'False']);
    expect(rows.get('global-default')).toEqual(['global-default', 'global-default', 9900, 'ByUser', expect.any(String), 'False']);
    expect(rows.size).toBe(13);
    const levels = json(await as('admin', 'GET', `${FC}/prioritylevelconfigurations`));
    expect(levels.items.map((l: { metadata: { name: string } }) => l.metadata.name).sort()).toEqual(['catch-all', 'exempt', 'global-default', 'leader-election', 'node-high', 'system', 'workload-high', 'workload-low']);
  });

  it('names the FlowSchema and priority level of each request in the X-Kubernetes-PF-* headers', async () => {
    const admin = await as('admin', 'GET', '/api/v1/namespaces');
    expect(admin.headers['x-kubernetes-pf-flowschema-uid']).toBe(await uidOf('flowschemas', 'exempt'));
    expect(admin.headers['x-kubernetes-pf-prioritylevel-uid']).toBe(await uidOf('prioritylevelconfigurations', 'exempt'));
    // Forbidden by RBAC or not, a user's request is classified first.
    const ann = await as('ann', 'GET', '/api/v1/namespaces/default/pods');
    expect(ann.headers['x-kubernetes-pf-flowschema-uid']).toBe(await uidOf('flowschemas', 'global-default'));
    expect(ann.headers['x-kubernetes-pf-prioritylevel-uid']).toBe(await uidOf('prioritylevelconfigurations', 'global-default'));
  });

  it('classifies an impersonated request by the user it acts as (impersonation runs before flow control, as in kube)', async () => {
    const asAnn = await as('admin', 'GET', '/api/v1/namespaces/default/pods', undefined, { 'impersonate-user': 'ann' });
    expect(asAnn.headers['x-kubernetes-pf-flowschema-uid']).toBe(await uidOf('flowschemas', 'global-default'));
    expect(asAnn.headers['x-kubernetes-pf-prioritylevel-uid']).toBe(await uidOf('prioritylevelconfigurations', 'global-default'));
    // Not allowed to impersonate: 403 before anything is classified or done.
    const denied = await as('ann', 'GET', '/api/v1/namespaces', undefined, { 'impersonate-user': 'admin' });
    expect(denied.statusCode).toBe(403);
    expect(json(denied).message).toBe('users "admin" is forbidden: User "ann" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  it('follows new objects: a FlowSchema of lower precedence takes the user, its Dangling condition kept', async () => {
    const schema = {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
      kind: 'FlowSchema',
      metadata: { name: 'ann' },
      spec: { priorityLevelConfiguration: { name: 'ann-level' }, matchingPrecedence: 50, rules: [{ subjects: [{ kind: 'User', user: { name: 'ann' } }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'], clusterScope: true }] }] },
    };
    expect((await as('admin', 'POST', `${FC}/flowschemas`, schema)).statusCode).toBe(201);
    const dangling = async () => json(await as('admin', 'GET', `${FC}/flowschemas/ann`)).status?.conditions?.find((c: { type: string }) => c.type === 'Dangling');
    for (let i = 0; i < 200 && (await dangling())?.status !== 'True'; i++) await new Promise((r) => setImmediate(r));
    expect(await dangling()).toMatchObject({ status: 'True', reason: 'NotFound' });
    const level = { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name: 'ann-level' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Queue' } } } };
    const created = await as('admin', 'POST', `${FC}/prioritylevelconfigurations`, level);
    expect(created.statusCode).toBe(201);
    expect(json(created).spec.limited).toEqual({ nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { queues: 64, handSize: 8, queueLengthLimit: 50 } } });
    const schemaUid = await uidOf('flowschemas', 'ann');
    let header: unknown;
    for (let i = 0; i < 200 && header !== schemaUid; i++) {
      header = (await as('ann', 'GET', '/version')).headers['x-kubernetes-pf-flowschema-uid'];
      await new Promise((r) => setImmediate(r));
    }
    expect(header).toBe(schemaUid);
    expect(await dangling()).toMatchObject({ status: 'False', reason: 'Found' });
  });

  it.each([
    { spec: { priorityLevelConfiguration: { name: 'x' }, matchingPrecedence: 0 }, field: 'spec.matchingPrecedence' },
    { spec: { priorityLevelConfiguration: { name: 'x' }, distinguisherMethod: { type: 'ByColour' } }, field: 'spec.distinguisherMethod.type' },
    { spec: { priorityLevelConfiguration: { name: 'x' }, rules: [{ subjects: [{ kind: 'Robot' }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/'] }] }] }, field: 'spec.rules[0].subjects[0].kind' },
    { spec: { priorityLevelConfiguration: { name: '' } }, field: 'spec.priorityLevelConfiguration.name' },
  ])('refuses a bad FlowSchema ($field) with 422 and stores nothing', async ({ spec, field }) => {
    const res = await as('admin', 'POST', `${FC}/flowschemas`, { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: 'bad' }, spec });
    expect(res.statusCode).toBe(422);
    expect(json(res).details.causes.map((c: { field: string }) => c.field)).toContain(field);
    expect((await as('admin', 'GET', `${FC}/flowschemas/bad`)).statusCode).toBe(404);
  });

  it.each([
    { name: 'bad-type', spec: { type: 'Unlimited' }, field: 'spec.type' },
    { name: 'bad-limited', spec: { type: 'Limited' }, field: 'spec.limited' },
    { name: 'bad-queues', spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: { queues: 0 } } } }, field: 'spec.limited.limitResponse.queuing.queues' },
    { name: 'not-exempt', spec: { type: 'Exempt' }, field: 'spec.type' },
  ])('refuses a bad PriorityLevelConfiguration ($field) with 422', async ({ name, spec, field }) => {
    const res = await as('admin', 'POST', `${FC}/prioritylevelconfigurations`, { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name }, spec });
    expect(res.statusCode).toBe(422);
    expect(json(res).details.causes.map((c: { field: string }) => c.field)).toContain(field);
  });

  it('a saturated level answers 429 TooManyRequests with Retry-After and kube\'s message', async () => {
    const registries = (t.app as unknown as { registries: Registries }).registries;
    // One seat for catch-all (a Reject level): the second request of an unknown flow is refused.
    const fc = createFlowControl({ registries, logger: createLogger({ level: 'silent' }), clock: realClock, dispatcher: { serverConcurrencyLimit: 1 } });
    await fc.start();
    try {
      const headers: Record<string, string> = {};
      const fakeReply = () => ({ header: (k: string, v: string) => void (headers[k] = v), raw: { once: () => undefined } }) as unknown as FastifyReply;
      const req = { url: '/api/v1/namespaces/default/pods', method: 'GET', user: { username: 'bot', groups: ['system:authenticated'] } } as unknown as FastifyRequest;
      // Only the mandatory catch-all (a Reject level) left: one seat, taken by the first request.
      fc.dispatcher.configure(
        [json(await as('admin', 'GET', `${FC}/flowschemas/catch-all`))],
        [json(await as('admin', 'GET', `${FC}/prioritylevelconfigurations/catch-all`))],
      );
      await fc.onRequest(req, fakeReply());
      const err = await fc.onRequest(req, fakeReply()).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).toStatus()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: TOO_MANY_REQUESTS, reason: 'TooManyRequests', details: { retryAfterSeconds: 1 }, code: 429 });
      expect(headers['Retry-After']).toBe('1');
      expect(headers['X-Kubernetes-PF-FlowSchema-UID']).toBe(await uidOf('flowschemas', 'catch-all'));
    } finally {
      fc.stop();
    }
  });
});
