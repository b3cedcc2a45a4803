import type { FuzzRequest } from './fuzz-request.js';
import type { Prng } from './prng.js';
import {
  allPaths,
  deepJson,
  getAt,
  jsonType,
  otherTypeValue,
  RAW,
  RAW_TOKENS,
  randomJson,
  setAt,
  truncate,
  WEIRD_STRINGS,
  withRaw,
  yamlNasty,
  type Json,
  type Path,
} from './payloads.js';
import { realisticPod } from '../bench/realistic-pod.js';

/**
 * The random request generators. Each is a function of the PRNG and the targets, so a
 * seed reproduces the whole sequence.
 *
 * Safety rule for the seeded objects: a request that can reach one is either refused by
 * construction (mustFail: a stale resourceVersion, a failing json-patch `test`, a bad
 * query parameter, a body that cannot decode) or cannot change it. Random writes that may
 * succeed go to the fuzz namespace and the scratch objects only.
 */

export type Obj = Record<string, any>;

export interface Target {
  kind: string;
  /** e.g. /api/v1/namespaces/seeded/pods/seed-pod */
  path: string;
  /** The collection path it was created through. */
  collection: string;
  object: Obj;
}

export interface FuzzTargets {
  /** Objects that must come out unchanged. */
  seeded: Target[];
  /** Objects random patches may change. */
  scratch: Target[];
  /** Where random creates go. */
  fuzzNamespace: string;
}

type Generator = (rng: Prng, t: FuzzTargets, i: number) => FuzzRequest;

const JSON_TYPE = 'application/json';
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const CONTENT_TYPES = [
  JSON_TYPE,
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/octet-stream',
  'text/plain',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
  '',
  ...PATCH_TYPES,
];

const collections = (t: FuzzTargets): string[] => [
  `/api/v1/namespaces/${t.fuzzNamespace}/pods`,
  `/api/v1/namespaces/${t.fuzzNamespace}/configmaps`,
  `/apis/apps/v1/namespaces/${t.fuzzNamespace}/deployments`,
];

/** A valid object of each kind for the fuzz namespace. */
export function validObject(kind: string, name: string, namespace: string): Obj {
  switch (kind) {
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: { app: name } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
        },
      };
    case 'ConfigMap':
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { 'app.conf': 'x=1\ny=2\n', key: 'value' } };
    default:
      return realisticPod(name, namespace);
  }
}

function collectionFor(t: FuzzTargets, kind: string): string {
  if (kind === 'Deployment') return `/apis/apps/v1/namespaces/${t.fuzzNamespace}/deployments`;
  if (kind === 'ConfigMap') return `/api/v1/namespaces/${t.fuzzNamespace}/configmaps`;
  return `/api/v1/namespaces/${t.fuzzNamespace}/pods`;
}

const json = (category: string, method: string, url: string, body: unknown, extra: Partial<FuzzRequest> = {}): FuzzRequest => ({
  category,
  method,
  url,
  headers: { 'content-type': JSON_TYPE },
  payload: JSON.stringify(body),
  ...extra,
});

const randomKind = (rng: Prng): string => rng.pick(['Pod', 'Pod', 'Pod', 'Deployment', 'ConfigMap']);

/** A resourceVersion that cannot match the live object's (never "0" or "": those mean unconditional). */
function staleRv(rng: Prng, live: string): string {
  const n = Number(live);
  return rng.pick(['1', String(n - 1), String(n + 1_000_000), 'abc', '-1', ' 5', '1e3', '0x10', '99999999999999999999999', '\u0000', 'ü']);
}

// ---------------------------------------------------------------- generators

const randomBytes: Generator = (rng, t) => {
  const toSeeded = rng.bool(0.3);
  const target = rng.pick(t.seeded);
  const method = toSeeded ? rng.pick(['PUT', 'PATCH']) : 'POST';
  const url = toSeeded ? target.path : rng.pick(collections(t));
  const n = rng.pick([0, 1, 2, 16, 1000, 65_536]);
  return { category: 'random-bytes', method, url, headers: { 'content-type': rng.pick(CONTENT_TYPES) }, payload: rng.bytes(n), mustFail: toSeeded };
};

const truncatedJson: Generator = (rng, t, i) => {
  const toSeeded = rng.bool(0.3);
  const target = rng.pick(t.seeded);
  const kind = toSeeded ? target.kind : randomKind(rng);
  const body = toSeeded ? target.object : validObject(kind, `trunc-${i}`, t.fuzzNamespace);
  const text = JSON.stringify(body);
  const method = toSeeded ? rng.pick(['PUT', 'PATCH']) : 'POST';
  const type = method === 'PATCH' ? rng.pick(PATCH_TYPES.slice(1, 3)) : rng.pick([JSON_TYPE, 'application/yaml']);
  return { category: 'truncated-json', method, url: toSeeded ? target.path : collectionFor(t, kind), headers: { 'content-type': type }, payload: truncate(rng, text), mustFail: toSeeded };
};

