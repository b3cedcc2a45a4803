import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, makeTestApp, pod, type TestApp } from '../helpers/test-app.js';

// scheduling.k8s.io/v1 PriorityClass (system classes at start, Priority admission on pods)
// and node.k8s.io/v1 RuntimeClass, through the REST API.

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const PODS = '/api/v1/namespaces/default/pods';
const PCS = '/apis/scheduling.k8s.io/v1/priorityclasses';

describe('PriorityClass', () => {
  it('has the system classes', async () => {
    const list = json(await t.app.inject({ url: PCS }));
    expect(list.items.map((p: any) => [p.metadata.name, p.value, p.preemptionPolicy])).toEqual([
      ['system-cluster-critical', 2000000000, 'PreemptLowerPriority'],
      ['system-node-critical', 2000001000, 'PreemptLowerPriority'],
    ]);
  });

  it('fills in spec.priority from the class, 0 without one', async () => {
    const critical = await t.app.inject({ method: 'POST', url: PODS, payload: pod('crit', { spec: { priorityClassName: 'system-cluster-critical', containers: [{ name: 'c', image: 'nginx' }] } }) });
    expect(critical.statusCode).toBe(201);
    expect(json(critical).spec).toMatchObject({ priority: 2000000000, preemptionPolicy: 'PreemptLowerPriority' });
    const plain = await t.app.inject({ method: 'POST', url: PODS, payload: pod('plain') });
    expect(json(plain).spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('uses the global default class', async () => {
    const created = await t.app.inject({ method: 'POST', url: PCS, payload: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 100, globalDefault: true, preemptionPolicy: 'Never' } });
    expect(created.statusCode).toBe(201);
    const p = json(await t.app.inject({ method: 'POST', url: PODS, payload: pod('defaulted') }));
    expect(p.spec).toMatchObject({ priority: 100, priorityClassName: 'low', preemptionPolicy: 'Never' });
    await t.app.inject({ method: 'DELETE', url: `${PCS}/low` });
  });

  it('refuses a missing class or a conflicting priority with 403, creating nothing', async () => {
    const missing = await t.app.inject({ method: 'POST', url: PODS, payload: pod('nopc', { spec: { priorityClassName: 'gold', containers: [{ name: 'c', image: 'nginx' }] } }) });
    expect(missing.statusCode).toBe(403);
    expect(json(missing)).toMatchObject({ reason: 'Forbidden', message: 'pods "nopc" is forbidden: no PriorityClass with name gold was found', details: { name: 'nopc', kind: 'pods' } });
    const conflicting = await t.app.inject({ method: 'POST', url: PODS, payload: pod('badprio', { spec: { priorityClassName: 'system-node-critical', priority: 5, containers: [{ name: 'c', image: 'nginx' }] } }) });
    expect(conflicting.statusCode).toBe(403);
    expect(json(conflicting).message).toContain('the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000001000');
    expect((await t.app.inject({ url: `${PODS}/nopc` })).statusCode).toBe(404);
  });

  it('validates user classes', async () => {
    const tooHigh = await t.app.inject({ method: 'POST', url: PCS, payload: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'huge' }, value: 1000000001 } });
    expect(tooHigh.statusCode).toBe(422);
    expect(json(tooHigh).message).toBe('PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
    const reserved = await t.app.inject({ method: 'POST', url: PCS, payload: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-mine' }, value: 1 } });
    expect(reserved.statusCode).toBe(422);
  });
});

describe('RuntimeClass', () => {
  it('stores a class and validates its handler', async () => {
    const url = '/apis/node.k8s.io/v1/runtimeclasses';
    const ok = await t.app.inject({ method: 'POST', url, payload: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc' } });
    expect(ok.statusCode).toBe(201);
    const bad = await t.app.inject({ method: 'POST', url, payload: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'bad' }, handler: 'Not_A_Label' } });
    expect(bad.statusCode).toBe(422);
    expect(json(bad).message).toMatch(/^RuntimeClass.node.k8s.io "bad" is invalid: handler: Invalid value: "Not_A_Label"/);
  });
});
