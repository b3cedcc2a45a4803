import type { KubeObject, ResourceType } from '../../api/types.js';
import type { KeyValue } from '../storage/store.js';
import { groupVersion } from '../../api/registry.js';

/**
 * How objects sit in storage: JSON of the storage version, without resourceVersion (the
 * store's modRevision is the resourceVersion, set on every read).
 */

export function storageKey(rt: ResourceType, namespace: string | undefined, name: string): string {
  return rt.namespaced ? `/registry/${rt.plural}/${namespace}/${name}` : `/registry/${rt.plural}/${name}`;
}

/** The watch/list prefix: all namespaces, or one namespace of a namespaced kind. */
export function storagePrefix(rt: ResourceType, namespace?: string): string {
  return rt.namespaced && namespace ? `/registry/${rt.plural}/${namespace}/` : `/registry/${rt.plural}/`;
}

/**
 * Stored form: metadata first, without resourceVersion, apiVersion and kind (the key and
 * the storage version say those). Starting with `{"metadata":{` lets itemJson splice the
 * resourceVersion in without parsing.
 */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  return JSON.stringify({ metadata: meta, ...rest });
}

const STORED_PREFIX = '{"metadata":{';

/** The stored text of an object a write has just returned (see withStoredJson). */
const storedText = new WeakMap<KubeObject, { value: string; modRevision: number }>();

/**
 * Marks the object a create or update returns with the text it was stored as, so its
 * answer is spliced from that text (itemJson) instead of serialized a second time. The
 * registry hands the object over untouched; whoever changes it afterwards must not
 * answer with storedJson.
 */
export function withStoredJson<T extends KubeObject>(obj: T, value: string, modRevision: number): T {
  storedText.set(obj, { value, modRevision });
  return obj;
}

/** The JSON a read of `obj` returns, when it came from a write's stored text (else undefined). */
export function storedJson(rt: ResourceType, obj: KubeObject): string | undefined {
  const stored = storedText.get(obj);
  if (!stored || String(stored.modRevision) !== obj.metadata?.resourceVersion) return undefined;
  return itemJson(rt, { key: '', value: stored.value, modRevision: stored.modRevision, createRevision: 0 });
}

/** The JSON a read returns for a stored object, spliced from the stored text. */
export function itemJson(rt: ResourceType, kv: KeyValue): string {
  const value = kv.value;
  if (!value.startsWith(STORED_PREFIX)) return JSON.stringify(decodeKeyValue(rt, kv));
  const head = `{"apiVersion":${JSON.stringify(groupVersion(rt))},"kind":${JSON.stringify(rt.kind)},"metadata":{"resourceVersion":"${kv.modRevision}"`;
  const rest = value.slice(STORED_PREFIX.length);
  return rest.startsWith('}') ? head + rest : `${head},${rest}`;
}

export function decodeValue(rt: ResourceType, value: string, modRevision: number): KubeObject {
  const stored = JSON.parse(value) as KubeObject;
  return {
    ...stored,
    apiVersion: groupVersion(rt),
    kind: rt.kind,
    metadata: { ...stored.metadata, resourceVersion: String(modRevision) },
  };
}

export function decodeKeyValue(rt: ResourceType, kv: KeyValue): KubeObject {
  return decodeValue(rt, kv.value, kv.modRevision);
}

/** Continue tokens carry the list's revision and the last key served, as Kubernetes' do. */
export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

export function decodeContinue(raw: string): ContinueToken | null {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') {
      return null;
    }
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    return null;
  }
}