const deepNesting: Generator = (rng, t, i) => {
  const depth = rng.pick([1000, 10_000, 10_000, 100_000]);
  const shape = rng.pick(['array', 'object', 'mixed'] as const);
  const deep = deepJson(depth, shape);
  const where = rng.int(0, 7);
  const name = `deep-${i}`;
  const pod = realisticPod(name, t.fuzzNamespace) as Obj;
  const podsUrl = `/api/v1/namespaces/${t.fuzzNamespace}/pods`;
  const seededPod = t.seeded.find((s) => s.kind === 'Pod')!;
  const place = (obj: Obj, path: Path): string => withRaw(JSON.stringify(setAt(obj, path, RAW(0))), [deep]);
  switch (where) {
    case 0:
      return { category: 'deep-nesting', method: 'POST', url: podsUrl, headers: { 'content-type': JSON_TYPE }, payload: deep };
    case 1:
      return { category: 'deep-nesting', method: 'POST', url: podsUrl, headers: { 'content-type': JSON_TYPE }, payload: place(pod, ['metadata', 'annotations', 'deep']) };
    case 2: {
      // An opaque volume source (kept as written): the deep value may be stored and served.
      const withVolume = setAt(pod, ['spec', 'volumes'], [...(pod.spec.volumes as Obj[]), { name: 'v', cephfs: RAW(0) }]);
      return { category: 'deep-nesting', method: 'POST', url: podsUrl, headers: { 'content-type': JSON_TYPE }, payload: withRaw(JSON.stringify(withVolume), [deep]) };
    }
    case 3:
      return { category: 'deep-nesting', method: 'POST', url: `${podsUrl}?fieldValidation=Strict`, headers: { 'content-type': JSON_TYPE }, payload: place(pod, ['spec', 'unknownDeep']), mustFail: true };
    case 4: {
      const scratch = rng.pick(t.scratch);
      const type = rng.pick(PATCH_TYPES.slice(1, 3));
      return { category: 'deep-nesting', method: 'PATCH', url: scratch.path, headers: { 'content-type': type }, payload: `{"metadata":{"annotations":{"x":"y"}},"spec":${deep}}` };
    }
    case 5: {
      const scratch = rng.pick(t.scratch);
      return { category: 'deep-nesting', method: 'PATCH', url: scratch.path, headers: { 'content-type': 'application/json-patch+json' }, payload: `[{"op":"add","path":"/metadata/annotations","value":${deep}}]` };
    }
    case 6:
      // A stale resourceVersion keeps the seeded pod safe whatever the deep part does.
      return { category: 'deep-nesting', method: 'PATCH', url: seededPod.path, headers: { 'content-type': rng.pick(PATCH_TYPES.slice(1, 3)) }, payload: `{"metadata":{"resourceVersion":"1","labels":{"x":"y"}},"spec":${deep}}`, mustFail: true };
    default:
      return { category: 'deep-nesting', method: 'PATCH', url: rng.pick(t.scratch).path, headers: { 'content-type': 'application/apply-patch+yaml' }, payload: `apiVersion: v1\nkind: Pod\nspec: ${deepJson(depth, shape, 'x')}\n` };
  }
};

const hugeStrings: Generator = (rng, t, i) => {
  const size = rng.pick([300_000, 1_000_000, 2_500_000]);
  const big = rng.chars(8, 'abc').repeat(size / 8);
  const kind = randomKind(rng);
  const obj = validObject(kind, `huge-${i}`, t.fuzzNamespace);
  const where: Path = rng.pick([
    ['metadata', 'name'],
    ['metadata', 'labels', 'big'],
    ['metadata', 'annotations', 'big'],
    ['metadata', 'generateName'],
    ['metadata', 'labels', big.slice(0, 100_000)],
  ]);
  const body = where[0] === 'metadata' && where[1] === 'generateName' ? setAt(setAt(obj, ['metadata', 'name'], undefined), where, big) : setAt(obj, where, big);
  return json('huge-strings', 'POST', collectionFor(t, kind), body);
};

