import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import type { Store } from '../storage/store.js';
import { gql, restCreate } from './test-helpers.js';
import { allocatedResources, serviceDnsNames } from './relations.js';

/**
 * Relation fields over a small cluster written through REST: a Deployment with one
 * ReplicaSet of 100 pods spread over 4 nodes, events, a Service and its slice, an HPA.
 * The store is wrapped to count list calls: a query walking every pod to its node,
 * owner and events must make a bounded number of them, whatever the number of pods.
 */

let app: FastifyInstance;
let listCalls = 0;
let depUid = '';

function countingStore(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'list' && typeof value === 'function') {
        return (...args: unknown[]) => {
          listCalls++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

beforeAll(async () => {
  app = await buildApp({ store: countingStore(createSqliteStore({ path: ':memory:' })) });
  await app.ready();
  for (let n = 0; n < 4; n++) {
    await restCreate(app, '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${n}` },
      status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
    });
  }
  const dep = await restCreate(app, '/apis/apps/v1/namespaces/default/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 100,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
  });
  depUid = dep.metadata.uid;
  const rs = await restCreate(app, '/apis/apps/v1/namespaces/default/replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-abc',
      labels: { app: 'web' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: dep.metadata.uid, controller: true }],
    },
    spec: {
      replicas: 100,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
  });
  for (let i = 0; i < 100; i++) {
    const p = await restCreate(app, '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `web-abc-${i}`,
        labels: { app: 'web' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: rs.metadata.uid, controller: true }],
      },
      spec: { nodeName: `node-${i % 4}`, containers: [{ name: 'nginx', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
    });
    if (i < 3) {
      await restCreate(app, '/api/v1/namespaces/default/events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `web-abc-${i}.scheduled` },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: p.metadata.name, namespace: 'default', uid: p.metadata.uid },
        reason: 'Scheduled',
        message: `Successfully assigned default/${p.metadata.name} to node-${i % 4}`,
        type: 'Normal',
        source: { component: 'default-scheduler' },
      });
    }
  }
  // A pod of another app: not the Deployment's, not the Service's.
  await restCreate(app, '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'other', labels: { app: 'other' } },
    spec: { nodeName: 'node-0', containers: [{ name: 'c', image: 'busybox' }] },
  });
  await restCreate(app, '/api/v1/namespaces/default/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] },
  });
  await restCreate(app, '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-xyz', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['100.96.0.5'] }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  });
  await restCreate(app, '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 200 },
  });
});

afterAll(async () => {
  await app?.close();
});

