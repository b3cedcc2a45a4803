import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type RunningApiserver } from '../../apiserver/main.js';
import { COMPONENT_USERS, type ComponentUser } from '../../apiserver/auth/component-tokens.js';
import { connectionOf, nodeClientsOf } from '../../cli/client-components.js';
import type { UpContext } from '../../cli/components.js';
import { createRestClient, type HttpRestClient } from '../../client/rest-client.js';
import type { ResourceRef } from '../../client/resource.js';
import { createLogger } from '../../lib/logger.js';
import { request } from 'node:https';
import { componentToken, nodeUser } from '../../apiserver/auth/component-tokens.js';

// `up`'s wiring of identities: each component's client authenticates as its own user
// (connectionOf with the apiserver's component key), each simulated kubelet as
// system:node:NAME over the kubelet-sim's shared pool (nodeClientsOf), and RBAC and the
// Node authorizer then apply to them.

const ssr: ResourceRef = { group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews', namespaced: false, kind: 'SelfSubjectReview' };
const ssar: ResourceRef = { group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectaccessreviews', namespaced: false, kind: 'SelfSubjectAccessReview' };

let root: string;
let api: RunningApiserver;
let ctx: UpContext<unknown>;
const clients: HttpRestClient[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubeling-identities-'));
  api = await startApiserver({ dataDir: join(root, 'data'), port: 0, logger: createLogger({ level: 'silent' }) });
  ctx = { options: {}, logger: createLogger({ level: 'silent' }), apiserver: api };
});
afterAll(async () => {
  for (const c of clients) c.close();
  await api?.close();
  await rm(root, { recursive: true, force: true });
});

function clientAs(user?: ComponentUser): HttpRestClient {
  const c = createRestClient(connectionOf(ctx, user));
  clients.push(c);
  return c;
}

async function whoami(c: { create: HttpRestClient['create'] }): Promise<{ username: string; groups: string[] }> {
  const res = (await c.create(ssr, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} })) as unknown as { status: { userInfo: { username: string; groups: string[] } } };
  return res.status.userInfo;
}

async function canI(c: HttpRestClient, verb: string, resource: string, group = '', namespace?: string): Promise<boolean> {
  const res = (await c.create(ssar, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { verb, resource, group, ...(namespace ? { namespace } : {}) } } } as never)) as unknown as { status: { allowed: boolean } };
  return res.status.allowed;
}

