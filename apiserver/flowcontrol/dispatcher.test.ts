import { describe, expect, it } from 'vitest';
import { MANDATORY_FLOW_SCHEMAS, MANDATORY_PRIORITY_LEVELS, SUGGESTED_FLOW_SCHEMAS, SUGGESTED_PRIORITY_LEVELS, type PriorityLevelConfiguration } from '../../api/flowcontrol/index.js';
import type { RequestDigest } from './classify.js';
import { Dispatcher } from './dispatcher.js';

const SCHEMAS = [...MANDATORY_FLOW_SCHEMAS, ...SUGGESTED_FLOW_SCHEMAS];
const LEVELS = [...MANDATORY_PRIORITY_LEVELS, ...SUGGESTED_PRIORITY_LEVELS];

const authed = (username: string, ...groups: string[]) => ({ username, groups: [...groups, 'system:authenticated'] });
const res = (verb: string, resource: string, namespace?: string, apiGroup = '', subresource?: string) => ({ verb, apiGroup, resource, ...(namespace ? { namespace } : {}), ...(subresource ? { subresource } : {}) });

describe('classification with kube\'s default FlowSchemas', () => {
  const d = new Dispatcher();
  d.configure(SCHEMAS, LEVELS);
  it.each<{ name: string; req: RequestDigest; schema: string; level: string; flow?: string }>([
    { name: 'the admin', req: { user: authed('kubernetes-admin', 'system:masters'), resource: res('list', 'pods', 'default') }, schema: 'exempt', level: 'exempt' },
    { name: 'a probe', req: { user: { username: 'system:anonymous', groups: ['system:unauthenticated'] }, nonResource: { verb: 'get', path: '/readyz' } }, schema: 'probes', level: 'exempt' },
    { name: 'a kubelet\'s node status', req: { user: authed('system:node:n1', 'system:nodes'), resource: res('patch', 'nodes', undefined, '', 'status') }, schema: 'system-node-high', level: 'node-high', flow: 'system-node-high/system:node:n1' },
    { name: 'a kubelet\'s pod status', req: { user: authed('system:node:n1', 'system:nodes'), resource: res('patch', 'pods', 'default', '', 'status') }, schema: 'system-nodes', level: 'system' },
    { name: 'the scheduler\'s lease', req: { user: authed('system:kube-scheduler'), resource: res('update', 'leases', 'kube-system', 'coordination.k8s.io') }, schema: 'system-leader-election', level: 'leader-election' },
    { name: 'the scheduler\'s binds', req: { user: authed('system:kube-scheduler'), resource: res('create', 'pods', 'web', '', 'binding') }, schema: 'kube-scheduler', level: 'workload-high', flow: 'kube-scheduler/web' },
    { name: 'a kube-system service account', req: { user: authed('system:serviceaccount:kube-system:coredns', 'system:serviceaccounts'), resource: res('list', 'services') }, schema: 'kube-system-service-accounts', level: 'workload-high' },
    { name: 'another service account', req: { user: authed('system:serviceaccount:team:dev', 'system:serviceaccounts'), resource: res('get', 'pods', 'team') }, schema: 'service-accounts', level: 'workload-low' },
    { name: 'a user', req: { user: authed('ann'), resource: res('create', 'deployments', 'team', 'apps') }, schema: 'global-default', level: 'global-default', flow: 'global-default/ann' },
  ])('$name → $schema / $level', ({ req, schema, level, flow }) => {
    const c = d.classify(req)!;
    expect(c.flowSchema.metadata.name).toBe(schema);
    expect(c.priorityLevel.metadata.name).toBe(level);
    if (flow) expect(c.flow).toBe(flow);
  });

  it('a schema whose level is missing (dangling) is skipped', () => {
    const d2 = new Dispatcher();
    d2.configure(SCHEMAS, LEVELS.filter((l) => l.metadata.name !== 'global-default'));
    expect(d2.classify({ user: authed('ann'), resource: res('get', 'pods', 'x') })!.flowSchema.metadata.name).toBe('catch-all');
  });

  it('splits 600 seats by nominal concurrency shares (245 in all)', () => {
    expect(d.limitOf('global-default')).toBe(Math.ceil((600 * 20) / 245));
    expect(d.limitOf('workload-low')).toBe(Math.ceil((600 * 100) / 245));
    expect(d.limitOf('exempt')).toBeUndefined();
  });
});