const fieldTypeMutation: Generator = (rng, t, i) => {
  const kind = randomKind(rng);
  const obj = validObject(kind, `mut-${i}`, t.fuzzNamespace);
  const paths = allPaths(obj);
  const path = rng.pick(paths);
  const original = getAt(obj, path);
  const value = rng.bool(0.85) ? otherTypeValue(rng, original) : randomJson(rng);
  if (rng.bool(0.1)) {
    // Raw JSON tokens JSON.stringify cannot write (NaN, 1e999, lone surrogates …).
    const text = withRaw(JSON.stringify(setAt(obj, path, RAW(0))), [rng.pick(RAW_TOKENS)]);
    return { category: 'field-type', method: 'POST', url: collectionFor(t, kind), headers: { 'content-type': JSON_TYPE }, payload: text };
  }
  return json('field-type', 'POST', collectionFor(t, kind), setAt(obj, path, value));
};

const seededMutationStale: Generator = (rng, t) => {
  const target = rng.pick(t.seeded);
  // Never the whole metadata: the stale resourceVersion inside it is the guard.
  const paths = allPaths(target.object).filter((p) => !(p.length === 1 && p[0] === 'metadata') && !(p[0] === 'metadata' && p[1] === 'resourceVersion'));
  const path = rng.pick(paths);
  let body = setAt(target.object, path, otherTypeValue(rng, getAt(target.object, path)));
  body = setAt(body, ['metadata', 'resourceVersion'], staleRv(rng, target.object.metadata.resourceVersion));
  return json('field-type-seeded-stale-rv', 'PUT', target.path, body, { mustFail: true });
};

const typeMeta: Generator = (rng, t, i) => {
  const kind = randomKind(rng);
  const obj = validObject(kind, `tm-${i}`, t.fuzzNamespace);
  const apiVersion = rng.pick<Json | undefined>([undefined, null, '', 'v2', 'v1beta1', 'apps/v1', 'v1', 'apps/v2', 'extensions/v1beta1', '/v1', 'v1/', 1, [], {}, 'V1', ' v1']);
  const k = rng.pick<Json | undefined>([undefined, null, '', 'Pod', 'Deployment', 'ConfigMap', 'Service', 'pod', 'Pods', 'Status', 'List', 'PodList', 'DeleteOptions', 2, {}, 'Pod ']);
  const body = { ...obj, apiVersion, kind: k };
  const method = rng.pick(['POST', 'POST', 'PUT']);
  const url = method === 'PUT' ? `${collectionFor(t, kind)}/tm-${i}` : collectionFor(t, kind);
  return json('type-meta', method, url, body);
};

const INVALID_NAMES = ['Bad_Name', '-lead', 'trail-', 'a'.repeat(254), '.', '..', 'a..b', 'ü', 'a b', 'a/b', '%', 'a%2Fb', 'a\u0000', 'UPPER', 'a_b', '😀', ' lead', 'a:b', '*'];
const INVALID_LABEL_KEYS = ['bad key', '/x', 'a/', 'UPPER.com/x', 'a'.repeat(64), 'a/b/c', '-x', 'x-', '', 'example.com/' + 'a'.repeat(64), 'ü'];
const INVALID_LABEL_VALUES = ['a'.repeat(64), '-x', 'x-', 'a b', 'ü', 'a/b', '_x'];

const invalidNamesLabels: Generator = (rng, t) => {
  const kind = randomKind(rng);
  const roll = rng.int(0, 3);
  let obj: Obj;
  if (roll === 0) obj = validObject(kind, rng.pick(INVALID_NAMES), t.fuzzNamespace);
  else if (roll === 1) {
    obj = validObject(kind, `lbl-${rng.int(0, 1e9)}`, t.fuzzNamespace);
    obj = setAt(obj, ['metadata', 'labels'], { [rng.pick(INVALID_LABEL_KEYS)]: 'ok' });
  } else if (roll === 2) {
    obj = validObject(kind, `lbl-${rng.int(0, 1e9)}`, t.fuzzNamespace);
    obj = setAt(obj, ['metadata', 'labels'], { ok: rng.pick(INVALID_LABEL_VALUES) });
  } else {
    obj = validObject(kind, '', t.fuzzNamespace);
    obj = setAt(obj, ['metadata', 'generateName'], rng.pick(['Bad_', '-', 'a'.repeat(300), 'ü-', 'a/b-']));
    delete obj.metadata.name;
  }
  return json('invalid-names-labels', 'POST', collectionFor(t, kind), obj, { mustFail: true });
};

