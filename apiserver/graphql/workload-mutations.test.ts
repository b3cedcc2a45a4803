import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAuthenticator, ADMIN_USER } from '../auth/tokens.js';
import { makeTestApp, type TestApp } from '../../test/helpers/test-app.js';

/**
 * GraphQL's kubectl-style mutations (scale, cordon/uncordon/drain, rollout restart/undo)
 * and RBAC on GraphQL: every operation and relation is authorized as the REST requests
 * kubectl would make, with kube's 403 message in the error and `Forbidden` as its code.
 */

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

interface Answer {
  status: number;
  data: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

async function gql(token: string, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    payload: JSON.stringify({ query, variables }),
  });
  return { status: res.statusCode, ...(res.json() as Omit<Answer, 'status'>) };
}

async function rest(method: string, url: string, payload?: unknown): Promise<any> {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: 'Bearer admin', ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

const deployment = (name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } } },
});

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} });

const pod = (name: string, nodeName: string, extra: Record<string, any> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(extra.metadata ?? {}) },
  spec: { nodeName, containers: [{ name: 'main', image: 'nginx' }], ...(extra.spec ?? {}) },
});

describe('GraphQL RBAC', () => {
  it('refuses a user without bindings with kube message, for queries, mutations and relations', async () => {
    await rest('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 'nginx:1.26'));
    const list = await gql('ann', '{ deployments(namespace: "default") { items { metadata { name } } } }');
    expect(list.data).toBeNull();
    expect(list.errors![0]!.message).toBe('deployments.apps is forbidden: User "ann" cannot list resource "deployments" in API group "apps" in the namespace "default"');
    expect(list.errors![0]!.extensions!.code).toBe('Forbidden');

    const scale = await gql('ann', 'mutation { scaleDeployment(name: "web", replicas: 5) { spec { replicas } } }');
    expect(scale.errors![0]!.message).toBe('deployments.apps "web" is forbidden: User "ann" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"');
    expect((await rest('GET', '/apis/apps/v1/namespaces/default/deployments/web')).spec.replicas).toBe(2);

    // Allowed to read Deployments, not their pods: the relation field fails, the rest answers.
    await rest('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'deploy-reader' },
      rules: [{ apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list'] }],
    });
    await rest('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'ann-reads' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deploy-reader' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ann' }],
    });
    const rel = await gql('ann', '{ deployments(namespace: "default") { items { metadata { name } pods { metadata { name } } } } }');
    expect(rel.data!.deployments.items[0].metadata.name).toBe('web');
    expect(rel.errors![0]!.message).toBe('pods is forbidden: User "ann" cannot list resource "pods" in API group "" in the namespace "default"');
    // GraphQL's spec: list indices in `path` are integers; the raw body, as clients read it, has `0`.
    expect(rel.errors![0]!.path).toEqual(['deployments', 'items', 0, 'pods']);
    const raw = await t.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ann' },
      payload: JSON.stringify({ query: '{ deployments(namespace: "default") { items { pods { metadata { name } } } } }' }),
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.body).toContain('"path":["deployments","items",0,"pods"]');
    expect(rel.errors![0]!.extensions!.code).toBe('Forbidden');
    // Reading in another namespace is still refused.
    const other = await gql('ann', '{ deployments(namespace: "kube-system") { items { metadata { name } } } }');
    expect(other.errors![0]!.extensions!.code).toBe('Forbidden');
    // The generic `object` query is a get of that kind.
    const any = await gql('ann', '{ object(apiVersion: "v1", kind: "Secret", namespace: "default", name: "x") }');
    expect(any.errors![0]!.message).toBe('secrets "x" is forbidden: User "ann" cannot get resource "secrets" in API group "" in the namespace "default"');
  });
});

