import type { FastifyInstance } from 'fastify';
import { resources } from '../../api/registry.js';
import type { Store } from '../storage/store.js';
import { parseRequestInfo } from '../rest/request-info.js';
import { boolParam, params, type Query } from '../rest/query.js';
import { requestLabels, type ApiserverMetrics } from './apiserver-metrics.js';

/**
 * Serves GET /metrics (Prometheus text, authenticated as every non-public path) and
 * counts every answered request. The request is re-parsed here, after the answer, so the
 * handlers know nothing of metrics.
 */
export function registerMetrics(app: FastifyInstance, metrics: ApiserverMetrics, store: Store): void {
  metrics.setStorageCounter(async () => {
    const out: Array<{ resource: string; objects: number }> = [];
    const seen = new Set<string>();
    for (const rt of resources) {
      // Several versions of a kind share one storage prefix: count it once.
      if (seen.has(rt.plural)) continue;
      seen.add(rt.plural);
      out.push({ resource: rt.group ? `${rt.plural}.${rt.group}` : rt.plural, objects: await store.count(`/registry/${rt.plural}/`) });
    }
    return out;
  });

  app.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?', 1)[0]!;
    const q = (req.query ?? {}) as Query;
    const info = path.startsWith('/api') ? parseRequestInfo(req.method, path, boolParam(q, 'watch')) : null;
    const apply = (req.headers['content-type'] ?? '').startsWith('application/apply-patch');
    const labels = requestLabels(req.method, info, { dryRun: params(q, 'dryRun').length > 0, apply });
    metrics.observeRequest(labels, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