const strictUnknown: Generator = (rng, t, i) => {
  const kind = randomKind(rng);
  const obj = validObject(kind, `strict-${i}`, t.fuzzNamespace);
  // An unknown field inside some object of the body.
  const objects = [[], ...allPaths(obj)].filter((p) => {
    const v = getAt(obj, p);
    return jsonType(v) === 'object' && !(p[p.length - 1] === 'labels' || p[p.length - 1] === 'annotations' || p[p.length - 1] === 'data' || p[p.length - 1] === 'nodeSelector' || p[p.length - 1] === 'matchLabels' || p[p.length - 1] === 'requests' || p[p.length - 1] === 'limits');
  });
  const at = rng.pick(objects);
  const field = rng.pick(['bogus', 'Name', 'metadata2', 'x-y', 'ü', '$patch', 'spec ']);
  const body = setAt(obj, [...at, field], randomJson(rng));
  const toSeeded = rng.bool(0.25);
  if (toSeeded) {
    const target = rng.pick(t.seeded);
    const changed = setAt(setAt(target.object, ['metadata', 'labels'], { changed: 'yes' }), ['bogusField'], 1);
    return json('strict-unknown-seeded', 'PUT', `${target.path}?fieldValidation=Strict`, changed, { mustFail: true });
  }
  return json('strict-unknown', 'POST', `${collectionFor(t, kind)}?fieldValidation=Strict`, body, { mustFail: true });
};

const oversize: Generator = (rng, t, i) => {
  const target = rng.pick(t.seeded);
  const big = 'x'.repeat(3 * 1024 * 1024 + rng.int(1, 4096));
  const kind = randomKind(rng);
  const roll = rng.int(0, 2);
  if (roll === 0) return json('oversize', 'POST', collectionFor(t, kind), setAt(validObject(kind, `big-${i}`, t.fuzzNamespace), ['metadata', 'annotations', 'big'], big), { mustFail: true });
  if (roll === 1) return json('oversize', 'PUT', target.path, setAt(target.object, ['metadata', 'annotations'], { big }), { mustFail: true });
  return { category: 'oversize', method: 'PATCH', url: target.path, headers: { 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ metadata: { annotations: { big } } }), mustFail: true };
};

const PATH_SEGMENTS = [
  'api', 'apis', 'v1', 'v2', 'apps', 'namespaces', 'default', 'fuzz', 'kube-system', 'pods', 'configmaps', 'deployments', 'services',
  'nodes', 'status', 'scale', 'log', 'binding', 'eviction', 'finalize', 'exec', 'proxy', 'watch', '..', '.', '%00', '%2e%2e', '%2F', 'a%2Fb',
  '%C3%BC', '%F0%9F%98%80', '%E0%A4%A', '%zz', '%', '', '*', '~', ';', ',', 'a'.repeat(300), 'a'.repeat(3000), 'ü', 'x y', 'Pod', 'PODS',
  'storage.k8s.io', 'coordination.k8s.io', 'leases', 'version', 'healthz',
];
const METHODS = ['GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH'];

const randomName = (rng: Prng): string => `zz-${rng.chars(rng.int(1, 10), 'abcdefghijklmnopqrstuvwxyz0123456789')}`;

const randomPath: Generator = (rng, t) => {
  const method = rng.pick(METHODS);
  const prefix = rng.pick(['/api', '/apis', '/api/v1', '/apis/apps/v1', '', '/api/v1/namespaces/fuzz', '//api', '/api/v1/namespaces/default']);
  const segments = Array.from({ length: rng.int(0, 5) }, () => rng.pick(PATH_SEGMENTS));
  // A DELETE always names a random object, never a collection or anything seeded.
  if (method === 'DELETE') segments.push(randomName(rng));
  let url = `${prefix}/${segments.join('/')}`;
  if (!url.startsWith('/')) url = `/${url}`;
  // healthz and friends answer text/plain, as Kubernetes does: not this test's subject.
  if (/^\/+(healthz|livez|readyz)/.test(url)) url = `/api${url}`;
  if (rng.bool(0.2)) url += `?${rng.pick(['a=b', '%zz', '&&&', '=', 'limit=%00', 'x'.repeat(5000) + '=1', 'labelSelector=ü'])}`;
  const bodyRoll = rng.int(0, 3);
  const req: FuzzRequest = { category: 'random-path', method, url };
  if (method !== 'GET' && method !== 'HEAD' && bodyRoll > 0) {
    req.headers = { 'content-type': rng.pick(CONTENT_TYPES) };
    req.payload = bodyRoll === 1 ? rng.bytes(rng.int(1, 200)) : JSON.stringify(bodyRoll === 2 ? validObject(randomKind(rng), randomName(rng), t.fuzzNamespace) : randomJson(rng));
  }
  return req;
};

