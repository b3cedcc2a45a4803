import { parseCidr, parseIPv4 } from '../api/networking/cidr.js';
import type { IptablesRules } from './iptables-rules.js';
import type { Rule, RuleMatch } from './iptables-model.js';

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

/** A rule with its matches pre-decoded into numbers and flags, built once per chain on first use. */
interface CompiledRule {
  readonly rule: Rule;
  readonly proto: string | undefined;
  /** -d: network and mask; `never` when the text is not a CIDR (the rule cannot match). */
  readonly dst: { readonly base: number; readonly mask: number } | undefined;
  readonly src: { readonly base: number; readonly mask: number; readonly not: boolean } | undefined;
  readonly never: boolean;
  readonly dport: number | undefined;
  readonly probability: number | undefined;
  /** Matches that depend on the walk's state (recent, addrtype, mark, conntrack), in rule order; empty for most. */
  readonly dynamic: readonly RuleMatch[];
  readonly recentSet: readonly string[];
  /** The target, decoded: a jump's chain (resolved to its index on first use), a DNAT's address. */
  readonly jump: string | undefined;
  jumpIdx: ChainIndex | null | undefined;
  readonly isSep: boolean;
  readonly dnat: { readonly to: string; readonly ip: string; readonly ipNum: number | undefined; readonly port: number } | undefined;
}

function compileRule(rule: Rule): CompiledRule {
  let never = false;
  let dst: CompiledRule['dst'];
  if (rule.dst) {
    const c = parseCidr(rule.dst);
    if (c) dst = { base: c.base, mask: c.mask };
    else never = true;
  }
  let src: CompiledRule['src'];
  if (rule.src) {
    const c = parseCidr(rule.src.cidr);
    // An unparsable -s never contains the source: `! -s garbage` always matches, `-s garbage` never.
    if (c) src = { base: c.base, mask: c.mask, not: !!rule.src.not };
    else if (!rule.src.not) never = true;
  }
  let dport: number | undefined;
  let probability: number | undefined;
  const dynamic: RuleMatch[] = [];
  const recentSet: string[] = [];
  for (const m of rule.matches) {
    if (m.kind === 'port') {
      if (m.dport !== undefined) dport = m.dport;
    } else if (m.kind === 'statistic') {
      // Kept in rule order with the other matches: the draw happens only when the earlier ones matched.
      probability = m.probability;
      dynamic.push(m);
    } else if (m.kind === 'recent') {
      if (m.op === 'set') recentSet.push(m.name);
      else dynamic.push(m);
    } else if (m.kind !== 'comment') dynamic.push(m);
  }
  const t = rule.target;
  let dnat: CompiledRule['dnat'];
  if (t.kind === 'dnat') {
    const colon = t.to.lastIndexOf(':');
    const ip = t.to.slice(0, colon);
    dnat = { to: t.to, ip, ipNum: parseIPv4(ip), port: Number(t.to.slice(colon + 1)) };
  }
  const jump = t.kind === 'jump' && t.chain !== 'KUBE-MARK-MASQ' ? t.chain : undefined;
  return { rule, proto: rule.proto, dst, src, never, dport, probability, dynamic, recentSet, jump, jumpIdx: undefined, isSep: !!jump && jump.startsWith('KUBE-SEP-'), dnat };
}

