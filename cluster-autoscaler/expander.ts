import { parse as parseYaml } from 'yaml';
import type { NodeGroupView } from '../cloud/cloud-provider.js';
import type { NodeInfo } from '../scheduler/node-info.js';
import type { PodLike } from '../scheduler/types.js';
import type { ExpanderName } from './options.js';

/**
 * Expanders: which of the groups that could help gets the scale-up, as CA's
 * expander/* strategies. Each narrows the options to its best ones; a chain
 * (`--expander=priority,least-waste`) applies them in turn, and when several options
 * remain at the end one is picked at random (CA's fallback).
 *
 * - random: any.
 * - most-pods: the option scheduling the most pods.
 * - least-waste: the least idle cpu + memory (fractions) on the new nodes once the pods
 *   are on them; ties go to the next expander (or random).
 * - price: the lowest node-hour price per pod scheduled (nodeCount × price ÷ pods); groups
 *   without a price cost as much as the dearest one priced, so priced groups win ties.
 * - priority: the `cluster-autoscaler-priority-expander` ConfigMap's `priorities` (YAML:
 *   priority → list of regular expressions matched against whole group names); the
 *   options of the highest priority any regex matches. Without the ConfigMap, or when
 *   nothing matches, all options pass (CA logs and falls back likewise).
 */

export interface ExpansionOption {
  group: NodeGroupView;
  nodeCount: number;
  pods: PodLike[];
  /** The simulated new nodes with the pods on them (binpacking result). */
  nodes: NodeInfo[];
}

export interface ExpanderContext {
  random: () => number;
  /** data.priorities of the priority ConfigMap, if any. */
  priorities?: string;
}

export type PriorityParse = { byPriority: Array<{ priority: number; patterns: RegExp[] }> } | { error: string };

export function parsePriorities(text: string | undefined): PriorityParse {
  if (text === undefined) return { error: 'priority expander ConfigMap has no "priorities" key' };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { error: `priorities: ${(err as Error).message}` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { error: 'priorities must map an integer priority to a list of regular expressions' };
  const out: Array<{ priority: number; patterns: RegExp[] }> = [];
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const priority = Number(k);
    if (!Number.isInteger(priority)) return { error: `priority "${k}" is not an integer` };
    const list = Array.isArray(v) ? v : [v];
    const patterns: RegExp[] = [];
    for (const p of list) {
      try {
        patterns.push(new RegExp(`^(?:${String(p)})$`));
      } catch (err) {
        return { error: `priority ${k}: invalid regular expression "${String(p)}": ${(err as Error).message}` };
      }
    }
    out.push({ priority, patterns });
  }
  return { byPriority: out.sort((a, b) => b.priority - a.priority) };
}

export function wasteScore(o: ExpansionOption): number {
  let cpuAlloc = 0;
  let memAlloc = 0;
  let cpuReq = 0;
  let memReq = 0;
  for (const n of o.nodes) {
    cpuAlloc += n.allocatable.milliCPU;
    memAlloc += n.allocatable.memory;
    cpuReq += n.requested.milliCPU;
    memReq += n.requested.memory;
  }
  const cpuWaste = cpuAlloc > 0 ? (cpuAlloc - cpuReq) / cpuAlloc : 0;
  const memWaste = memAlloc > 0 ? (memAlloc - memReq) / memAlloc : 0;
  return cpuWaste + memWaste;
}

function best<T>(items: readonly T[], score: (t: T) => number, lowest: boolean): T[] {
  let top = lowest ? Infinity : -Infinity;
  let out: T[] = [];
  const eps = 1e-9;
  for (const it of items) {
    const s = score(it);
    if (lowest ? s < top - eps : s > top + eps) {
      top = s;
      out = [it];
    } else if (Math.abs(s - top) <= eps) out.push(it);
  }
  return out;
}

/** One strategy: the subset of options it likes best (never empty for a non-empty input). */
export function narrow(name: ExpanderName, options: readonly ExpansionOption[], ctx: ExpanderContext): ExpansionOption[] {
  if (options.length <= 1) return [...options];
  switch (name) {
    case 'random':
      return [...options];
    case 'most-pods':
      return best(options, (o) => o.pods.length, false);
    case 'least-waste':
      return best(options, wasteScore, true);
    case 'price': {
      const priced = options.map((o) => o.group.price).filter((p): p is number => p !== undefined);
      const dearest = priced.length > 0 ? Math.max(...priced) : 1;
      return best(options, (o) => ((o.group.price ?? dearest) * o.nodeCount) / Math.max(1, o.pods.length), true);
    }
    case 'priority': {
      const parsed = parsePriorities(ctx.priorities);
      if ('error' in parsed) return [...options];
      for (const { patterns } of parsed.byPriority) {
        const hit = options.filter((o) => patterns.some((re) => re.test(o.group.name)));
        if (hit.length > 0) return hit;
      }
      return [...options];
    }
  }
}

/** Runs the chain, then picks one of what remains at random. Undefined for no options. */
export function bestOption(chain: readonly ExpanderName[], options: readonly ExpansionOption[], ctx: ExpanderContext): ExpansionOption | undefined {
  let left = [...options];
  for (const name of chain) left = narrow(name, left, ctx);
  if (left.length === 0) return undefined;
  return left[Math.min(left.length - 1, Math.floor(ctx.random() * left.length))];
}