const BAD_QUERY = [
  'limit=-1', 'limit=abc', 'limit=1.5', 'limit=99999999999999999999', 'limit=', 'resourceVersion=abc', 'resourceVersion=-1',
  'resourceVersion=1&resourceVersionMatch=Bogus', 'resourceVersionMatch=Exact', 'resourceVersion=abc&resourceVersionMatch=NotOlderThan',
  'continue=garbage', `continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":1,"start":"/registry/secrets/"}').toString('base64url')}`,
  `continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":99999999,"start":"/registry/pods/fuzz/"}').toString('base64url')}`,
  'continue=%00', 'continue=x&resourceVersion=5', 'labelSelector=(((', 'labelSelector=a%20in%20(', 'labelSelector=!!', 'labelSelector=a=b=c',
  'labelSelector=' + 'a'.repeat(10_000), 'labelSelector=a%20notin%20(b', 'labelSelector=ü=ü', 'fieldSelector=a==b==c', 'fieldSelector=spec.bogus=1',
  'fieldSelector=metadata.name=x,,', 'fieldSelector=metadata.name', 'fieldSelector=metadata.name!!=x',
  // No `watch=maybe` / `watch=`: kube reads any boolean but 0/false (any case) as true, so
  // those are valid watch requests (a stream, not an error); bad-query-watch covers watches.
  'timeoutSeconds=x',
  'timeoutSeconds=-5', 'gracePeriodSeconds=abc', 'dryRun=Some', 'dryRun=', 'fieldValidation=Bogus', 'pretty=maybe', 'includeObject=Bogus',
  'propagationPolicy=Bogus', 'orphanDependents=maybe', 'allowWatchBookmarks=maybe', 'sendInitialEvents=maybe', 'fieldManager=' + 'm'.repeat(200),
  'force=maybe', 'limit=%00', 'resourceVersion=%00', 'labelSelector', 'limit=1&limit=2', 'limit=0x10', 'limit=1e3',
];
const ACCEPT = [
  undefined, 'application/json', '*/*', 'application/vnd.kubernetes.protobuf', 'text/html', 'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v9;g=meta.k8s.io', 'application/json;as=Bogus;v=v1;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1beta1;g=meta.k8s.io', 'application/yaml', ';;;', 'application/json;q=abc',
];
/** Bad parameters every mutating request must be refused for. */
const WRITE_REFUSERS = ['dryRun=Some', 'fieldValidation=Bogus', 'dryRun=All&dryRun=Bogus'];
const DELETE_REFUSERS = ['gracePeriodSeconds=abc', 'gracePeriodSeconds=1.5', 'dryRun=Some', 'propagationPolicy=Bogus', 'propagationPolicy=Orphan&orphanDependents=false'];

const badQuery: Generator = (rng, t) => {
  const seeded = rng.pick(t.seeded);
  const roll = rng.int(0, 9);
  const q = Array.from({ length: rng.int(1, 3) }, () => rng.pick(BAD_QUERY)).join('&');
  const accept = rng.pick(ACCEPT);
  const headers: Record<string, string> = accept ? { accept } : {};
  if (roll <= 4) {
    const list = rng.pick([seeded.collection, '/api/v1/pods', '/apis/apps/v1/deployments', '/api/v1/namespaces', ...collections(t)]);
    return { category: 'bad-query', method: 'GET', url: `${list}?${q}`, headers };
  }
  if (roll === 5) return { category: 'bad-query', method: 'GET', url: `${seeded.path}?${q}`, headers };
  if (roll === 6) {
    // Watches only with a parameter that must be refused, and bounded by timeoutSeconds=1
    // (listed last: the first value of a repeated parameter is the one read).
    const bad = rng.pick(['labelSelector=(((', 'fieldSelector=a==b==c', 'resourceVersion=abc', 'timeoutSeconds=x', 'includeObject=Bogus']);
    return { category: 'bad-query-watch', method: 'GET', url: `${rng.pick([seeded.collection, '/api/v1/pods'])}?watch=true&${bad}&timeoutSeconds=1`, headers };
  }
  if (roll === 7) return { category: 'bad-query-delete', method: 'DELETE', url: `${seeded.path}?${rng.pick(DELETE_REFUSERS)}`, mustFail: true };
  if (roll === 8) {
    const changed = setAt(seeded.object, ['metadata', 'labels'], { changed: 'yes' });
    return json('bad-query-write', 'PUT', `${seeded.path}?${rng.pick(WRITE_REFUSERS)}`, changed, { mustFail: true });
  }
  return {
    category: 'bad-query-write',
    method: 'PATCH',
    url: `${seeded.path}?${rng.pick(WRITE_REFUSERS)}`,
    headers: { 'content-type': 'application/merge-patch+json' },
    payload: JSON.stringify({ metadata: { labels: { changed: 'yes' } } }),
    mustFail: true,
  };
};

