import { createHash } from 'node:crypto';
import { groupVersions, type ApiModel } from './model.js';
import type { JsonObject } from './schemas.js';
import { buildV2Document } from './v2-document.js';
import { encodeV2Document } from './v2-protobuf.js';
import { buildV3Document } from './v3-document.js';

/**
 * The documents of one model, computed on first use and kept: the serialized bytes and
 * their hash are what the routes serve, so they are computed once as well.
 */

export interface SerializedDocument {
  document: JsonObject;
  /** Compact JSON, exactly what is served. */
  json: string;
  /** SHA-512 of `json`, upper-case hex: kube-apiserver's ETag and `?hash=` value. */
  hash: string;
}

export interface OpenApiIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface DocumentSet {
  /** `api/v1`, `apis/apps/v1`, … → document; undefined for a group-version not served. */
  v3(path: string): SerializedDocument | undefined;
  /** The keys v3() answers, in serving order. */
  v3Paths(): string[];
  v3Index(): OpenApiIndex;
  v2(): SerializedDocument;
  /** The v2 document as gnostic protobuf (what kubectl 1.27/1.28 ask for). */
  v2Protobuf(): { bytes: Uint8Array; hash: string };
}

export function hashOf(json: string): string {
  return createHash('sha512').update(json).digest('hex').toUpperCase();
}

function serialize(document: JsonObject): SerializedDocument {
  const json = JSON.stringify(document);
  return { document, json, hash: hashOf(json) };
}

/** The v3 index key of a group-version, as client-go's openapi3 root looks it up. */
export function v3PathOf(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

export function createDocumentSet(model: () => ApiModel): DocumentSet {
  let cachedModel: ApiModel | undefined;
  const getModel = (): ApiModel => (cachedModel ??= model());
  const v3Docs = new Map<string, SerializedDocument | undefined>();
  let v2Doc: SerializedDocument | undefined;
  let v2Proto: { bytes: Uint8Array; hash: string } | undefined;
  let index: OpenApiIndex | undefined;

  const gvByPath = (): Map<string, { group: string; version: string }> =>
    new Map(groupVersions(getModel()).map((gv) => [v3PathOf(gv.group, gv.version), gv]));

  const v3 = (path: string): SerializedDocument | undefined => {
    if (v3Docs.has(path)) return v3Docs.get(path);
    const gv = gvByPath().get(path);
    const doc = gv ? buildV3Document(getModel(), gv.group, gv.version) : undefined;
    const out = doc ? serialize(doc) : undefined;
    if (gv) v3Docs.set(path, out); // unknown paths are not cached: they are client input
    return out;
  };

  const v2 = (): SerializedDocument => (v2Doc ??= serialize(buildV2Document(getModel())));

  return {
    v3,
    v3Paths: () => [...gvByPath().keys()],
    v3Index() {
      if (!index) {
        const paths: OpenApiIndex['paths'] = {};
        for (const p of gvByPath().keys()) {
          const doc = v3(p);
          if (doc) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${doc.hash}` };
        }
        index = { paths };
      }
      return index;
    },
    v2,
    v2Protobuf() {
      if (!v2Proto) {
        const bytes = encodeV2Document(v2().document);
        v2Proto = { bytes, hash: createHash('sha512').update(bytes).digest('hex').toUpperCase() };
      }
      return v2Proto;
    },
  };
}
