import type { Node } from '../../api/core/node.js';

/**
 * Zone disruption, as kube's node lifecycle controller judges it (pure). Nodes are
 * grouped by zone (topology labels); when too many nodes of a zone are not Ready the
 * controller suspects its own view (a network partition, an apiserver problem) more than
 * the nodes, and slows or stops NoExecute tainting — which is what evicts pods:
 * - FullDisruption: no node of the zone is Ready;
 * - PartialDisruption: more than 2 nodes and at least unhealthyZoneThreshold (55 %) not Ready;
 * - Normal otherwise.
 * When every zone is fully disrupted, no NoExecute taint is added and the existing ones
 * are removed.
 */

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

export const LabelNodeExcludeDisruption = 'node.kubernetes.io/exclude-disruption';

/** kube's GetZoneKey: region and zone (GA or legacy beta labels); '' without either. */
export function zoneKey(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const zone = labels['failure-domain.beta.kubernetes.io/zone'] ?? labels['topology.kubernetes.io/zone'] ?? '';
  const region = labels['failure-domain.beta.kubernetes.io/region'] ?? labels['topology.kubernetes.io/region'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

export function isExcludedFromDisruption(node: Node): boolean {
  return LabelNodeExcludeDisruption in (node.metadata.labels ?? {});
}

/** ComputeZoneState: `ready` holds each node's Ready status (undefined: never posted). */
export function computeZoneState(ready: readonly (string | undefined)[], unhealthyThreshold: number): { state: ZoneState; notReady: number } {
  const notReady = ready.filter((s) => s !== 'True').length;
  const readyCount = ready.length - notReady;
  if (readyCount === 0 && notReady > 0) return { state: 'FullDisruption', notReady };
  if (notReady > 2 && notReady / ready.length >= unhealthyThreshold) return { state: 'PartialDisruption', notReady };
  return { state: 'Normal', notReady };
}

export interface EvictionRates {
  nodeEvictionRate: number;
  secondaryNodeEvictionRate: number;
  largeClusterSizeThreshold: number;
}

/**
 * How many nodes per second of this zone may get a NoExecute taint (kube's limiter
 * choice): normal rate when Normal or FullDisruption (some other zone is healthy), the
 * secondary rate in a partially disrupted large zone, none in a partially disrupted small
 * one, and none anywhere when every zone is fully disrupted.
 */
export function taintingRate(state: ZoneState, zoneSize: number, allFullyDisrupted: boolean, rates: EvictionRates): number {
  if (allFullyDisrupted) return 0;
  if (state === 'PartialDisruption') return zoneSize <= rates.largeClusterSizeThreshold ? 0 : rates.secondaryNodeEvictionRate;
  return rates.nodeEvictionRate;
}

export interface ZoneSnapshot {
  states: Map<string, { state: ZoneState; size: number }>;
  allFullyDisrupted: boolean;
}

/** Zone states for a set of nodes, given each node's effective Ready status. */
export function zoneSnapshot(nodes: readonly Node[], effectiveReady: (node: Node) => string | undefined, unhealthyThreshold: number): ZoneSnapshot {
  const byZone = new Map<string, (string | undefined)[]>();
  for (const node of nodes) {
    if (isExcludedFromDisruption(node)) continue;
    const key = zoneKey(node);
    let list = byZone.get(key);
    if (!list) byZone.set(key, (list = []));
    list.push(effectiveReady(node));
  }
  const states = new Map<string, { state: ZoneState; size: number }>();
  for (const [key, ready] of byZone) states.set(key, { state: computeZoneState(ready, unhealthyThreshold).state, size: ready.length });
  const all = [...states.values()];
  return { states, allFullyDisrupted: all.length > 0 && all.every((z) => z.state === 'FullDisruption') };
}