const staleResourceVersion: Generator = (rng, t) => {
  const target = rng.pick(t.seeded);
  const rv = staleRv(rng, target.object.metadata.resourceVersion);
  const roll = rng.int(0, 4);
  if (roll === 0) return json('stale-rv', 'PUT', target.path, setAt(setAt(target.object, ['metadata', 'resourceVersion'], rv), ['metadata', 'labels'], { changed: 'yes' }), { mustFail: true });
  // A resourceVersion of the wrong JSON type cannot decode (null would mean "unset": allowed).
  if (roll === 1) return json('stale-rv', 'PUT', target.path, setAt(target.object, ['metadata', 'resourceVersion'], rng.pick<Json>([5, true, {}, [], 1.5, ['1']])), { mustFail: true });
  const patchType = rng.pick(PATCH_TYPES);
  let payload: string;
  if (patchType === 'application/json-patch+json') {
    payload = JSON.stringify([
      { op: 'replace', path: '/metadata/resourceVersion', value: rv },
      { op: 'add', path: '/metadata/labels/changed', value: 'yes' },
    ]);
  } else if (patchType === 'application/apply-patch+yaml') {
    payload = `apiVersion: ${target.object.apiVersion}\nkind: ${target.object.kind}\nmetadata:\n  name: ${target.object.metadata.name}\n  resourceVersion: "${rv.replace(/[\\"]/g, '')}"\n  labels:\n    changed: "yes"\n`;
  } else {
    payload = JSON.stringify({ metadata: { resourceVersion: rv, labels: { changed: 'yes' } } });
  }
  const url = patchType === 'application/apply-patch+yaml' ? `${target.path}?fieldManager=fuzz&force=true` : target.path;
  return { category: 'stale-rv', method: 'PATCH', url, headers: { 'content-type': patchType }, payload, mustFail: true };
};

const JSON_PATCH_OPS: Json[] = ['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', '', 'ADD', 1, null];
const JSON_PATCH_PATHS: Json[] = [
  '', '/', '/metadata', '/metadata/name', '/metadata/labels', '/metadata/labels/a~1b', '/metadata/labels/~2', '/metadata/annotations/x',
  '/spec', '/spec/containers', '/spec/containers/-', '/spec/containers/999', '/spec/containers/01', '/spec/containers/-1', '/spec/containers/0/image',
  '/spec/containers/0', '/data', '/data/key', '/spec/replicas', '/status', '/a/b/c', 'no-slash', '/~', '/__proto__/polluted', '/constructor/prototype/x',
  '/spec/containers/9999999999999999999', 1, null, [], {},
];

function randomJsonPatch(rng: Prng): Json {
  if (rng.bool(0.1)) return randomJson(rng);
  return Array.from({ length: rng.int(0, 4) }, () => {
    const op: Record<string, Json> = {};
    if (rng.bool(0.95)) op.op = rng.pick(JSON_PATCH_OPS);
    if (rng.bool(0.9)) op.path = rng.pick(JSON_PATCH_PATHS);
    if (rng.bool(0.7)) op.value = randomJson(rng);
    if (rng.bool(0.3)) op.from = rng.pick(JSON_PATCH_PATHS);
    return op;
  });
}

const SMP_DIRECTIVES: Json[] = [
  { $patch: 'bogus' },
  { $patch: 'delete' },
  { $patch: 'replace' },
  { $patch: 5 },
  { spec: { $patch: 'bogus' } },
  { spec: { containers: [{ $patch: 'delete' }] } },
  { spec: { containers: [{ name: 'web', $patch: 'bogus' }] } },
  { spec: { containers: [{ $patch: 'replace' }] } },
  { spec: { containers: { $patch: 'delete' } } },
  { spec: { 'containers': [{ name: 5 }] } },
  { 'spec': { '$setElementOrder/containers': 'garbage' } },
  { 'spec': { '$setElementOrder/containers': [{ name: 'nope' }, 5] } },
  { 'metadata': { '$deleteFromPrimitiveList/finalizers': 'x' } },
  { 'metadata': { '$deleteFromPrimitiveList/finalizers': [{}] } },
  { spec: { $retainKeys: 5 } },
  { spec: { $retainKeys: ['nope'], containers: [] } },
  { spec: { volumes: [{ $retainKeys: ['name'], name: 'config' }] } },
  { metadata: { labels: { $patch: 'replace' } } },
  { spec: { tolerations: [{ $patch: 'merge' }] } },
  { $unknownDirective: true },
  { spec: { containers: [{ name: 'web', ports: [{ containerPort: 'x', $patch: 'delete' }] }] } },
];

