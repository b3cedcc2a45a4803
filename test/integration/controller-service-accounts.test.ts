import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_USERS, componentToken } from '../../apiserver/auth/component-tokens.js';
import { CONTROLLER_SERVICE_ACCOUNTS } from '../../apiserver/auth/rbac/controller-policy.js';
import { startApiserver, type RunningApiserver } from '../../apiserver/main.js';
import { ApiError } from '../../client/api-error.js';
import { createRestClient, withBearerToken, type HttpRestClient } from '../../client/rest-client.js';
import type { ResourceRef } from '../../client/resource.js';
import { controllerRegistry } from '../../controllers/registry.js';
import { serviceAccountCredentials, type ServiceAccountCredentials } from '../../controllers/service-account-credentials.js';
import { rootCaPublisherWith } from '../../controllers/serviceaccount/root-ca-publisher.js';
import { realClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { startControllerManager } from '../../controllers/manager.js';
import { replicaSetController } from '../../controllers/replicaset/replicaset-controller.js';
import { startWebhookServer } from '../helpers/webhook-server.js';
import { waitUntil } from '../helpers/wait.js';

// kube-controller-manager's --use-service-account-credentials against a real apiserver: the
// manager (system:kube-controller-manager) creates each controller's ServiceAccount in
// kube-system and gets its token from the TokenRequest API; the apiserver then sees the
// controller as that account, authorizes it with kube's system:controller:<name> role,
// and priority and fairness files it under kube's FlowSchemas.

const ssr: ResourceRef = { group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews', namespaced: false, kind: 'SelfSubjectReview' };
const ssar: ResourceRef = { group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectaccessreviews', namespaced: false, kind: 'SelfSubjectAccessReview' };
const serviceAccounts: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true, kind: 'ServiceAccount' };
const deployments: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' };
const flowSchemas: ResourceRef = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', plural: 'flowschemas', namespaced: false, kind: 'FlowSchema' };

let dir: string;
let api: RunningApiserver;
let base: HttpRestClient;
let manager: HttpRestClient;
let credentials: ServiceAccountCredentials;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-kcm-sa-'));
  api = await startApiserver({ dataDir: join(dir, 'data'), port: 0, logger });
  base = createRestClient({ server: api.url, caCert: api.caCert, token: api.adminToken });
  manager = withBearerToken(base, componentToken(api.componentKey!, COMPONENT_USERS.controllerManager));
  credentials = serviceAccountCredentials({ root: manager, clock: realClock, logger, retryMs: 200 });
});
afterAll(async () => {
  credentials?.stop();
  base?.close();
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

async function whoami(c: HttpRestClient): Promise<{ username: string; groups: string[] }> {
  const res = (await c.create(ssr, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} })) as unknown as { status: { userInfo: { username: string; groups: string[] } } };
  return res.status.userInfo;
}

async function canI(c: HttpRestClient, verb: string, resource: string, group: string, subresource?: string): Promise<boolean> {
  const spec = { resourceAttributes: { verb, resource, group, namespace: 'default', ...(subresource ? { subresource } : {}) } };
  const res = (await c.create(ssar, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec } as never)) as unknown as { status: { allowed: boolean } };
  return res.status.allowed;
}

/** The FlowSchema UID priority and fairness answers a request of `method path` by `token` with. */
function flowSchemaUid(token: string, method: string, path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, ca: api.caCert, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.headers['x-kubernetes-pf-flowschema-uid'] as string | undefined);
    });
    req.on('error', reject);
    req.end(method === 'GET' ? undefined : '{}');
  });
}