/** A dispatcher with one user level of `seats` seats, queued or rejecting, and timers run by hand. */
type LimitResponse = NonNullable<NonNullable<PriorityLevelConfiguration['spec']['limited']>['limitResponse']>;
function tiny(limitResponse: LimitResponse) {
  const timers: Array<{ fn: () => void; cleared: boolean; unref(): void }> = [];
  const d = new Dispatcher({
    serverConcurrencyLimit: 2,
    setTimeout: (fn) => {
      const t = { fn, cleared: false, unref: () => undefined };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => void ((h as { cleared: boolean }).cleared = true),
  });
  const level: PriorityLevelConfiguration = {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: { name: 'users' },
    spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, ...(limitResponse ? { limitResponse } : {}) } },
  };
  const schema = { ...SUGGESTED_FLOW_SCHEMAS.find((s) => s.metadata.name === 'global-default')!, spec: { ...SUGGESTED_FLOW_SCHEMAS.find((s) => s.metadata.name === 'global-default')!.spec, priorityLevelConfiguration: { name: 'users' } } };
  d.configure([...MANDATORY_FLOW_SCHEMAS, schema], [...MANDATORY_PRIORITY_LEVELS, level]);
  const fire = () => timers.filter((t) => !t.cleared).forEach((t) => ((t.cleared = true), t.fn()));
  return { d, fire };
}
const req = (user: string): RequestDigest => ({ user: authed(user), resource: res('get', 'pods', 'x') });

describe('seats, queues and refusals', () => {
  it('a Reject level refuses past its seats and serves again once a seat frees', () => {
    const { d } = tiny({ type: 'Reject' });
    const seats = d.limitOf('users')!;
    const held = Array.from({ length: seats }, () => d.admit(req('ann')));
    expect(held.every((a) => a.kind === 'run')).toBe(true);
    expect(d.admit(req('ann'))).toMatchObject({ kind: 'rejected', why: 'concurrency-limit' });
    (held[0] as { release: () => void }).release();
    expect(d.admit(req('ann')).kind).toBe('run');
  });

  it('the exempt level and watches never wait', () => {
    const { d } = tiny({ type: 'Reject' });
    for (let i = 0; i < 10; i++) expect(d.admit({ user: authed('root', 'system:masters'), resource: res('list', 'pods') }).kind).toBe('run');
    for (let i = 0; i < 10; i++) expect(d.admit(req('ann'), true).kind).toBe('run');
  });

  it('queued flows are served round-robin, so one flood does not starve another user', async () => {
    const { d } = tiny({ type: 'Queue', queuing: { queues: 64, handSize: 8, queueLengthLimit: 50 } });
    const seats = d.limitOf('users')!;
    const held = Array.from({ length: seats }, () => d.admit(req('flood')) as { kind: 'run'; release: () => void });
    const order: string[] = [];
    const wait = (user: string) => {
      const a = d.admit(req(user));
      expect(a.kind).toBe('queued');
      void (a as { ready: Promise<(() => void) | 'rejected'> }).ready.then((r) => {
        order.push(user);
        if (typeof r === 'function') r();
      });
    };
    for (let i = 0; i < 5; i++) wait('flood');
    wait('kubectl-user');
    held[0]!.release();
    await new Promise((r) => setImmediate(r));
    // kubectl-user's queue gets the second freed seat, not the sixth.
    expect(order.indexOf('kubectl-user')).toBeLessThanOrEqual(1);
    expect(order).toHaveLength(6);
  });

  it('a full queue refuses at once; a request that waits too long is refused', async () => {
    const { d, fire } = tiny({ type: 'Queue', queuing: { queues: 1, handSize: 1, queueLengthLimit: 1 } });
    for (let i = 0; i < d.limitOf('users')!; i++) d.admit(req('ann'));
    const queued = d.admit(req('ann'));
    expect(queued.kind).toBe('queued');
    expect(d.admit(req('bob'))).toMatchObject({ kind: 'rejected', why: 'queue-full' });
    fire();
    expect(await (queued as { ready: Promise<unknown> }).ready).toBe('rejected');
  });
});
