import { cidrContains, parseCidr, parseIPv4, type Cidr } from '../api/networking/cidr.js';
import type { IptablesRules } from './iptables-rules.js';
import type { Rule, Table } from './iptables-model.js';

/**
 * The simulated kernel walking kube-proxy's rules for one new connection: nat PREROUTING
 * (from a pod or from outside) or OUTPUT (from the node itself) → KUBE-SERVICES → … →
 * DNAT; then the filter table's REJECT/DROP for Services with nothing to send to; then
 * POSTROUTING's masquerade decision. The rules are the ones iptables-save prints.
 */

export interface Packet {
  readonly src: string;
  readonly dst: string;
  readonly dport: number;
  readonly proto: 'tcp' | 'udp' | 'sctp';
  /** The packet starts on this node (OUTPUT) rather than arriving from a pod or the wire (PREROUTING). */
  readonly fromNode: boolean;
}

/** `ip -> last seen (ms)` per `recent` list: the kernel's xt_recent tables of one node. */
export type RecentTables = Map<string, Map<string, number>>;

export interface WalkContext {
  /** Addresses that are LOCAL on this node (addrtype). */
  readonly isLocal: (ip: string) => boolean;
  readonly random: () => number;
  readonly nowMs: number;
  readonly recent: RecentTables;
  /** false: the walk records no hits (the data path without a trace); default true. */
  readonly collectHits?: boolean;
}

export interface RuleHit {
  readonly table: 'nat' | 'filter';
  readonly rule: Rule;
  /** The statistic probability this rule matched with, when it had one. */
  readonly probability?: number;
}

export interface WalkResult {
  readonly verdict: 'accept' | 'reject' | 'drop';
  /** `ip:port` when a DNAT rule rewrote the destination. */
  readonly dnat?: string;
  /** The KUBE-SEP chain that chose it. */
  readonly endpointChain?: string;
  readonly masquerade: boolean;
  /** The rules that matched and acted, in order (jumps included). */
  readonly hits: readonly RuleHit[];
}

/** Per-table lookup indexes: rules with a destination and port are found by a map, others scanned. */
interface ChainIndex {
  readonly rules: readonly Rule[];
  readonly byDst?: Map<string, number[]>;
  readonly generic?: number[];
}

const cidrCache = new Map<string, Cidr | undefined>();
function cidr(text: string): Cidr | undefined {
  let c = cidrCache.get(text);
  if (c === undefined && !cidrCache.has(text)) {
    c = parseCidr(text);
    cidrCache.set(text, c);
  }
  return c;
}

/** Parsed addresses: a walk asks about the same few packet addresses many times. */
const ipCache = new Map<string, number | undefined>();
function ipNumber(ip: string): number | undefined {
  let n = ipCache.get(ip);
  if (n === undefined && !ipCache.has(ip)) {
    n = parseIPv4(ip);
    if (ipCache.size > 200_000) ipCache.clear();
    ipCache.set(ip, n);
  }
  return n;
}

function inCidrN(n: number | undefined, text: string): boolean {
  const c = cidr(text);
  return !!c && n !== undefined && cidrContains(c, n);
}

/** A packet's addresses as numbers, parsed once per packet object. */
const packetNumbers = new WeakMap<Packet, { src: number | undefined; dst: number | undefined }>();
function numbersOf(p: Packet): { src: number | undefined; dst: number | undefined } {
  let n = packetNumbers.get(p);
  if (!n) packetNumbers.set(p, (n = { src: ipNumber(p.src), dst: ipNumber(p.dst) }));
  return n;
}

function dportOf(rule: Rule): number | undefined {
  for (const m of rule.matches) if (m.kind === 'port') return m.dport;
  return undefined;
}

const INDEX_THRESHOLD = 16;

export class CompiledRules {
  private readonly nat = new Map<string, ChainIndex>();
  private readonly filter = new Map<string, ChainIndex>();

  constructor(readonly rules: IptablesRules) {
    this.compile(rules.nat, this.nat);
    this.compile(rules.filter, this.filter);
  }

  private compile(table: Table, into: Map<string, ChainIndex>): void {
    for (const [name, rules] of table.chains) {
      if (rules.length < INDEX_THRESHOLD) {
        into.set(name, { rules });
        continue;
      }
      const byDst = new Map<string, number[]>();
      const generic: number[] = [];
      rules.forEach((r, i) => {
        const dport = dportOf(r);
        if (r.dst && dport !== undefined && !r.src) {
          const key = `${r.dst}|${dport}`;
          const list = byDst.get(key);
          if (list) list.push(i);
          else byDst.set(key, [i]);
        } else generic.push(i);
      });
      into.set(name, { rules, byDst, generic });
    }
  }

  /** Merged candidate lists per chain and destination key, built on first use (the rules never change). */
  private readonly mergedCache = new WeakMap<ChainIndex, Map<string, readonly Rule[]>>();
  private readonly genericCache = new WeakMap<ChainIndex, readonly Rule[]>();

  /** The rules of a chain a packet could match, in order. */
  private candidates(idx: ChainIndex, p: Packet): readonly Rule[] {
    if (!idx.byDst) return idx.rules;
    const key = `${p.dst}/32|${p.dport}`;
    let cache = this.mergedCache.get(idx);
    if (!cache) this.mergedCache.set(idx, (cache = new Map()));
    const hit = cache.get(key);
    if (hit) return hit;
    const keyed = idx.byDst.get(key);
    if (!keyed) {
      let generic = this.genericCache.get(idx);
      if (!generic) this.genericCache.set(idx, (generic = idx.generic!.map((i) => idx.rules[i]!)));
      return generic;
    }
    const merged = [...keyed, ...idx.generic!].sort((a, b) => a - b).map((i) => idx.rules[i]!);
    if (cache.size > 50_000) cache.clear();
    cache.set(key, merged);
    return merged;
  }

