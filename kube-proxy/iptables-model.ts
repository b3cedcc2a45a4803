/**
 * iptables rules as data: what kube-proxy's iptables mode writes, in a form both the
 * `iptables-save` printer (iptables-save.ts) and the simulated data path (iptables-walk.ts)
 * read, so the rules a user prints are the rules packets follow.
 */

export type RuleMatch =
  | { readonly kind: 'comment'; readonly text: string }
  /** `-m tcp --dport N` (the protocol module; dport optional: `-m tcp` alone in SEP chains). */
  | { readonly kind: 'port'; readonly dport?: number }
  | { readonly kind: 'statistic'; readonly probability: number }
  | { readonly kind: 'recent'; readonly op: 'rcheck' | 'set'; readonly name: string; readonly seconds?: number }
  | { readonly kind: 'addrtype'; readonly dir: 'src' | 'dst'; readonly type: 'LOCAL' }
  | { readonly kind: 'mark'; readonly not: boolean; readonly value: string }
  | { readonly kind: 'conntrack'; readonly states: string };

export type RuleTarget =
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'dnat'; readonly to: string }
  | { readonly kind: 'reject' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'accept' }
  | { readonly kind: 'return' }
  | { readonly kind: 'mark-or' }
  | { readonly kind: 'mark-xor' }
  | { readonly kind: 'masquerade' };

export interface Rule {
  readonly chain: string;
  readonly src?: { readonly cidr: string; readonly not?: boolean };
  readonly dst?: string;
  /** Lower case, as iptables prints it. */
  readonly proto?: 'tcp' | 'udp' | 'sctp';
  readonly matches: readonly RuleMatch[];
  readonly target: RuleTarget;
}

export interface Table {
  readonly name: 'nat' | 'filter';
  /** Built-in chains with their policy, in the kernel's order. */
  readonly builtins: readonly string[];
  /** Every chain (built-in and kube-proxy's), mapped to its rules in order. */
  readonly chains: ReadonlyMap<string, readonly Rule[]>;
}

/** The mark kube-proxy's KUBE-MARK-MASQ sets (--masquerade-bit 14). */
export const MASQ_MARK = '0x4000';

export class TableBuilder {
  private readonly chains = new Map<string, Rule[]>();

  constructor(
    private readonly name: 'nat' | 'filter',
    private readonly builtins: readonly string[],
  ) {
    for (const b of builtins) this.chains.set(b, []);
  }

  /** Declares a chain even if it gets no rules (kube-proxy declares its fixed chains). */
  chain(name: string): void {
    if (!this.chains.has(name)) this.chains.set(name, []);
  }

  add(rule: Rule): void {
    const list = this.chains.get(rule.chain);
    if (list) list.push(rule);
    else this.chains.set(rule.chain, [rule]);
  }

  build(): Table {
    return { name: this.name, builtins: this.builtins, chains: this.chains };
  }
}