/** Random patches against the scratch objects: any outcome but a 5xx is acceptable. */
const patchGarbage: Generator = (rng, t) => {
  const target = rng.pick(t.scratch);
  const type = rng.pick(PATCH_TYPES);
  let payload: string;
  switch (type) {
    case 'application/json-patch+json':
      payload = JSON.stringify(randomJsonPatch(rng));
      break;
    case 'application/merge-patch+json':
      payload = JSON.stringify(
        rng.pick<Json>([
          randomJson(rng),
          [],
          null,
          { spec: [] },
          { spec: null },
          { metadata: [] },
          { metadata: { labels: [] } },
          { spec: { containers: {} } },
          { spec: { containers: null } },
          { data: [1, 2] },
          { kind: null },
          { apiVersion: null },
          { metadata: { name: null } },
          { [rng.pick(['spec', 'metadata', 'status', 'data'])]: randomJson(rng) },
        ]),
      );
      break;
    case 'application/strategic-merge-patch+json':
      payload = JSON.stringify(rng.bool(0.7) ? rng.pick(SMP_DIRECTIVES) : randomJson(rng));
      break;
    default:
      payload = rng.bool(0.6) ? yamlNasty(rng) : JSON.stringify(randomJson(rng));
  }
  const q = type === 'application/apply-patch+yaml' ? rng.pick(['?fieldManager=fuzz', '?fieldManager=fuzz&force=true', '', '?fieldManager=fuzz&force=maybe']) : '';
  return { category: 'patch-garbage', method: 'PATCH', url: `${target.path}${q}`, headers: { 'content-type': type }, payload };
};

/**
 * Garbage patches against the seeded objects, each made to fail: a json-patch starts with
 * a `test` that cannot pass; merge/strategic patches carry a stale resourceVersion.
 */
const patchGarbageSeeded: Generator = (rng, t) => {
  const target = rng.pick(t.seeded);
  const type = rng.pick(PATCH_TYPES.slice(0, 3));
  let payload: string;
  if (type === 'application/json-patch+json') {
    const ops = randomJsonPatch(rng);
    payload = JSON.stringify([{ op: 'test', path: '/metadata/uid', value: 'not-the-uid' }, ...(Array.isArray(ops) ? ops : [ops])]);
  } else {
    const garbage = type === 'application/strategic-merge-patch+json' && rng.bool(0.7) ? rng.pick(SMP_DIRECTIVES) : randomJson(rng);
    const base = garbage !== null && typeof garbage === 'object' && !Array.isArray(garbage) ? garbage : { spec: garbage };
    const meta = (base as Record<string, Json>).metadata;
    const metadata = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta : {};
    payload = JSON.stringify({ ...base, metadata: { ...metadata, resourceVersion: '1', labels: { changed: 'yes' } } });
  }
  return { category: 'patch-garbage-seeded', method: 'PATCH', url: target.path, headers: { 'content-type': type }, payload, mustFail: true };
};

const yamlBombs: Generator = (rng, t) => {
  const roll = rng.int(0, 2);
  if (roll === 0) return { category: 'yaml-bomb', method: 'POST', url: `/api/v1/namespaces/${t.fuzzNamespace}/pods`, headers: { 'content-type': 'application/yaml' }, payload: yamlNasty(rng) };
  if (roll === 1) return { category: 'yaml-bomb', method: 'PATCH', url: `${rng.pick(t.scratch).path}?fieldManager=fuzz`, headers: { 'content-type': 'application/apply-patch+yaml' }, payload: yamlNasty(rng) };
  // Against a seeded object: the stale resourceVersion refuses it even if the YAML parsed.
  const target = rng.pick(t.seeded);
  return { category: 'yaml-bomb-seeded', method: 'PATCH', url: `${target.path}?fieldManager=fuzz&force=true`, headers: { 'content-type': 'application/apply-patch+yaml' }, payload: `${yamlNasty(rng)}\nmetadata: {resourceVersion: "1"}\n`, mustFail: true };
};

/**
 * Server-side apply bodies against the scratch objects: the object's own shape with
 * random managers, force, and damage where ownership is computed — managedFields sent
 * (forbidden), list items without or with duplicate keys, nulls, lists and maps swapped,
 * random values at random paths. Any outcome but a 5xx is acceptable.
 */