/** Per-chain lookup: rules with a /32 destination and a port are found by a map, others scanned. */
interface ChainIndex {
  readonly rules: readonly Rule[];
  /** Compiled on first use. */
  compiled?: readonly CompiledRule[];
  /** Long chains (KUBE-SERVICES, KUBE-NODEPORTS): rule positions by `dst * 65536 + dport`. */
  byDst?: Map<number, number[]>;
  generic?: readonly CompiledRule[];
  genericAt?: readonly number[];
  /** Merged candidate lists per destination key, built on first use (the rules never change). */
  merged?: Map<number, readonly CompiledRule[]>;
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

/** The packet as the compiled walk reads it: addresses as numbers, parsed once. */
interface NumericPacket {
  readonly p: Packet;
  readonly src: number | undefined;
  readonly dst: number | undefined;
  readonly dport: number;
}

const INDEX_THRESHOLD = 16;

interface WalkState {
  mark: boolean;
  dnat: CompiledRule['dnat'];
  sep: string | undefined;
  verdict: WalkResult['verdict'];
  masq: boolean;
}

const NO_HITS: readonly RuleHit[] = Object.freeze([]);

export class CompiledRules {
  private readonly nat = new Map<string, ChainIndex>();
  private readonly filter = new Map<string, ChainIndex>();

  constructor(readonly rules: IptablesRules) {
    for (const [name, list] of rules.nat.chains) this.nat.set(name, { rules: list });
    for (const [name, list] of rules.filter.chains) this.filter.set(name, { rules: list });
  }

  private compileChain(idx: ChainIndex): readonly CompiledRule[] {
    const compiled = idx.rules.map(compileRule);
    idx.compiled = compiled;
    if (compiled.length >= INDEX_THRESHOLD) {
      const byDst = new Map<number, number[]>();
      const generic: CompiledRule[] = [];
      const genericAt: number[] = [];
      compiled.forEach((r, i) => {
        if (isIndexed(r)) {
          const key = r.dst!.base * 65536 + r.dport!;
          const list = byDst.get(key);
          if (list) list.push(i);
          else byDst.set(key, [i]);
        } else {
          generic.push(r);
          genericAt.push(i);
        }
      });
      idx.byDst = byDst;
      idx.generic = generic;
      idx.genericAt = genericAt;
      idx.merged = new Map();
    }
    return compiled;
  }

  /** The rules of a chain a packet could match, in order. */
  private candidates(idx: ChainIndex, p: NumericPacket): readonly CompiledRule[] {
    const all = idx.compiled ?? this.compileChain(idx);
    if (!idx.byDst) return all;
    if (p.dst === undefined) return idx.generic!;
    const key = p.dst * 65536 + p.dport;
    const hit = idx.merged!.get(key);
    if (hit) return hit;
    const keyed = idx.byDst.get(key);
    if (!keyed) return idx.generic!;
    const merged: CompiledRule[] = [];
    const g = idx.genericAt!;
    for (let a = 0, b = 0; a < keyed.length || b < g.length; ) {
      if (b >= g.length || (a < keyed.length && keyed[a]! < g[b]!)) merged.push(all[keyed[a++]!]!);
      else merged.push(all[g[b++]!]!);
    }
    if (idx.merged!.size > 50_000) idx.merged!.clear();
    idx.merged!.set(key, merged);
    return merged;
  }

  /** Follows one new connection through this node's rules. */
  walk(p: Packet, ctx: WalkContext): WalkResult {
    const hits: RuleHit[] | undefined = ctx.collectHits === false ? undefined : [];
    const state: WalkState = { mark: false, dnat: undefined, sep: undefined, verdict: 'accept', masq: false };
    const np: NumericPacket = { p, src: ipNumber(p.src), dst: ipNumber(p.dst), dport: p.dport };
    this.run(this.nat.get(p.fromNode ? 'OUTPUT' : 'PREROUTING'), 'nat', np, ctx, state, hits, 0);
    if (!state.dnat) {
      // Filter: FORWARD/OUTPUT see KUBE-SERVICES; INPUT (to a local address) sees KUBE-EXTERNAL-SERVICES.
      this.run(this.filter.get(p.fromNode ? 'OUTPUT' : ctx.isLocal(p.dst) ? 'INPUT' : 'FORWARD'), 'filter', np, ctx, state, hits, 0);
    }
    if (state.verdict !== 'accept') return { verdict: state.verdict, masquerade: false, hits: hits ?? NO_HITS };
    let after = np;
    const d = state.dnat;
    if (d) after = { p: { src: p.src, dst: d.ip, dport: d.port, proto: p.proto, fromNode: p.fromNode }, src: np.src, dst: d.ipNum, dport: d.port };
    this.run(this.nat.get('POSTROUTING'), 'nat', after, ctx, state, hits, 0);
    return {
      verdict: 'accept',
      dnat: d?.to,
      endpointChain: state.sep,
      masquerade: state.masq,
      hits: hits ?? NO_HITS,
    };
  }

