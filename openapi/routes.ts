import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registryDocuments } from './generate.js';
import { hashOf, type DocumentSet, type SerializedDocument } from './document-set.js';
import { OPENAPI_V2_PROTOBUF } from './v2-protobuf.js';

/**
 * GET /openapi/v2, /openapi/v3 and /openapi/v3/<api path>, as kube-apiserver serves them.
 *
 * - v3 documents are immutable per content hash: the index links each group-version as
 *   `/openapi/v3/apis/apps/v1?hash=<SHA-512>`; a request carrying the current hash is
 *   answered `Cache-Control: public, immutable` (kubectl keeps it in its HTTP cache), an
 *   outdated hash is redirected (301) to the current one.
 * - Every answer has an ETag (the quoted hash) and honours If-None-Match with 304.
 * - v3 is served as JSON only (what client-go asks for). /openapi/v2 is served as JSON or
 *   as gnostic protobuf, by Accept: kubectl asks for protobuf only, and 1.27/1.28 fail
 *   apply and explain without it. Anything else gets 406 with a Status.
 */

const NO_CACHE = 'no-cache, private';
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function sendStatus(reply: FastifyReply, code: number, reason: string, message: string): FastifyReply {
  // Field order as kube-apiserver writes a Status.
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  return reply.code(code).header('Cache-Control', NO_CACHE).type('application/json').send(JSON.stringify(body));
}

const notFound = (reply: FastifyReply): FastifyReply => sendStatus(reply, 404, 'NotFound', 'the server could not find the requested resource');

const mediaTypes = (accept: string): string[] => accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase());
const isJsonRange = (t: string): boolean => t === 'application/json' || t === 'application/*' || t === '*/*' || t === '';

/** Whether an Accept header admits JSON (no header, or any range covering application/json). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return mediaTypes(accept).some(isJsonRange);
}

/** For /openapi/v2: the first of JSON and protobuf in the client's order (q-values ignored, as Kubernetes does). */
export function v2Format(accept: string | undefined): 'json' | 'protobuf' | undefined {
  if (!accept || accept.trim() === '') return 'json';
  for (const t of mediaTypes(accept)) {
    if (t === OPENAPI_V2_PROTOBUF.toLowerCase()) return 'protobuf';
    if (isJsonRange(t)) return 'json';
  }
  return undefined;
}

function notAcceptable(reply: FastifyReply, types = 'application/json'): FastifyReply {
  return sendStatus(reply, 406, 'NotAcceptable', `only the following media types are accepted: ${types}`);
}

function matchesEtag(req: FastifyRequest, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

function sendJson(req: FastifyRequest, reply: FastifyReply, doc: Pick<SerializedDocument, 'json' | 'hash'>, cacheControl: string): FastifyReply {
  const etag = `"${doc.hash}"`;
  reply.header('ETag', etag).header('Cache-Control', cacheControl).header('Vary', 'Accept');
  if (matchesEtag(req, etag)) return reply.code(304).send();
  return reply.code(200).type('application/json').send(doc.json);
}

function queryParam(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

/** Documents served beside the registry's, changing at run time (the CRDs' group-versions). */
export interface DynamicOpenApi {
  v3Paths(): string[];
  v3(path: string): SerializedDocument | undefined;
  /** The v2 document with the dynamic kinds merged in; undefined when there are none. */
  v2?(base: SerializedDocument): { json: SerializedDocument; protobuf(): { bytes: Uint8Array; hash: string } } | undefined;
}

export function registerOpenApiRoutes(app: FastifyInstance, docs: DocumentSet = registryDocuments(), dynamic?: DynamicOpenApi): void {
  let indexDoc: { json: string; hash: string } | undefined;
  let dynamicIndex: { key: string; json: string; hash: string } | undefined;

  app.get('/openapi/v2', async (req, reply) => {
    const format = v2Format(req.headers.accept);
    const withDynamic = format === undefined ? undefined : dynamic?.v2?.(docs.v2());
    if (format === 'json') return sendJson(req, reply, withDynamic?.json ?? docs.v2(), NO_CACHE);
    if (format === undefined) return notAcceptable(reply, `application/json, ${OPENAPI_V2_PROTOBUF}`);
    const proto = withDynamic?.protobuf() ?? docs.v2Protobuf();
    const etag = `"${proto.hash}"`;
    reply.header('ETag', etag).header('Cache-Control', NO_CACHE).header('Vary', 'Accept');
    if (matchesEtag(req, etag)) return reply.code(304).send();
    // kube-apiserver labels these bytes application/octet-stream: client-go's mime parser
    // rejects the '@' of the media type it asked for.
    return reply.code(200).type('application/octet-stream').send(Buffer.from(proto.bytes));
  });

  app.get('/openapi/v3', async (req, reply) => {
    if (!acceptsJson(req.headers.accept)) return notAcceptable(reply);
    if (!indexDoc) {
      const json = JSON.stringify(docs.v3Index());
      indexDoc = { json, hash: hashOf(json) };
    }
    const extra = dynamic?.v3Paths() ?? [];
    if (extra.length === 0) return sendJson(req, reply, indexDoc, NO_CACHE);
    const paths: Record<string, { serverRelativeURL: string }> = { ...docs.v3Index().paths };
    for (const p of extra) {
      const d = dynamic!.v3(p);
      if (d) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    }
    const json = JSON.stringify({ paths });
    if (dynamicIndex?.key !== json) dynamicIndex = { key: json, json, hash: hashOf(json) };
    return sendJson(req, reply, dynamicIndex, NO_CACHE);
  });

  app.get('/openapi/v3/*', async (req, reply) => {
    const path = ((req.params as { '*': string })['*'] ?? '').replace(/\/+$/, '');
    const doc = path === '' ? undefined : (docs.v3(path) ?? dynamic?.v3(path));
    if (!doc) return notFound(reply);
    if (!acceptsJson(req.headers.accept)) return notAcceptable(reply);
    const hash = queryParam(req, 'hash');
    if (hash === undefined) return sendJson(req, reply, doc, NO_CACHE);
    if (hash !== doc.hash) {
      return reply.code(301).header('Location', `/openapi/v3/${path}?hash=${doc.hash}`).header('Cache-Control', NO_CACHE).send();
    }
    reply.header('Expires', new Date(Date.now() + YEAR_MS).toUTCString());
    return sendJson(req, reply, doc, 'public, immutable');
  });
}