const applyBodies: Generator = (rng, t) => {
  const target = rng.pick(t.scratch);
  const o = target.object as Obj;
  let body: Json = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name }, ...(o.spec ? { spec: structuredClone(o.spec) } : {}), ...(o.data ? { data: structuredClone(o.data) } : {}) };
  const damage = rng.int(0, 9);
  if (damage === 0) body = setAt(body, ['metadata', 'managedFields'], rng.pick<Json>([[], [{}], [{ manager: 'x', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }], 'x', null, randomJson(rng)]));
  else if (damage === 1 && o.kind !== 'ConfigMap') body = setAt(body, ['spec', ...(o.kind === 'Deployment' ? ['template', 'spec'] : []), 'containers'], rng.pick<Json>([[{ image: 'no-name' }], [{ name: 'a' }, { name: 'a' }], [{ name: null }], [1, 2], {}, null, [[]]]));
  else if (damage === 2) body = setAt(body, ['metadata', 'finalizers'], rng.pick<Json>([['a', 'a'], [null], [{}], 'x', [1]]));
  else if (damage === 3) body = setAt(body, ['metadata', 'labels'], rng.pick<Json>([null, [], { a: null }, { a: {} }, 'x']));
  else if (damage === 4) {
    const paths = allPaths(body).filter((p) => p.length > 0 && p[0] !== 'metadata');
    if (paths.length > 0) body = setAt(body, rng.pick(paths), randomJson(rng));
  } else if (damage === 5 && o.kind === 'Deployment') body = setAt(body, ['spec', 'template', 'spec', 'containers', 0, 'ports'], rng.pick<Json>([[{ containerPort: 80 }, { containerPort: 80, protocol: 'TCP' }], [{ protocol: 'UDP' }], [{ containerPort: 'x' }]]));
  else if (damage === 6) body = setAt(body, ['metadata', 'ownerReferences'], rng.pick<Json>([[{ name: 'x' }], [{ uid: 'u', name: 'a', kind: 'K', apiVersion: 'v1' }, { uid: 'u', name: 'b', kind: 'K', apiVersion: 'v1' }]]));
  const manager = rng.pick(['fuzz', 'fuzz-a', 'fuzz-b', 'kubectl', 'x'.repeat(200), '']);
  const force = rng.pick(['', '&force=true', '&force=false', '&force=1', '&force=yes']);
  const yaml = rng.bool(0.5);
  return {
    category: 'apply-bodies',
    method: 'PATCH',
    url: `${target.path}?fieldManager=${encodeURIComponent(manager)}${force}`,
    headers: { 'content-type': 'application/apply-patch+yaml' },
    payload: yaml ? JSON.stringify(body, null, 1) : JSON.stringify(body),
  };
};

/** Weights sum to ~3,000 requests at the default count. */
export const GENERATORS: Array<{ name: string; weight: number; make: Generator }> = [
  { name: 'random-bytes', weight: 200, make: randomBytes },
  { name: 'truncated-json', weight: 200, make: truncatedJson },
  { name: 'deep-nesting', weight: 80, make: deepNesting },
  { name: 'huge-strings', weight: 40, make: hugeStrings },
  { name: 'field-type', weight: 650, make: fieldTypeMutation },
  { name: 'field-type-seeded', weight: 150, make: seededMutationStale },
  { name: 'type-meta', weight: 100, make: typeMeta },
  { name: 'invalid-names-labels', weight: 150, make: invalidNamesLabels },
  { name: 'strict-unknown', weight: 150, make: strictUnknown },
  { name: 'oversize', weight: 8, make: oversize },
  { name: 'random-path', weight: 400, make: randomPath },
  { name: 'bad-query', weight: 300, make: badQuery },
  { name: 'stale-rv', weight: 150, make: staleResourceVersion },
  { name: 'patch-garbage', weight: 300, make: patchGarbage },
  { name: 'patch-garbage-seeded', weight: 100, make: patchGarbageSeeded },
  { name: 'yaml-bomb', weight: 40, make: yamlBombs },
  { name: 'apply-bodies', weight: 150, make: applyBodies },
];

/** `count` requests drawn from the generators by weight, in a seeded order. */
export function generateRequests(rng: Prng, targets: FuzzTargets, count: number): FuzzRequest[] {
  const total = GENERATORS.reduce((s, g) => s + g.weight, 0);
  const out: FuzzRequest[] = [];
  for (let i = 0; i < count; i++) {
    let roll = rng.next() * total;
    const gen = GENERATORS.find((g) => (roll -= g.weight) < 0) ?? GENERATORS[GENERATORS.length - 1]!;
    out.push(gen.make(rng, targets, i));
  }
  return out;
}
