import type { FuzzRequest } from './fuzz-request.js';
import { setAt, type Path } from './payloads.js';
import type { Obj, Target } from './generators.js';

/**
 * Hand-written writes to the seeded objects that kube-apiserver refuses (4xx), each with
 * the reason it does. They run after the random barrage; the collection deletes that
 * would wipe whole kinds run last.
 */
export interface SeededSet {
  pod: Target;
  deployment: Target;
  configMap: Target;
  immutableConfigMap: Target;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const MERGE = { 'content-type': 'application/merge-patch+json' };
const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
const JSON_PATCH = { 'content-type': 'application/json-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+yaml' };

const put = (why: string, t: Target, body: Obj, query = ''): FuzzRequest => ({
  category: `targeted: ${why}`,
  method: 'PUT',
  url: t.path + query,
  headers: JSON_TYPE,
  payload: JSON.stringify(body),
  mustFail: true,
});

const patch = (why: string, t: Target, headers: Record<string, string>, body: unknown, query = ''): FuzzRequest => ({
  category: `targeted: ${why}`,
  method: 'PATCH',
  url: t.path + query,
  headers,
  payload: typeof body === 'string' ? body : JSON.stringify(body),
  mustFail: true,
});

const labelled = (o: Obj): Obj => setAt(o, ['metadata', 'labels'], { ...(o.metadata.labels ?? {}), changed: 'yes' });
const without = (o: Obj, path: Path): Obj => {
  const copy = structuredClone(o);
  let cur = copy;
  for (const p of path.slice(0, -1)) cur = cur[p];
  delete cur[path[path.length - 1]!];
  return copy;
};

export function targetedRequests(s: SeededSet): FuzzRequest[] {
  const { pod, deployment, configMap, immutableConfigMap: cmi } = s;
  const p = pod.object;
  const d = deployment.object;
  const rv = (o: Obj): string => o.metadata.resourceVersion;
  const stale = (o: Obj): string => String(Number(rv(o)) - 1);
  const unchangedRv = (o: Obj): Obj => without(o, ['metadata', 'resourceVersion']);

  const requests: FuzzRequest[] = [
    // Creates of what exists: 409 AlreadyExists.
    { category: 'targeted: create existing pod', method: 'POST', url: pod.collection, headers: JSON_TYPE, payload: JSON.stringify(unchangedRv(p)), mustFail: true },
    { category: 'targeted: create existing configmap', method: 'POST', url: configMap.collection, headers: JSON_TYPE, payload: JSON.stringify(unchangedRv(configMap.object)), mustFail: true },
    // POST to a named object: 405.
    { category: 'targeted: POST on a named pod', method: 'POST', url: pod.path, headers: JSON_TYPE, payload: JSON.stringify(p), mustFail: true },
    // Pod spec is immutable but for a few fields: 422.
    put('pod container renamed', pod, setAt(unchangedRv(p), ['spec', 'containers', 0, 'name'], 'renamed')),
    put('pod container port added', pod, setAt(unchangedRv(p), ['spec', 'containers', 0, 'ports'], [{ containerPort: 1234 }])),
    // Name / namespace / type meta disagreeing with the URL: 400.
    put('body name differs from URL', pod, labelled(setAt(p, ['metadata', 'name'], 'other-name'))),
    put('body namespace differs from URL', pod, labelled(setAt(p, ['metadata', 'namespace'], 'default'))),
    put('kind Service on a pod', pod, labelled({ ...p, kind: 'Service' })),
    put('apiVersion apps/v1 on a pod', pod, labelled({ ...p, apiVersion: 'apps/v1' })),
    // kube-apiserver's checkName: an update whose object has no name is "the name of the
    // object () does not match the name on the URL" (400).
    put('PUT body without metadata.name', pod, labelled(without(unchangedRv(p), ['metadata', 'name']))),
    // A different UID is a failed precondition (409).
    put('PUT with a different uid', pod, labelled(setAt(unchangedRv(p), ['metadata', 'uid'], '00000000-0000-0000-0000-000000000000'))),
    put('PUT with a stale resourceVersion', pod, labelled(setAt(p, ['metadata', 'resourceVersion'], stale(p)))),
    put('PUT with unknown field under Strict', pod, labelled({ ...p, bogusTopLevel: 1 }), '?fieldValidation=Strict'),
    put('PUT with dryRun=Some', pod, labelled(p), '?dryRun=Some'),
    put('PUT status with a number phase', { ...pod, path: `${pod.path}/status` }, setAt(p, ['status', 'phase'], 42)),
    // Patches: name changes and removals are 400 (checkName), UID changes 422 (immutable).
    patch('merge patch renames', pod, MERGE, { metadata: { name: 'other-name' } }),
    patch('merge patch removes metadata.name', pod, MERGE, { metadata: { name: null, labels: { changed: 'yes' } } }),
    patch('merge patch nulls metadata', pod, MERGE, { metadata: null }),
    patch('json patch removes metadata.name', pod, JSON_PATCH, [
      { op: 'remove', path: '/metadata/name' },
      { op: 'add', path: '/metadata/labels/changed', value: 'yes' },
    ]),
    patch('merge patch changes uid', pod, MERGE, { metadata: { uid: '00000000-0000-0000-0000-000000000000', labels: { changed: 'yes' } } }),
    patch('strategic $patch delete at the root', pod, SMP, { $patch: 'delete' }),
    patch('strategic $patch delete of metadata', pod, SMP, { metadata: { $patch: 'delete' } }),
    patch('strategic $patch replace of the root with a stub', pod, SMP, { $patch: 'replace', metadata: { labels: { changed: 'yes' } } }),
    patch('json patch with a failing test', pod, JSON_PATCH, [
      { op: 'test', path: '/metadata/name', value: 'wrong' },
      { op: 'add', path: '/metadata/labels/changed', value: 'yes' },
    ]),
    patch('json patch replaces resourceVersion with a stale one', pod, JSON_PATCH, [
      { op: 'replace', path: '/metadata/resourceVersion', value: stale(p) },
      { op: 'add', path: '/metadata/labels/changed', value: 'yes' },
    ]),
    patch('json patch path into a missing parent', pod, JSON_PATCH, [{ op: 'add', path: '/metadata/nothere/deeper', value: 'x' }]),
    patch('merge patch under Strict with an unknown field', pod, MERGE, { bogusTopLevel: 1, metadata: { labels: { changed: 'yes' } } }, '?fieldValidation=Strict'),
    patch('apply with another kind', pod, APPLY, `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${p.metadata.name}\n  labels: {changed: "yes"}\n`, '?fieldManager=fuzz&force=true'),
    patch('apply with another name', pod, APPLY, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: other-name\n  labels: {changed: "yes"}\n`, '?fieldManager=fuzz&force=true'),
    patch('apply without fieldManager', pod, APPLY, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${p.metadata.name}\n  labels: {changed: "yes"}\n`),
    // Server-side apply ownership: another manager's field changed without force is a 409
    // conflict; managedFields in an apply body and duplicate list keys are 400.
    patch('apply changing the creator\'s configmap key', configMap, APPLY, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${configMap.object.metadata.name}\ndata:\n  key: rival\n`, '?fieldManager=fuzz-rival'),
    patch('apply changing the creator\'s replicas', deployment, APPLY, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.metadata.name }, spec: { replicas: 9 } }, '?fieldManager=fuzz-rival&force=false'),
    patch('apply with managedFields in the body', configMap, APPLY, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configMap.object.metadata.name, managedFields: [{}] }, data: { extra: 'x' } }, '?fieldManager=fuzz&force=true'),
    patch('apply with duplicate container names', deployment, APPLY, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.metadata.name }, spec: { template: { spec: { containers: [{ name: 'c', image: 'a' }, { name: 'c', image: 'b' }] } } } }, '?fieldManager=fuzz&force=true'),
    patch('patch with text/plain', pod, { 'content-type': 'text/plain' }, { metadata: { labels: { changed: 'yes' } } }),
    patch('patch with no content type', pod, {}, { metadata: { labels: { changed: 'yes' } } }),
    // Deletes with failing preconditions (409) or bad options.
    { category: 'targeted: delete with stale resourceVersion precondition', method: 'DELETE', url: pod.path, headers: JSON_TYPE, payload: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: stale(p) } }), mustFail: true },
    { category: 'targeted: delete with wrong uid precondition', method: 'DELETE', url: deployment.path, headers: JSON_TYPE, payload: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } }), mustFail: true },
    { category: 'targeted: delete with a non-DeleteOptions body', method: 'DELETE', url: configMap.path, headers: JSON_TYPE, payload: JSON.stringify({ kind: 'Pod', apiVersion: 'v1' }), mustFail: true },
    { category: 'targeted: delete with an array body', method: 'DELETE', url: configMap.path, headers: JSON_TYPE, payload: '[]', mustFail: true },
    { category: 'targeted: delete with gracePeriodSeconds in the body as a string', method: 'DELETE', url: pod.path, headers: JSON_TYPE, payload: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 'abc' }), mustFail: true },
    // Deployments: the selector is immutable, replicas non-negative, template must match.
    put('deployment selector changed', deployment, setAt(unchangedRv(d), ['spec', 'selector'], { matchLabels: { app: 'other' } })),
    put('deployment replicas -1', deployment, setAt(unchangedRv(d), ['spec', 'replicas'], -1)),
    patch('deployment template labels no longer match', deployment, MERGE, { spec: { template: { metadata: { labels: { app: 'other' } } } } }),
    patch('deployment replicas as a string', deployment, MERGE, { spec: { replicas: 'three' } }),
    put('scale replicas not a number', { ...deployment, path: `${deployment.path}/scale` }, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: d.metadata.name, namespace: d.metadata.namespace }, spec: { replicas: 'abc' } }),
    put('scale replicas negative', { ...deployment, path: `${deployment.path}/scale` }, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: d.metadata.name, namespace: d.metadata.namespace }, spec: { replicas: -1 } }),
    put('scale with a stale resourceVersion', { ...deployment, path: `${deployment.path}/scale` }, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: d.metadata.name, namespace: d.metadata.namespace, resourceVersion: stale(d) }, spec: { replicas: 7 } }),
    // ConfigMaps: values are strings, keys are validated, binaryData is base64, immutable is immutable.
    put('configmap data value a number', configMap, setAt(unchangedRv(configMap.object), ['data', 'key'], 5)),
    put('configmap invalid key', configMap, setAt(unchangedRv(configMap.object), ['data'], { 'bad key!': 'v' })),
    put('configmap binaryData not base64', configMap, setAt(unchangedRv(configMap.object), ['binaryData'], { bin: '!!!not base64!!!' })),
    put('immutable configmap data changed', cmi, setAt(unchangedRv(cmi.object), ['data', 'key'], 'changed')),
    patch('immutable configmap data patched', cmi, MERGE, { data: { key: 'changed' } }),
    patch('immutable configmap made mutable', cmi, MERGE, { immutable: false }),
    // Collection deletes kube-apiserver does not serve (namespaced kinds delete a
    // collection only within a namespace): 405. Last, since they would wipe the seeds.
    { category: 'targeted: cluster-wide deletecollection of deployments', method: 'DELETE', url: '/apis/apps/v1/deployments', mustFail: true },
    { category: 'targeted: cluster-wide deletecollection of pods', method: 'DELETE', url: '/api/v1/pods', mustFail: true },
    // Impersonation and reviews (the app under fuzz authenticates everyone as the admin,
    // who may impersonate): writes as someone without rights are 403; malformed headers 400;
    // reviews that ask nothing or two things are 422; GET on a review is 405.
    { category: 'targeted: impersonated user deletes a pod', method: 'DELETE', url: pod.path, headers: { 'impersonate-user': 'mallory' }, mustFail: true },
    { category: 'targeted: impersonated group patches a deployment', method: 'PATCH', url: deployment.path, headers: { 'content-type': 'application/merge-patch+json', 'impersonate-user': 'mallory', 'impersonate-group': 'system:authenticated' }, payload: '{"spec":{"replicas":9}}', mustFail: true },
    { category: 'targeted: impersonate-group without a user', method: 'DELETE', url: configMap.path, headers: { 'impersonate-group': 'system:masters' }, mustFail: true },
    { category: 'targeted: two impersonated users', method: 'DELETE', url: configMap.path, headers: { 'impersonate-user': 'a,b' }, mustFail: true },
    { category: 'targeted: access review asking nothing', method: 'POST', url: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', headers: JSON_TYPE, payload: '{"spec":{}}', mustFail: true },
    { category: 'targeted: access review of a non-object', method: 'POST', url: '/apis/authorization.k8s.io/v1/subjectaccessreviews', headers: JSON_TYPE, payload: '"can-i"', mustFail: true },
    { category: 'targeted: subject access review without a subject', method: 'POST', url: '/apis/authorization.k8s.io/v1/subjectaccessreviews', headers: JSON_TYPE, payload: '{"spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}', mustFail: true },
    { category: 'targeted: GET a review', method: 'GET', url: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', mustFail: true },
  ];
  return requests;
}
