import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The cluster autoscaler's Prometheus metrics under CA's names (metrics/metrics.go,
 * namespace `cluster_autoscaler`), served on /metrics. One registry per autoscaler, so
 * tests and several instances in one process do not share counters.
 */
export function createCaMetrics() {
  const registry = new Registry();
  const ns = 'cluster_autoscaler';
  const r = [registry];
  return {
    registry,
    clusterSafeToAutoscale: new Gauge({ name: `${ns}_cluster_safe_to_autoscale`, help: 'Whether or not cluster is healthy enough for autoscaling. 1 if it is, 0 otherwise.', registers: r }),
    nodesCount: new Gauge({ name: `${ns}_nodes_count`, help: 'Number of nodes in cluster.', labelNames: ['state'], registers: r }),
    nodeGroupsCount: new Gauge({ name: `${ns}_node_groups_count`, help: 'Number of node groups managed by CA.', labelNames: ['node_group_type'], registers: r }),
    unschedulablePodsCount: new Gauge({ name: `${ns}_unschedulable_pods_count`, help: 'Number of unschedulable pods in the cluster.', labelNames: ['type'], registers: r }),
    maxNodesCount: new Gauge({ name: `${ns}_max_nodes_count`, help: 'Maximum number of nodes in all node groups', registers: r }),
    lastActivity: new Gauge({ name: `${ns}_last_activity`, help: 'Last time certain part of CA logic executed.', labelNames: ['activity'], registers: r }),
    functionDuration: new Histogram({
      name: `${ns}_function_duration_seconds`,
      help: 'Time taken by various parts of CA main loop.',
      labelNames: ['function'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20, 22.5, 25, 27.5, 30, 50, 75, 100, 1000],
      registers: r,
    }),
    scaledUpNodes: new Counter({ name: `${ns}_scaled_up_nodes_total`, help: 'Number of nodes added by CA.', registers: r }),
    failedScaleUps: new Counter({ name: `${ns}_failed_scale_ups_total`, help: 'Number of times scale-up operation has failed.', labelNames: ['reason'], registers: r }),
    scaledDownNodes: new Counter({ name: `${ns}_scaled_down_nodes_total`, help: 'Number of nodes removed by CA.', labelNames: ['reason'], registers: r }),
    evictedPods: new Counter({ name: `${ns}_evicted_pods_total`, help: 'Number of pods evicted by CA', registers: r }),
    unneededNodes: new Gauge({ name: `${ns}_unneeded_nodes_count`, help: 'Number of nodes currently considered unneeded by CA.', registers: r }),
    unremovableNodes: new Gauge({ name: `${ns}_unremovable_nodes_count`, help: 'Number of nodes currently considered unremovable by CA.', labelNames: ['reason'], registers: r }),
    scaleDownInCooldown: new Gauge({ name: `${ns}_scale_down_in_cooldown`, help: 'Whether or not the scale down is in cooldown. 1 if its, 0 otherwise.', registers: r }),
    errors: new Counter({ name: `${ns}_errors_total`, help: 'The number of CA loops failed due to an error.', labelNames: ['type'], registers: r }),
    nodeGroupMin: new Gauge({ name: `${ns}_node_group_min_count`, help: 'Minimum number of nodes in the node group', labelNames: ['node_group'], registers: r }),
    nodeGroupMax: new Gauge({ name: `${ns}_node_group_max_count`, help: 'Maximum number of nodes in the node group', labelNames: ['node_group'], registers: r }),
    nodeGroupTarget: new Gauge({ name: `${ns}_node_group_target_count`, help: 'Target number of nodes in the node group by CA.', labelNames: ['node_group'], registers: r }),
  };
}

export type CaMetrics = ReturnType<typeof createCaMetrics>;
