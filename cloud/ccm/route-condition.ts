import type { Node, NodeCondition } from '../../api/core/node.js';

/**
 * The NetworkUnavailable condition the route controller writes once a node's pod CIDR is
 * routed (kube's route_controller updateNetworkingCondition), and whether it is needed.
 * The whole conditions list is written (a merge patch replaces lists), with the other
 * conditions as they are.
 */
export const ROUTE_CREATED = { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' };

export function routeConditionPatch(node: Node, nowIso: string): { status: { conditions: NodeCondition[] } } | undefined {
  const conditions = node.status?.conditions ?? [];
  const cur = conditions.find((c) => c.type === 'NetworkUnavailable');
  if (cur && cur.status === 'False' && cur.reason === 'RouteCreated') return undefined;
  const next: NodeCondition = { ...ROUTE_CREATED, lastHeartbeatTime: nowIso, lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : nowIso };
  return { status: { conditions: cur ? conditions.map((c) => (c.type === 'NetworkUnavailable' ? next : c)) : [...conditions, next] } };
}