describe('component identities in up', () => {
  it.each(Object.entries(COMPONENT_USERS))('%s authenticates as its own user, outside system:masters', async (_name, user) => {
    const me = await whoami(clientAs(user));
    expect(me.username).toBe(user.username);
    expect(me.groups).not.toContain('system:masters');
    expect(me.groups).toContain('system:authenticated');
  });

  it('the admin connection stays the admin when no user is named', async () => {
    expect((await whoami(clientAs())).groups).toContain('system:masters');
  });

  it.each([
    ['scheduler', COMPONENT_USERS.scheduler, 'create', 'pods/binding', '', true],
    ['scheduler', COMPONENT_USERS.scheduler, 'list', 'persistentvolumes', '', true],
    ['scheduler', COMPONENT_USERS.scheduler, 'get', 'secrets', '', false],
    ['kube-proxy', COMPONENT_USERS.kubeProxy, 'watch', 'endpointslices', 'discovery.k8s.io', true],
    ['kube-proxy', COMPONENT_USERS.kubeProxy, 'create', 'pods', '', false],
    ['metrics-server', COMPONENT_USERS.metricsServer, 'get', 'nodes/metrics', '', true],
    ['metrics-server', COMPONENT_USERS.metricsServer, 'delete', 'pods', '', false],
    ['cluster-autoscaler', COMPONENT_USERS.clusterAutoscaler, 'create', 'pods/eviction', '', true],
    ['cluster-autoscaler', COMPONENT_USERS.clusterAutoscaler, 'create', 'deployments', 'apps', false],
    ['cloud-controller-manager', COMPONENT_USERS.cloudControllerManager, 'patch', 'services/status', '', true],
    ['ingress-nginx', COMPONENT_USERS.ingressController, 'update', 'ingresses/status', 'networking.k8s.io', true],
    ['ingress-nginx', COMPONENT_USERS.ingressController, 'delete', 'ingresses', 'networking.k8s.io', false],
  ] as const)('%s: can-i %s %s (%s) is %s', async (_n, user, verb, resource, group, allowed) => {
    const [res, sub] = resource.split('/') as [string, string | undefined];
    const c = clientAs(user);
    const review = (await c.create(ssar, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { verb, resource: res, group, ...(sub ? { subresource: sub } : {}) } } } as never)) as unknown as { status: { allowed: boolean } };
    expect(review.status.allowed).toBe(allowed);
  });

  it('kube-proxy may publish the network configuration ConfigMaps and read no other ConfigMap', async () => {
    const c = clientAs(COMPONENT_USERS.kubeProxy);
    const review = async (verb: string, name?: string) =>
      ((await c.create(ssar, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { verb, resource: 'configmaps', group: '', namespace: 'kube-system', ...(name ? { name } : {}) } } } as never)) as unknown as { status: { allowed: boolean } }).status.allowed;
    expect(await review('get', 'kube-proxy')).toBe(true);
    expect(await review('update', 'kube-flannel-cfg')).toBe(true);
    expect(await review('create')).toBe(true);
    expect(await review('get', 'coredns')).toBe(false);
    expect(await review('list')).toBe(false);
  });

  it('each kubelet carries its own node credential over the shared pool', async () => {
    const shared = clientAs(COMPONENT_USERS.kubeletSim);
    const nodeClient = nodeClientsOf(ctx, shared)!;
    expect(nodeClient).toBeDefined();
    for (const name of ['n1', 'n2']) {
      const me = await whoami(nodeClient(name));
      expect(me.username).toBe(`system:node:${name}`);
      expect(me.groups).toContain('system:nodes');
    }
    expect((await whoami(shared)).username).toBe('kubeling:kubelet-sim');
    expect(await canI(shared, 'list', 'secrets')).toBe(true);
    expect(await canI(shared, 'delete', 'pods')).toBe(false);
  });

  it('a kubeconfig connection (client commands) keeps its own credential and per-node clients are off', () => {
    const withKubeconfig: UpContext<unknown> = { ...ctx, connection: { server: api.url, caCert: api.caCert, token: 'from-kubeconfig' } };
    expect(connectionOf(withKubeconfig, COMPONENT_USERS.scheduler).token).toBe('from-kubeconfig');
    expect(nodeClientsOf(withKubeconfig, clientAs())).toBeUndefined();
  });

  /** GET as `token`; resolves with the priority level's UID that APF put in the answer. */
  function priorityLevelUid(token: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const req = request(`${api.url}/api/v1/namespaces/default/pods`, { ca: api.caCert, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.headers['x-kubernetes-pf-prioritylevel-uid'] as string | undefined);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it.each([
    ['a kubelet', () => componentToken(api.componentKey!, nodeUser('n1')), 'system'],
    ['the scheduler', () => componentToken(api.componentKey!, COMPONENT_USERS.scheduler), 'workload-high'],
    ['an add-on in kube-system', () => componentToken(api.componentKey!, COMPONENT_USERS.metricsServer), 'workload-high'],
    ['the admin', () => api.adminToken, 'exempt'],
  ])('priority and fairness puts %s in the %s priority level', async (_who, token, level) => {
    const admin = clientAs();
    const pl = await admin.get({ group: 'flowcontrol.apiserver.k8s.io', version: 'v1', plural: 'prioritylevelconfigurations', namespaced: false, kind: 'PriorityLevelConfiguration' }, level);
    expect(await priorityLevelUid(token())).toBe(pl.metadata.uid);
  });
});
