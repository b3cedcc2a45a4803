import http from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../api/types.js';
import { forbidden as forbiddenField, invalid as invalidField } from '../../api/validation.js';
import type { Registries } from '../registry/registries.js';
import { badRequest, invalid } from '../errors.js';
import { boolParam, intParam, param, type Query } from './query.js';
import { sendBody } from './respond.js';
import { podLogTarget, upstreamError, type PodLogOptions } from '../request/pod-log.js';

/**
 * GET pods/<name>/log over REST: the query's PodLogOptions, the kubelet's log streamed
 * through (request/pod-log.ts finds the pod's kubelet and container).
 */

/** Parses and validates the query as ValidatePodLogOptions does (422 PodLogOptions "name" is invalid). */
export function parsePodLogOptions(q: Query, name: string): PodLogOptions {
  const opts: PodLogOptions = {
    container: param(q, 'container') || undefined,
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
    tailLines: intParam(q, 'tailLines'),
    sinceSeconds: intParam(q, 'sinceSeconds'),
    limitBytes: intParam(q, 'limitBytes'),
  };
  const sinceTime = param(q, 'sinceTime');
  if (sinceTime) {
    if (Number.isNaN(Date.parse(sinceTime))) throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"`);
    opts.sinceTime = sinceTime;
  }
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errs.push(invalidField('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errs.push(invalidField('limitBytes', opts.limitBytes, 'must be greater than 0'));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(forbiddenField('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(invalidField('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (errs.length > 0) throw invalid('PodLogOptions', '', name, errs);
  return opts;
}

/** A transport failure: kube-apiserver answers 500 with the dial error and no reason. */
function sendDialError(reply: FastifyReply, url: string, err: NodeJS.ErrnoException, host: string, port: number): void {
  const detail =
    err.code === 'ECONNREFUSED' ? `dial tcp ${host}:${port}: connect: connection refused` : err.code === 'ECONNRESET' ? 'read: connection reset by peer' : err.message;
  sendBody(reply, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Get "${url}": ${detail}`, code: 500 });
}

/** Where a pod's container log is read: the kubelet URL, or none (not scheduled: an empty log). */
export async function servePodLog(
  ctx: { registries: Registries },
  req: FastifyRequest,
  reply: FastifyReply,
  namespace: string,
  name: string,
): Promise<void> {
  const opts = parsePodLogOptions(req.query as Query, name);
  const target = await podLogTarget(ctx.registries, namespace, name, opts);
  if (!target.url || !target.endpoint) {
    reply.code(200).header('content-type', 'text/plain').send('');
    return;
  }
  const { url, endpoint } = target;

  await new Promise<void>((resolve) => {
    const upstream = http.get(url, { timeout: 30_000 }, (res) => {
      const code = res.statusCode ?? 500;
      if (code < 200 || code > 206) {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 16_384) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const api = upstreamError(code, Buffer.concat(chunks).toString('utf8').slice(0, 16_384), name);
          sendBody(reply, api.code, api.toStatus());
          resolve();
        });
        res.on('error', () => resolve());
        return;
      }
      upstream.setTimeout(0); // a follow stream may stay quiet for long
      // The client going away ends the upstream stream (and with it the kubelet's follow).
      reply.raw.on('close', () => res.destroy());
      reply.code(200).header('content-type', 'text/plain').send(res);
      resolve();
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!reply.sent && !reply.raw.headersSent) sendDialError(reply, url, err, endpoint.host, endpoint.port);
      resolve();
    });
  });
}
