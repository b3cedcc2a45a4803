import http from 'node:http';
import type { Node } from '../api/core/node.js';
import { KUBELET_ENDPOINT } from '../kubelet-sim/annotations.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { parseResourceMetrics } from './scrape-parse.js';
import type { MetricsStorage } from './storage.js';

/**
 * One scrape round: every node's /metrics/resource, at most `concurrency` at once, each
 * within `timeoutMs`, into the storage. metrics-server reaches each kubelet directly (not
 * through the apiserver); a Kubeling node publishes its kubelet's loopback address in the
 * kubeling.io/kubelet-endpoint annotation, and a kubelet-sim serves each node under
 * /node/NAME. A node without a loopback endpoint, or whose kubelet fails, is skipped
 * this round (its older points stay until the next good scrape).
 */

export interface ScrapeResult {
  nodes: number;
  failed: number;
  durationMs: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** `127.0.0.1:PORT` → `http://127.0.0.1:PORT/node/NAME/metrics/resource`; undefined when not loopback. */
export function scrapeUrl(endpoint: string | undefined, node: string): string | undefined {
  if (!endpoint) return undefined;
  const m = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):(\d{1,5})$/.exec(endpoint.trim());
  if (!m) return undefined;
  return `http://${m[1]}:${m[2]}/node/${encodeURIComponent(node)}/metrics/resource`;
}

export function fetchText(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) !== 200) reject(new Error(`request failed, status: "${res.statusCode}": ${body.trim().slice(0, 200)}`));
        else resolve(body);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`context deadline exceeded (${timeoutMs}ms)`)));
    req.on('error', reject);
  });
}

export async function scrapeNodes(
  nodes: readonly Node[],
  storage: MetricsStorage,
  o: { clock: Clock; logger: Logger; timeoutMs: number; concurrency?: number; fetch?: (url: string, timeoutMs: number) => Promise<string> },
): Promise<ScrapeResult> {
  const start = o.clock.now();
  const fetch = o.fetch ?? fetchText;
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < nodes.length) {
      const node = nodes[next++]!;
      const name = node.metadata.name!;
      const url = scrapeUrl(node.metadata.annotations?.[KUBELET_ENDPOINT], name);
      if (!url) {
        failed++;
        continue;
      }
      try {
        const text = await fetch(url, o.timeoutMs);
        storage.store(name, parseResourceMetrics(text, o.clock.now()));
      } catch (err) {
        failed++;
        o.logger.warn({ node: name, err: (err as Error).message }, 'Failed to scrape node');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 32, nodes.length)) }, worker));
  storage.retain(new Set(nodes.map((n) => n.metadata.name!)));
  return { nodes: nodes.length, failed, durationMs: o.clock.now() - start };
}
