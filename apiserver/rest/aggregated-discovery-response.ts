import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as toYaml } from 'yaml';
import { parseAccept } from './negotiation.js';
import { resourcesGeneration } from '../../api/registry.js';
import {
  AGGREGATED_DISCOVERY_GROUP,
  AGGREGATED_DISCOVERY_KIND,
  discoveryGroups,
  discoveryList,
  type AggregatedDiscoveryVersion,
  type ApiGroupDiscovery,
  type DiscoveryRoot,
} from './aggregated-discovery.js';

/**
 * Content negotiation, ETag and caching for aggregated discovery on /api and /apis, as
 * kube-apiserver's aggregated discovery wrapper does it: a client gets the aggregated
 * document only when some clause of its Accept header names
 * `g=apidiscovery.k8s.io;v=v2|v2beta1;as=APIGroupDiscoveryList`; any other request keeps
 * the legacy APIVersions / APIGroupList answer.
 */

export interface AggregatedRepresentation {
  version: AggregatedDiscoveryVersion;
  format: 'json' | 'yaml';
}

const MEDIA_TYPES: Record<string, AggregatedRepresentation['format']> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  // Wildcards match the first serializer kube registers, JSON.
  'application/*': 'json',
  '*/*': 'json',
};

/**
 * The first Accept clause asking for the aggregated form that we can serve, in the
 * client's order (q-values are ignored, as in negotiation.ts); null when there is none, and
 * the request gets legacy discovery. Clauses for other encodings (protobuf, CBOR) are
 * skipped, so a client offering both gets JSON.
 */
export function negotiateAggregatedDiscovery(accept: string | undefined): AggregatedRepresentation | null {
  if (!accept) return null;
  for (const m of parseAccept(accept)) {
    const format = MEDIA_TYPES[m.type];
    if (!format) continue;
    const version = m.params.v;
    if (
      m.params.g === AGGREGATED_DISCOVERY_GROUP &&
      m.params.as === AGGREGATED_DISCOVERY_KIND &&
      (version === 'v2' || version === 'v2beta1')
    ) {
      return { version, format };
    }
  }
  return null;
}

/** The response Content-Type: the media type with the group, version and kind it carries. */
export function aggregatedContentType(repr: AggregatedRepresentation): string {
  const base = repr.format === 'yaml' ? 'application/yaml' : 'application/json';
  return `${base};g=${AGGREGATED_DISCOVERY_GROUP};v=${repr.version};as=${AGGREGATED_DISCOVERY_KIND}`;
}

/**
 * The ETag value (unquoted): SHA-512 in upper-case hex of the list's JSON without its type
 * meta, as kube hashes it. One tag per root whatever the version or encoding served; the
 * `Vary: Accept` header keeps caches from mixing them.
 */
export function discoveryETag(items: ApiGroupDiscovery[]): string {
  return createHash('sha512').update(JSON.stringify({ metadata: {}, items })).digest('hex').toUpperCase();
}

interface CachedRoot {
  /** resourcesGeneration() it was built at: custom resources (CRDs) change the document. */
  generation?: number;
  items: ApiGroupDiscovery[];
  quotedETag: string;
  bodies: Map<string, Buffer>;
}

// The registry is fixed at start-up, so each root's document is built once.
const cache = new Map<DiscoveryRoot, CachedRoot>();

function cachedRoot(root: DiscoveryRoot): CachedRoot {
  let entry = cache.get(root);
  if (!entry || entry.generation !== resourcesGeneration()) {
    const items = discoveryGroups(root);
    entry = { generation: resourcesGeneration(), items, quotedETag: JSON.stringify(discoveryETag(items)), bodies: new Map() };
    cache.set(root, entry);
  }
  return entry;
}

/**
 * The registry's groups followed by the aggregated backends' (apiserver/aggregator/): these
 * change at run time, so the entry is rebuilt per request, keyed by its content (cheap: a
 * few KB, and clients send If-None-Match).
 */
let lastExtra: { key: string; entry: CachedRoot } | undefined;
function withExtra(base: CachedRoot, extra: ApiGroupDiscovery[]): CachedRoot {
  const key = JSON.stringify(extra);
  if (lastExtra?.key === key && lastExtra.entry.generation === base.generation && lastExtra.entry.items.length === base.items.length + extra.length) return lastExtra.entry;
  const items = [...base.items, ...extra];
  const entry = { generation: base.generation, items, quotedETag: JSON.stringify(discoveryETag(items)), bodies: new Map<string, Buffer>() };
  lastExtra = { key, entry };
  return entry;
}

/**
 * The serialised document, as bytes: fastify rewrites the Content-Type of a string body
 * (quoting the parameters, adding a charset), and kube sends the media type unchanged.
 */
function body(entry: CachedRoot, repr: AggregatedRepresentation): Buffer {
  const key = `${repr.version}/${repr.format}`;
  let bytes = entry.bodies.get(key);
  if (bytes === undefined) {
    const doc = discoveryList(entry.items, repr.version);
    bytes = Buffer.from(repr.format === 'yaml' ? toYaml(doc) : JSON.stringify(doc));
    entry.bodies.set(key, bytes);
  }
  return bytes;
}

/**
 * Answers GET /api or /apis with the aggregated document when the client asked for it and
 * returns true; returns false (nothing sent) for a legacy request. Sets ETag, Vary and
 * Cache-Control as kube does, and answers 304 with no body when If-None-Match is exactly
 * the quoted tag.
 */
export function serveAggregatedDiscovery(req: FastifyRequest, reply: FastifyReply, root: DiscoveryRoot, extra: ApiGroupDiscovery[] = []): boolean {
  const repr = negotiateAggregatedDiscovery(req.headers.accept);
  if (!repr) return false;
  const entry = extra.length === 0 ? cachedRoot(root) : withExtra(cachedRoot(root), extra);
  reply.header('etag', entry.quotedETag).header('vary', 'Accept').header('cache-control', 'public');
  if (req.headers['if-none-match'] === entry.quotedETag) {
    void reply.code(304).send();
    return true;
  }
  void reply.code(200).header('content-type', aggregatedContentType(repr)).send(body(entry, repr));
  return true;
}