describe('controllers as their own ServiceAccounts', () => {
  it('every controller Kubeling runs names kube ServiceAccounts that have a system:controller role', () => {
    const all = [...controllerRegistry, rootCaPublisherWith({ caPem: '' })];
    for (const d of all) {
      expect(d.serviceAccounts?.length, d.name).toBeGreaterThan(0);
      for (const sa of d.serviceAccounts ?? []) expect(CONTROLLER_SERVICE_ACCOUNTS, `${d.name} → ${sa}`).toContain(sa);
    }
  });

  it('the manager creates the account in kube-system and the apiserver sees the controller as it', async () => {
    const rs = await credentials.clientFor('replicaset-controller');
    const me = await whoami(rs);
    expect(me.username).toBe('system:serviceaccount:kube-system:replicaset-controller');
    expect(me.groups).toEqual(expect.arrayContaining(['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']));
    expect(me.groups).not.toContain('system:masters');
    const sa = await base.get(serviceAccounts, 'replicaset-controller', { namespace: 'kube-system' });
    expect(sa.metadata.uid).toBeTruthy();
    // The token is a TokenRequest JWT of the apiserver's issuer (three dot-separated parts).
    expect(credentials.token('replicaset-controller')?.split('.')).toHaveLength(3);
    // Asking again reuses the account and its token.
    expect(await credentials.clientFor('replicaset-controller')).toBe(rs);
  });

  it.each([
    ['replicaset-controller', 'create', 'pods', '', undefined, true],
    ['replicaset-controller', 'update', 'replicasets', 'apps', 'status', true],
    ['replicaset-controller', 'create', 'deployments', 'apps', undefined, false],
    ['deployment-controller', 'create', 'replicasets', 'apps', undefined, true],
    ['deployment-controller', 'delete', 'pods', '', undefined, false],
    ['endpoint-controller', 'update', 'endpoints', '', undefined, true],
    ['endpointslice-controller', 'create', 'endpointslices', 'discovery.k8s.io', undefined, true],
    ['namespace-controller', 'deletecollection', 'configmaps', '', undefined, true],
    ['generic-garbage-collector', 'delete', 'replicasets', 'apps', undefined, true],
    ['job-controller', 'create', 'pods', '', undefined, true],
    ['cronjob-controller', 'create', 'jobs', 'batch', undefined, true],
    ['daemon-set-controller', 'create', 'controllerrevisions', 'apps', undefined, true],
    ['statefulset-controller', 'create', 'persistentvolumeclaims', '', undefined, true],
    ['node-controller', 'patch', 'nodes', '', 'status', true],
    ['resourcequota-controller', 'update', 'resourcequotas', '', 'status', true],
    ['pv-protection-controller', 'update', 'persistentvolumes', '', undefined, true],
    ['horizontal-pod-autoscaler', 'update', 'deployments', 'apps', 'scale', true],
    ['horizontal-pod-autoscaler', 'list', 'pods', 'metrics.k8s.io', undefined, true],
    ['horizontal-pod-autoscaler', 'update', 'deployments', 'apps', undefined, false],
  ] as const)('%s: can-i %s %s (group "%s", subresource %s) is %s', async (sa, verb, resource, group, sub, allowed) => {
    expect(await canI(await credentials.clientFor(sa), verb, resource, group, sub)).toBe(allowed);
  });

  it('a write its role lacks is 403 with kube-apiserver\'s message', async () => {
    const rs = await credentials.clientFor('replicaset-controller');
    const err = await rs
      .create(deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } } as never, { namespace: 'default' })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(403);
    expect((err as ApiError).message).toBe(
      'deployments.apps is forbidden: User "system:serviceaccount:kube-system:replicaset-controller" cannot create resource "deployments" in API group "apps" in the namespace "default"',
    );
  });

  it('priority and fairness files the accounts and the manager under kube\'s FlowSchemas', async () => {
    const uid = async (name: string) => (await base.get(flowSchemas, name)).metadata.uid;
    await credentials.clientFor('endpoint-controller');
    const token = (sa: string) => credentials.token(sa)!;
    const managerToken = componentToken(api.componentKey!, COMPONENT_USERS.controllerManager);
    expect(await flowSchemaUid(token('replicaset-controller'), 'GET', '/api/v1/namespaces/default/pods')).toBe(await uid('kube-system-service-accounts'));
    expect(await flowSchemaUid(token('endpoint-controller'), 'PUT', '/api/v1/namespaces/default/endpoints/x')).toBe(await uid('endpoint-controller'));
    expect(await flowSchemaUid(managerToken, 'GET', '/api/v1/pods')).toBe(await uid('kube-controller-manager'));
    expect(await flowSchemaUid(api.adminToken, 'GET', '/api/v1/pods')).toBe(await uid('exempt'));
  });

  it('a running controller\'s writes reach admission as its ServiceAccount (the webhook\'s userInfo)', async () => {
    const hook = await startWebhookServer();
    const webhooks: ResourceRef = { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingwebhookconfigurations', namespaced: false, kind: 'ValidatingWebhookConfiguration' };
    const replicaSets: ResourceRef = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
    const cm = await startControllerManager({ client: manager, serviceAccountCredentials: credentials, registry: [replicaSetController], leaderElect: false, logger });
    try {
      await base.create(webhooks, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'record-users' },
        webhooks: [{
          name: 'record.kubeling.test',
          clientConfig: { url: `${hook.url}/record`, caBundle: hook.caBundle },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          failurePolicy: 'Ignore',
        }],
      } as never);
      // No ServiceAccounts controller here: the pods' `default` account is made by hand.
      await base.create(serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } }, { namespace: 'default' }).catch(() => undefined);
      await base.create(replicaSets, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'who', namespace: 'default' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'who' } }, template: { metadata: { labels: { app: 'who' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      } as never, { namespace: 'default' });
      const review = await waitUntil(() => hook.reviews.find((r) => r.request?.operation === 'CREATE' && r.request?.namespace === 'default'), 'the ReplicaSet controller creating a pod', 20_000);
      expect(review.request.userInfo.username).toBe('system:serviceaccount:kube-system:replicaset-controller');
      expect(review.request.userInfo.groups).not.toContain('system:masters');
    } finally {
      await cm.stop();
      await hook.close();
    }
  });
});