  /** Follows one new connection through this node's rules. */
  walk(p: Packet, ctx: WalkContext): WalkResult {
    const hits: RuleHit[] = [];
    const state = { mark: false, dnat: undefined as string | undefined, sep: undefined as string | undefined, verdict: 'accept' as WalkResult['verdict'] };
    this.run('nat', p.fromNode ? 'OUTPUT' : 'PREROUTING', p, ctx, state, hits, 0);
    if (!state.dnat) {
      // Filter: FORWARD/OUTPUT see KUBE-SERVICES; INPUT (to a local address) sees KUBE-EXTERNAL-SERVICES.
      this.run('filter', p.fromNode ? 'OUTPUT' : ctx.isLocal(p.dst) ? 'INPUT' : 'FORWARD', p, ctx, state, hits, 0);
    }
    if (state.verdict !== 'accept') return { verdict: state.verdict, masquerade: false, hits };
    const after: Packet = state.dnat ? { ...p, dst: state.dnat.slice(0, state.dnat.lastIndexOf(':')), dport: Number(state.dnat.slice(state.dnat.lastIndexOf(':') + 1)) } : p;
    const post = { ...state, masq: false };
    this.run('nat', 'POSTROUTING', after, ctx, post, hits, 0);
    return {
      verdict: 'accept',
      ...(state.dnat ? { dnat: state.dnat } : {}),
      ...(state.sep ? { endpointChain: state.sep } : {}),
      masquerade: post.masq,
      hits,
    };
  }

  /** Runs a chain; returns true when a terminating target ended the walk. */
  private run(
    table: 'nat' | 'filter',
    chain: string,
    p: Packet,
    ctx: WalkContext,
    state: { mark: boolean; dnat: string | undefined; sep: string | undefined; verdict: WalkResult['verdict']; masq?: boolean },
    hits: RuleHit[],
    depth: number,
  ): boolean {
    if (depth > 16) return false;
    const idx = (table === 'nat' ? this.nat : this.filter).get(chain);
    if (!idx) return false;
    for (const rule of this.candidates(idx, p)) {
      let probability: number | undefined;
      if (!this.matches(rule, p, ctx, state)) continue;
      for (const m of rule.matches) {
        if (m.kind === 'statistic') probability = m.probability;
        if (m.kind === 'recent' && m.op === 'set') {
          let t = ctx.recent.get(m.name);
          if (!t) ctx.recent.set(m.name, (t = new Map()));
          t.set(p.src, ctx.nowMs);
        }
      }
      const t = rule.target;
      if (t.kind !== 'mark-xor' && t.kind !== 'return' && ctx.collectHits !== false) hits.push(probability !== undefined ? { table, rule, probability } : { table, rule });
      switch (t.kind) {
        case 'jump': {
          if (t.chain.startsWith('KUBE-SEP-')) state.sep = t.chain;
          if (t.chain === 'KUBE-MARK-MASQ') {
            state.mark = true;
            continue;
          }
          if (this.run(table, t.chain, p, ctx, state, hits, depth + 1)) return true;
          continue;
        }
        case 'dnat':
          state.dnat = t.to;
          return true;
        case 'reject':
          state.verdict = 'reject';
          return true;
        case 'drop':
          state.verdict = 'drop';
          return true;
        case 'accept':
          return true;
        case 'return':
          return false;
        case 'mark-or':
          state.mark = true;
          continue;
        case 'mark-xor':
          continue;
        case 'masquerade':
          state.masq = true;
          return true;
      }
    }
    return false;
  }

  private matches(rule: Rule, p: Packet, ctx: WalkContext, state: { mark: boolean }): boolean {
    if (rule.proto && rule.proto !== p.proto) return false;
    if (rule.dst && !inCidrN(numbersOf(p).dst, rule.dst)) return false;
    if (rule.src && inCidrN(numbersOf(p).src, rule.src.cidr) === !!rule.src.not) return false;
    for (const m of rule.matches) {
      switch (m.kind) {
        case 'port':
          if (m.dport !== undefined && m.dport !== p.dport) return false;
          break;
        case 'statistic':
          if (ctx.random() >= m.probability) return false;
          break;
        case 'recent':
          if (m.op === 'rcheck') {
            const seen = ctx.recent.get(m.name)?.get(p.src);
            if (seen === undefined) return false;
            if (ctx.nowMs - seen > (m.seconds ?? 10800) * 1000) {
              ctx.recent.get(m.name)!.delete(p.src); // --reap
              return false;
            }
          }
          break;
        case 'addrtype':
          if (m.dir === 'dst' ? !ctx.isLocal(p.dst) : !(p.fromNode || ctx.isLocal(p.src))) return false;
          break;
        case 'mark':
          if (state.mark === m.not) return false;
          break;
        case 'conntrack':
          // Every simulated connection is NEW; INVALID and RELATED,ESTABLISHED never match.
          if (m.states !== 'NEW') return false;
          break;
        case 'comment':
          break;
      }
    }
    return true;
  }
}