describe('relations', () => {
  it('walks ownerReferences down (dependents) and counts a namespace\'s objects by kind', async () => {
    const res = await gql(
      app,
      `{ deployment(name: "web") { dependents { ... on ReplicaSet { metadata { name } } } }
         namespace(name: "default") { objects } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.deployment.dependents).toEqual([{ metadata: { name: expect.any(String) } }]);
    const counts = res.data!.namespace.objects as Record<string, number>;
    expect(counts['Deployment.apps']).toBe(1);
    expect(counts['Service']).toBeGreaterThanOrEqual(1); // web, and the apiserver's own kubernetes Service
    expect(counts['Pod']).toBeGreaterThanOrEqual(100);
  });

  it('walks Deployment → ReplicaSets → pods → nodes and events in one query, with a bounded number of storage reads', async () => {
    listCalls = 0;
    const res = await gql(
      app,
      `{ deployment(name: "web") {
          replicaSets { metadata { name } }
          pods { metadata { name } status { podIP } node { metadata { name } } events { reason message } owner { ... on ReplicaSet { metadata { name } } } }
          hpa { metadata { name } }
        } }`,
    );
    expect(res.errors).toBeUndefined();
    const d = res.data!.deployment;
    expect(d.replicaSets.map((r: { metadata: { name: string } }) => r.metadata.name)).toEqual(['web-abc']);
    expect(d.pods).toHaveLength(100);
    expect(new Set(d.pods.map((p: { node: { metadata: { name: string } } }) => p.node.metadata.name))).toEqual(new Set(['node-0', 'node-1', 'node-2', 'node-3']));
    expect(d.pods.every((p: { owner: { metadata: { name: string } } }) => p.owner.metadata.name === 'web-abc')).toBe(true);
    const withEvents = d.pods.filter((p: { events: unknown[] }) => p.events.length > 0);
    expect(withEvents).toHaveLength(3);
    expect(withEvents[0].events[0]).toMatchObject({ reason: 'Scheduled' });
    expect(d.hpa.map((h: { metadata: { name: string } }) => h.metadata.name)).toEqual(['web']);
    // deployment get + ReplicaSets + pods + nodes + events + HPAs (+ paging slack):
    // independent of the 100 parents.
    expect(listCalls).toBeLessThanOrEqual(8);
  });

  it('serves Node.pods, lease and allocated, Service.endpointSlices, pods and dnsNames', async () => {
    const res = await gql(
      app,
      `{ node(name: "node-0") { pods(labelSelector: "app=web") { metadata { name } } allocated lease { metadata { name } } }
         service(name: "web") { pods(limit: 5) { metadata { name } } endpointSlices { metadata { name } } dnsNames } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.node.pods).toHaveLength(25);
    expect(res.data!.node.lease).toBeNull();
    expect(res.data!.node.allocated).toMatchObject({ cpu: { requested: '2500m', allocatable: '4', fraction: 0.625 }, pods: { requested: '26' } });
    expect(res.data!.service.pods).toHaveLength(5);
    expect(res.data!.service.endpointSlices.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(['web-xyz']);
    expect(res.data!.service.dnsNames).toEqual(['web.default.svc.cluster.local', '_http._tcp.web.default.svc.cluster.local']);
  });

  it('resolves Pod.services and owner chains to the Deployment, and HPA.scaleTarget', async () => {
    const res = await gql(
      app,
      `{ pod(name: "web-abc-7") { services { metadata { name } } owner { ... on ReplicaSet { owner { ... on Deployment { metadata { uid } } } } } }
         other: pod(name: "other") { services { metadata { name } } owner { __typename } }
         horizontalPodAutoscaler(name: "web") { scaleTarget { __typename ... on Deployment { spec { replicas } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.pod.services).toEqual([{ metadata: { name: 'web' } }]);
    expect(res.data!.pod.owner.owner.metadata.uid).toBe(depUid);
    expect(res.data!.other).toEqual({ services: [], owner: null });
    expect(res.data!.horizontalPodAutoscaler.scaleTarget).toEqual({ __typename: 'Deployment', spec: { replicas: 100 } });
  });

  it('answers a bad selector on a relation with the coded error lists give', async () => {
    const res = await gql(app, `{ deployment(name: "web") { pods(labelSelector: "a in (") { metadata { name } } } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BadRequest' });
  });
});

describe('query limits', () => {
  it('refuses a query deeper than the limit, with a clear error', async () => {
    const deep = `{ pod(name: "web-abc-1") { node { pods { node { pods { node { pods { node { pods { node { pods { metadata { name } } } } } } } } } } } } }`;
    const res = await gql(app, deep);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/exceeds the query depth limit of 12/);
  });
});

describe('relation helpers', () => {
  it('sums requests of non-terminated pods against allocatable', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { allocatable: { cpu: '2', memory: '1Gi', pods: '10' } } };
    const pod = (cpu: string, mem: string, phase = 'Running') => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu, memory: mem } } }] },
      status: { phase },
    });
    expect(allocatedResources(node, [pod('500m', '256Mi'), pod('1', '256Mi'), pod('1', '1Gi', 'Succeeded')])).toEqual({
      cpu: { requested: '1500m', allocatable: '2', fraction: 0.75 },
      memory: { requested: '512Mi', allocatable: '1Gi', fraction: 0.5 },
      pods: { requested: '2', allocatable: '10', fraction: 0.2 },
    });
  });

  it('names a Service by A and SRV records', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'prod' }, spec: { ports: [{ name: 'pg', port: 5432 }, { port: 9 }] } };
    expect(serviceDnsNames(svc)).toEqual(['db.prod.svc.cluster.local', '_pg._tcp.db.prod.svc.cluster.local']);
  });
});
