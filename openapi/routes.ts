import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registryDocuments } from './generate.js';
import { hashOf, type DocumentSet, type SerializedDocument } from './document-set.js';

/**
 * GET /openapi/v2, /openapi/v3 and /openapi/v3/<api path>, as kube-apiserver serves them.
 *
 * - v3 documents are immutable per content hash: the index links each group-version as
 *   `/openapi/v3/apis/apps/v1?hash=<SHA-512>`; a request carrying the current hash is
 *   answered `Cache-Control: public, immutable` (kubectl keeps it in its HTTP cache), an
 *   outdated hash is redirected (301) to the current one.
 * - Every answer has an ETag (the quoted hash) and honours If-None-Match with 304.
 * - Only JSON is served. kubectl asks for /openapi/v2 in protobuf only; it gets 406 and
 *   carries on without it (it uses v2 only as a fallback when v3 is missing).
 */

const NO_CACHE = 'no-cache, private';
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function sendStatus(reply: FastifyReply, code: number, reason: string, message: string): FastifyReply {
  // Field order as kube-apiserver writes a Status.
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  return reply.code(code).header('Cache-Control', NO_CACHE).type('application/json').send(JSON.stringify(body));
}

const notFound = (reply: FastifyReply): FastifyReply => sendStatus(reply, 404, 'NotFound', 'the server could not find the requested resource');

/** Whether an Accept header admits JSON (no header, or any range covering application/json). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0].trim().toLowerCase())
    .some((t) => t === 'application/json' || t === 'application/*' || t === '*/*' || t === '');
}

function notAcceptable(reply: FastifyReply): FastifyReply {
  return sendStatus(reply, 406, 'NotAcceptable', 'only the following media types are accepted: application/json');
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

export function registerOpenApiRoutes(app: FastifyInstance, docs: DocumentSet = registryDocuments()): void {
  let indexDoc: { json: string; hash: string } | undefined;

  app.get('/openapi/v2', async (req, reply) => {
    if (!acceptsJson(req.headers.accept)) return notAcceptable(reply);
    return sendJson(req, reply, docs.v2(), NO_CACHE);
  });

  app.get('/openapi/v3', async (req, reply) => {
    if (!acceptsJson(req.headers.accept)) return notAcceptable(reply);
    if (!indexDoc) {
      const json = JSON.stringify(docs.v3Index());
      indexDoc = { json, hash: hashOf(json) };
    }
    return sendJson(req, reply, indexDoc, NO_CACHE);
  });

  app.get('/openapi/v3/*', async (req, reply) => {
    const path = ((req.params as { '*': string })['*'] ?? '').replace(/\/+$/, '');
    const doc = path === '' ? undefined : docs.v3(path);
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
