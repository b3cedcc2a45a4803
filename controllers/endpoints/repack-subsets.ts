import type { EndpointAddress, EndpointPort, EndpointSubset } from '../../api/core/endpoints.js';

/**
 * kube's endpoints.RepackSubsets: rewrites any list of subsets into the canonical N-to-M
 * form, where each subset holds every address that offers exactly the same set of ports
 * (an address that is ready on one port and not on another shows up in two subsets).
 * Addresses are identified by IP and targetRef UID; "not ready" wins over "ready" for the
 * same address and port. A subset without ports keeps its addresses (headless Services
 * without ports).
 *
 * Ordering is deterministic: addresses by IP then UID, ports by name, number, protocol,
 * subsets by their contents (kube orders ports and subsets by a hash instead; consumers
 * treat both as sets).
 */

const NO_PORT = '\u0000none';

const addressKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;

const portKey = (p: EndpointPort): string => JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']);

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareStrings(a.ip, b.ip) || compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

export function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return compareStrings(a.name ?? '', b.name ?? '') || a.port - b.port || compareStrings(a.protocol ?? '', b.protocol ?? '');
}

interface PortEntry {
  port?: EndpointPort;
  /** addressKey → ready */
  addrs: Map<string, boolean>;
}

export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const allAddrs = new Map<string, EndpointAddress>();
  const byPort = new Map<string, PortEntry>();

  const add = (addr: EndpointAddress, port: EndpointPort | undefined, ready: boolean): void => {
    const ak = addressKey(addr);
    if (!allAddrs.has(ak)) allAddrs.set(ak, structuredClone(addr));
    const pk = port ? portKey(port) : NO_PORT;
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port: port && structuredClone(port), addrs: new Map() }));
    // Not ready trumps ready.
    if (entry.addrs.get(ak) !== false) entry.addrs.set(ak, ready);
  };

  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const port of ports) {
      for (const a of s.addresses ?? []) add(a, port, true);
      for (const a of s.notReadyAddresses ?? []) add(a, port, false);
    }
  }

  // Group ports by the exact set of (address, readiness) offering them.
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const entry of byPort.values()) {
    const key = [...entry.addrs].map(([k, r]) => `${k}\u0000${r}`).sort().join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs: entry.addrs, ports: [] }));
    if (entry.port) g.ports.push(entry.port);
  }

  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.addrs) (r ? ready : notReady).push(structuredClone(allAddrs.get(k)!));
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length) subset.ports = g.ports.sort(comparePorts);
    out.push(subset);
  }
  const sortKey = (s: EndpointSubset): string => JSON.stringify([s.addresses?.map(addressKey), s.notReadyAddresses?.map(addressKey), s.ports?.map(portKey)]);
  return out.sort((a, b) => compareStrings(sortKey(a), sortKey(b)));
}
