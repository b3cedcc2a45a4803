/**
 * The cluster autoscaler's settings, named and defaulted as kubernetes/autoscaler's
 * AutoscalingOptions and its flags (cluster-autoscaler/main.go, FAQ "What are the
 * parameters to CA?"). Durations are milliseconds here; the CLI parses Go durations.
 */

export const EXPANDERS = ['random', 'most-pods', 'least-waste', 'price', 'priority'] as const;
export type ExpanderName = (typeof EXPANDERS)[number];

export interface AutoscalingOptions {
  /** --scan-interval: how often the cluster is re-evaluated. */
  scanIntervalMs: number;
  /** --expander: one name or a comma-separated chain, each narrowing the previous one's picks. */
  expander: ExpanderName[];
  /** --max-nodes-total: 0 means no limit. */
  maxNodesTotal: number;
  /** --max-node-provision-time: a node not registered by then marks its scale-up failed. */
  maxNodeProvisionTimeMs: number;
  /** --scale-down-enabled */
  scaleDownEnabled: boolean;
  /** --scale-down-utilization-threshold: requested cpu and memory below this (fraction of allocatable). */
  scaleDownUtilizationThreshold: number;
  /** --scale-down-unneeded-time */
  scaleDownUnneededTimeMs: number;
  /** --scale-down-delay-after-add */
  scaleDownDelayAfterAddMs: number;
  /** --scale-down-delay-after-delete (default: the scan interval). */
  scaleDownDelayAfterDeleteMs: number;
  /** --scale-down-delay-after-failure */
  scaleDownDelayAfterFailureMs: number;
  /** --max-empty-bulk-delete */
  maxEmptyBulkDelete: number;
  /** --max-graceful-termination-sec, in ms: how long evicted pods may take to go. */
  maxGracefulTerminationMs: number;
  /** --max-pod-eviction-time: how long to keep retrying an eviction a PDB refuses. */
  maxPodEvictionTimeMs: number;
  /** --skip-nodes-with-local-storage */
  skipNodesWithLocalStorage: boolean;
  /** --skip-nodes-with-system-pods */
  skipNodesWithSystemPods: boolean;
  /** --initial-node-group-backoff-duration / --max-node-group-backoff-duration */
  initialNodeGroupBackoffMs: number;
  maxNodeGroupBackoffMs: number;
  /** --new-pod-scale-up-delay: pods younger than this are left to the scheduler. */
  newPodScaleUpDelayMs: number;
  /** --write-status-configmap / --status-config-map-name */
  writeStatusConfigMap: boolean;
  statusConfigMapName: string;
}

export const DEFAULT_OPTIONS: AutoscalingOptions = {
  scanIntervalMs: 10_000,
  expander: ['least-waste'],
  maxNodesTotal: 0,
  maxNodeProvisionTimeMs: 15 * 60_000,
  scaleDownEnabled: true,
  scaleDownUtilizationThreshold: 0.5,
  scaleDownUnneededTimeMs: 10 * 60_000,
  scaleDownDelayAfterAddMs: 10 * 60_000,
  scaleDownDelayAfterDeleteMs: 10_000,
  scaleDownDelayAfterFailureMs: 3 * 60_000,
  maxEmptyBulkDelete: 10,
  maxGracefulTerminationMs: 600_000,
  maxPodEvictionTimeMs: 2 * 60_000,
  skipNodesWithLocalStorage: true,
  skipNodesWithSystemPods: true,
  initialNodeGroupBackoffMs: 5 * 60_000,
  maxNodeGroupBackoffMs: 30 * 60_000,
  newPodScaleUpDelayMs: 0,
  writeStatusConfigMap: true,
  statusConfigMapName: 'cluster-autoscaler-status',
};

/** The namespace CA keeps its status ConfigMap, priority ConfigMap and Lease in. */
export const CA_NAMESPACE = 'kube-system';
export const PRIORITY_CONFIGMAP = 'cluster-autoscaler-priority-expander';
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';
export const DELETION_CANDIDATE_TAINT = 'DeletionCandidateOfClusterAutoscaler';
export const SCALE_DOWN_DISABLED_ANNOTATION = 'cluster-autoscaler.kubernetes.io/scale-down-disabled';
export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
export const EVENT_SOURCE = 'cluster-autoscaler';