  /** Runs a chain; returns true when a terminating target ended the walk. */
  private run(idx: ChainIndex | undefined, table: 'nat' | 'filter', p: NumericPacket, ctx: WalkContext, state: WalkState, hits: RuleHit[] | undefined, depth: number): boolean {
    if (!idx || depth > 16) return false;
    const list = this.candidates(idx, p);
    for (let i = 0; i < list.length; i++) {
      const cr = list[i]!;
      if (!matches(cr, p, ctx, state)) continue;
      for (let k = 0; k < cr.recentSet.length; k++) {
        const name = cr.recentSet[k]!;
        let t = ctx.recent.get(name);
        if (!t) ctx.recent.set(name, (t = new Map()));
        t.set(p.p.src, ctx.nowMs);
      }
      const t = cr.rule.target;
      if (hits && t.kind !== 'mark-xor' && t.kind !== 'return') hits.push(cr.probability !== undefined ? { table, rule: cr.rule, probability: cr.probability } : { table, rule: cr.rule });
      if (cr.jump !== undefined) {
        if (cr.isSep) state.sep = cr.jump;
        if (cr.jumpIdx === undefined) cr.jumpIdx = (table === 'nat' ? this.nat : this.filter).get(cr.jump) ?? null;
        if (cr.jumpIdx && this.run(cr.jumpIdx, table, p, ctx, state, hits, depth + 1)) return true;
        continue;
      }
      if (cr.dnat) {
        state.dnat = cr.dnat;
        return true;
      }
      switch (t.kind) {
        case 'jump': // KUBE-MARK-MASQ: sets the mark and returns
          state.mark = true;
          continue;
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
        default:
          continue;
      }
    }
    return false;
  }
}

function isIndexed(r: CompiledRule): boolean {
  return !!r.dst && r.dst.mask === 0xffffffff && r.dport !== undefined && !r.src && !r.never;
}

function matches(r: CompiledRule, p: NumericPacket, ctx: WalkContext, state: WalkState): boolean {
  if (r.never) return false;
  if (r.proto !== undefined && r.proto !== p.p.proto) return false;
  if (r.dst && (p.dst === undefined || ((p.dst & r.dst.mask) >>> 0) !== r.dst.base)) return false;
  if (r.src) {
    const inside = p.src !== undefined && ((p.src & r.src.mask) >>> 0) === r.src.base;
    if (inside === r.src.not) return false;
  }
  if (r.dport !== undefined && r.dport !== p.dport) return false;
  for (const m of r.dynamic) {
    switch (m.kind) {
      case 'statistic':
        if (ctx.random() >= m.probability) return false;
        break;
      case 'recent':
        if (m.op === 'rcheck') {
          const seen = ctx.recent.get(m.name)?.get(p.p.src);
          if (seen === undefined) return false;
          if (ctx.nowMs - seen > (m.seconds ?? 10800) * 1000) {
            ctx.recent.get(m.name)!.delete(p.p.src); // --reap
            return false;
          }
        }
        break;
      case 'addrtype':
        if (m.dir === 'dst' ? !ctx.isLocal(p.p.dst) : !(p.p.fromNode || ctx.isLocal(p.p.src))) return false;
        break;
      case 'mark':
        if (state.mark === m.not) return false;
        break;
      case 'conntrack':
        // Every simulated connection is NEW; INVALID and RELATED,ESTABLISHED never match.
        if (m.states !== 'NEW') return false;
        break;
      default:
        break;
    }
  }
  return true;
}
