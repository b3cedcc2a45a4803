import type { NodeScrape, CpuMemPoint } from './scrape-parse.js';
import { usageBetween, type Usage } from './rate.js';

/**
 * The last two scrapes of every node, and the metrics they give (metrics-server's
 * storage): a node's usage from its two node points, a pod's from its containers' two
 * points each. A pod is reported only when every container has a rate, so a pod never
 * appears with part of its containers.
 */

export interface PodUsage {
  namespace: string;
  name: string;
  timestamp: number;
  windowMs: number;
  containers: Array<{ name: string; usage: Usage }>;
}

interface NodeEntry {
  prev?: NodeScrape;
  cur: NodeScrape;
}

export class MetricsStorage {
  private readonly nodes = new Map<string, NodeEntry>();

  store(node: string, scrape: NodeScrape): void {
    const old = this.nodes.get(node);
    this.nodes.set(node, { prev: old?.cur, cur: scrape });
  }

  /** Drops nodes not in `keep` (deleted from the cluster). */
  retain(keep: ReadonlySet<string>): void {
    for (const name of this.nodes.keys()) if (!keep.has(name)) this.nodes.delete(name);
  }

  nodeUsage(node: string): Usage | undefined {
    const e = this.nodes.get(node);
    if (!e?.cur.node) return undefined;
    return usageBetween(e.prev?.node, e.cur.node);
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Every pod with metrics: (namespace/name) → usage. */
  *pods(): Iterable<PodUsage> {
    for (const e of this.nodes.values()) {
      for (const [key, containers] of e.cur.pods) {
        const u = podUsage(key, containers, e.prev?.pods.get(key));
        if (u) yield u;
      }
    }
  }

  pod(namespace: string, name: string): PodUsage | undefined {
    const key = `${namespace}/${name}`;
    for (const e of this.nodes.values()) {
      const containers = e.cur.pods.get(key);
      if (containers) return podUsage(key, containers, e.prev?.pods.get(key));
    }
    return undefined;
  }
}

function podUsage(key: string, cur: Map<string, CpuMemPoint>, prev: Map<string, CpuMemPoint> | undefined): PodUsage | undefined {
  if (!prev) return undefined;
  const slash = key.indexOf('/');
  const containers: PodUsage['containers'] = [];
  let timestamp = 0;
  let windowMs = 0;
  for (const [name, point] of cur) {
    const usage = usageBetween(prev.get(name), point);
    if (!usage) return undefined;
    containers.push({ name, usage });
    timestamp = Math.max(timestamp, usage.timestamp);
    windowMs = Math.max(windowMs, usage.windowMs);
  }
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1), timestamp, windowMs, containers };
}
