/**
 * The parts of a Pod and a Node the scheduler reads, as structural types. Every field is
 * optional and every array readonly, so the full types from api/core (and plain JSON
 * objects off the wire) are assignable to these without a cast. Quantities are kept as
 * the API writes them (strings like "500m", "8Gi", or numbers) and parsed once when a
 * pod or node enters the cache.
 */

export type QuantityValue = string | number;
export type ResourceList = Readonly<Record<string, QuantityValue | undefined>>;

export interface ObjectMetaLike {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly deletionTimestamp?: string | null;
}

export interface ContainerPortLike {
  readonly containerPort?: number;
  readonly hostPort?: number;
  readonly hostIP?: string;
  readonly protocol?: string;
}

export interface ContainerLike {
  readonly name?: string;
  readonly resources?: { readonly requests?: ResourceList; readonly limits?: ResourceList };
  readonly ports?: readonly ContainerPortLike[];
  /** Only "Always" is meaningful: a restartable init container (sidecar). */
  readonly restartPolicy?: string;
}

export interface TolerationLike {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number | null;
}

export interface NodeSelectorRequirementLike {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface NodeSelectorTermLike {
  readonly matchExpressions?: readonly NodeSelectorRequirementLike[];
  readonly matchFields?: readonly NodeSelectorRequirementLike[];
}

export interface PreferredSchedulingTermLike {
  readonly weight: number;
  readonly preference: NodeSelectorTermLike;
}

export interface NodeAffinityLike {
  readonly requiredDuringSchedulingIgnoredDuringExecution?: {
    readonly nodeSelectorTerms: readonly NodeSelectorTermLike[];
  } | null;
  readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly PreferredSchedulingTermLike[];
}

export interface PodSpecLike {
  readonly nodeName?: string;
  readonly schedulerName?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly affinity?: { readonly nodeAffinity?: NodeAffinityLike | null } | null;
  readonly tolerations?: readonly TolerationLike[];
  readonly containers?: readonly ContainerLike[];
  readonly initContainers?: readonly ContainerLike[];
  readonly overhead?: ResourceList;
  readonly priority?: number;
  readonly preemptionPolicy?: string;
  /** Read by VolumeBinding (claims); other volume kinds are ignored by the scheduler. */
  readonly volumes?: readonly { readonly name?: string; readonly persistentVolumeClaim?: { readonly claimName?: string } | null; readonly ephemeral?: unknown }[];
}

export interface PodLike {
  readonly metadata?: ObjectMetaLike;
  readonly spec?: PodSpecLike;
  readonly status?: { readonly phase?: string; readonly nominatedNodeName?: string };
}

export interface TaintLike {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

export interface NodeLike {
  readonly metadata?: ObjectMetaLike;
  readonly spec?: { readonly unschedulable?: boolean; readonly taints?: readonly TaintLike[] };
  readonly status?: { readonly allocatable?: ResourceList; readonly capacity?: ResourceList };
}

/** The cache key of a pod: its UID, as kube-scheduler keys its cache, else namespace/name. */
export function podKey(pod: PodLike): string {
  const m = pod.metadata ?? {};
  if (m.uid) return m.uid;
  return `${m.namespace ?? 'default'}/${m.name ?? ''}`;
}

export function nodeName(node: NodeLike): string {
  return node.metadata?.name ?? '';
}