describe('GraphQL workload mutations', () => {
  it('scales through the scale subresource, and refuses a negative count with kube message', async () => {
    await rest('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('api', 'nginx:1.26'));
    const ok = await gql('admin', 'mutation { scaleDeployment(name: "api", replicas: 4) { metadata { name } spec { replicas } } }');
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.scaleDeployment.spec.replicas).toBe(4);
    const dry = await gql('admin', 'mutation { scaleDeployment(name: "api", replicas: 9, dryRun: true) { spec { replicas } } }');
    expect(dry.data!.scaleDeployment.spec.replicas).toBe(9);
    expect((await rest('GET', '/apis/apps/v1/namespaces/default/deployments/api')).spec.replicas).toBe(4);
    const bad = await gql('admin', 'mutation { scaleDeployment(name: "api", replicas: -1) { spec { replicas } } }');
    expect(bad.errors![0]!.message).toBe('Scale.autoscaling "api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(bad.errors![0]!.extensions!.code).toBe('Invalid');
    const missing = await gql('admin', 'mutation { scaleDeployment(name: "nope", replicas: 1) { spec { replicas } } }');
    expect(missing.errors![0]!.extensions!.code).toBe('NotFound');
  });

  it('rollout restart stamps the template; undo brings back the previous template', async () => {
    const restarted = await gql('admin', 'mutation { rolloutRestartDeployment(name: "api") { spec { template { metadata { annotations } } } } }');
    expect(restarted.errors).toBeUndefined();
    expect(restarted.data!.rolloutRestartDeployment.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Two revisions, as the deployment controller leaves them.
    const d = await rest('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    const rs = (revision: number, image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-${revision}`,
        labels: { app: 'web', 'pod-template-hash': `h${revision}` },
        annotations: { 'deployment.kubernetes.io/revision': String(revision), 'kubernetes.io/change-cause': `image ${image}` },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${revision}` } },
        template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h${revision}` } }, spec: { containers: [{ name: 'main', image }] } },
      },
    });
    await rest('POST', '/apis/apps/v1/namespaces/default/replicasets', rs(1, 'nginx:1.25'));
    await rest('POST', '/apis/apps/v1/namespaces/default/replicasets', rs(2, 'nginx:1.26'));
    const undo = await gql('admin', 'mutation { rolloutUndoDeployment(name: "web") { metadata { annotations } spec { template { metadata { labels } spec { containers { image } } } } } }');
    expect(undo.errors).toBeUndefined();
    expect(undo.data!.rolloutUndoDeployment.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    expect(undo.data!.rolloutUndoDeployment.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(undo.data!.rolloutUndoDeployment.metadata.annotations['kubernetes.io/change-cause']).toBe('image nginx:1.25');
    const noRev = await gql('admin', 'mutation { rolloutUndoDeployment(name: "web", toRevision: 7) { metadata { name } } }');
    expect(noRev.errors![0]!.message).toBe('unable to find specified revision 7 in history');
    expect(noRev.errors![0]!.extensions!.code).toBe('BadRequest');
  });

  it('goes through admission as the caller: a ValidatingAdmissionPolicy can refuse a cordon', async () => {
    await rest('POST', '/api/v1/nodes', node('guarded'));
    await rest('POST', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'no-cordon' },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['nodes'] }] },
        validations: [{ expression: "object.metadata.name != 'guarded' || !has(object.spec.unschedulable)", message: 'guarded stays schedulable' }],
      },
    });
    await rest('POST', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'no-cordon-binding' },
      spec: { policyName: 'no-cordon', validationActions: ['Deny'] },
    });
    const refused = await waitForRefusal();
    expect(refused.errors![0]!.message).toBe("nodes \"guarded\" is forbidden: ValidatingAdmissionPolicy 'no-cordon' with binding 'no-cordon-binding' denied request: guarded stays schedulable");
    expect((await rest('GET', '/api/v1/nodes/guarded')).spec.unschedulable).toBeUndefined();
  });

  /** The policy reaches the admission chain through its watch: retry the cordon until it is refused. */
  async function waitForRefusal(): Promise<Answer> {
    for (let i = 0; i < 50; i++) {
      const res = await gql('admin', 'mutation { cordonNode(name: "guarded", dryRun: true) { spec { unschedulable } } }');
      if (res.errors) return gql('admin', 'mutation { cordonNode(name: "guarded") { spec { unschedulable } } }');
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the policy never refused the cordon');
  }

  it('cordons and uncordons a node', async () => {
    await rest('POST', '/api/v1/nodes', node('n1'));
    const c = await gql('admin', 'mutation { cordonNode(name: "n1") { spec { unschedulable } } }');
    expect(c.data!.cordonNode.spec.unschedulable).toBe(true);
    const u = await gql('admin', 'mutation { uncordonNode(name: "n1") { spec { unschedulable } } }');
    expect(u.data!.uncordonNode.spec.unschedulable).toBeNull();
  });

  it("drains with kubectl's checks: refuses unmanaged pods without force, skips DaemonSet pods, evicts the rest", async () => {
    await rest('POST', '/api/v1/nodes', node('n2'));
    const owner = (kind: string, name: string) => ({ metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid: `${name}-uid`, controller: true }] } });
    await rest('POST', '/api/v1/namespaces/default/pods', pod('managed', 'n2', owner('ReplicaSet', 'rs')));
    await rest('POST', '/api/v1/namespaces/default/pods', pod('ds-pod', 'n2', owner('DaemonSet', 'ds')));
    await rest('POST', '/api/v1/namespaces/default/pods', pod('bare', 'n2'));

    const refused = await gql('admin', 'mutation { drainNode(name: "n2") { evicted { name } } }');
    expect(refused.errors![0]!.message).toBe(
      'error when evicting pods from node "n2": cannot delete Pods that declare no controller (use --force to override): default/bare; cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds-pod',
    );
    // Nothing was evicted, but the node is cordoned (kubectl cordons first too).
    expect((await rest('GET', '/api/v1/namespaces/default/pods')).items).toHaveLength(3);
    expect((await rest('GET', '/api/v1/nodes/n2')).spec.unschedulable).toBe(true);

    const drained = await gql('admin', 'mutation { drainNode(name: "n2", ignoreDaemonSets: true, force: true, gracePeriodSeconds: 0) { node { spec { unschedulable } } evicted { namespace name } skipped { name reason } failed { name reason } } }');
    expect(drained.errors).toBeUndefined();
    expect(drained.data!.drainNode.evicted.map((p: { name: string }) => p.name).sort()).toEqual(['bare', 'managed']);
    expect(drained.data!.drainNode.skipped).toEqual([{ name: 'ds-pod', reason: 'DaemonSet-managed' }]);
    expect(drained.data!.drainNode.failed).toEqual([]);
    const left = (await rest('GET', '/api/v1/namespaces/default/pods')).items.map((p: any) => p.metadata.name);
    expect(left).toEqual(['ds-pod']);
  });

  it('drain reports pods a PodDisruptionBudget protects instead of evicting them', async () => {
    await rest('POST', '/api/v1/nodes', node('n3'));
    await rest('POST', '/api/v1/namespaces/default/pods', pod('db-0', 'n3', { metadata: { labels: { app: 'db' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'db-uid', controller: true }] } }));
    // A running pod (a pending one disrupts nothing and is evicted whatever the budget says).
    const live = await rest('GET', '/api/v1/namespaces/default/pods/db-0');
    await rest('PUT', '/api/v1/namespaces/default/pods/db-0/status', { ...live, status: { phase: 'Running' } });
    const pdb = await rest('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } },
    });
    // As the disruption controller would report it: no disruption allowed.
    await rest('PUT', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/db/status', {
      ...pdb,
      status: { observedGeneration: pdb.metadata.generation, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
    });
    const res = await gql('admin', 'mutation { drainNode(name: "n3") { evicted { name } failed { name reason } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.drainNode.evicted).toEqual([]);
    expect(res.data!.drainNode.failed).toEqual([{ name: 'db-0', reason: "Cannot evict pod as it would violate the pod's disruption budget." }]);
    expect((await rest('GET', '/api/v1/namespaces/default/pods/db-0')).metadata.deletionTimestamp).toBeUndefined();
  });
});
