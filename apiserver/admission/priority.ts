import type { PriorityClass } from '../../api/scheduling/index.js';

/**
 * kube's Priority admission plugin for pod creation, as a pure decision: the pod's
 * priorityClassName (or the global default class) gives spec.priority and
 * spec.preemptionPolicy; a pod may not name a missing class, nor carry an integer priority
 * or a policy that differs from its class's. Refusals are 403 Forbidden on the pod.
 */

export interface PodPriorityFields {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

export type PriorityDecision = { ok: true; fields: Required<Pick<PodPriorityFields, 'priority' | 'preemptionPolicy'>> & { priorityClassName?: string } } | { ok: false; reason: string };

const DEFAULT_POLICY = 'PreemptLowerPriority';

/** The global default class: the highest-valued class with globalDefault (kube allows several by race). */
export function globalDefault(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of classes) if (pc.globalDefault && (!best || pc.value > best.value)) best = pc;
  return best;
}

export function admitPodPriority(spec: PodPriorityFields, classes: readonly PriorityClass[]): PriorityDecision {
  let pc: PriorityClass | undefined;
  if (!spec.priorityClassName) {
    pc = globalDefault(classes);
  } else {
    pc = classes.find((c) => c.metadata.name === spec.priorityClassName);
    if (!pc) return { ok: false, reason: `no PriorityClass with name ${spec.priorityClassName} was found` };
  }
  const priority = pc?.value ?? 0;
  const preemptionPolicy = pc?.preemptionPolicy ?? DEFAULT_POLICY;
  if (spec.priority !== undefined && spec.priority !== priority) {
    return { ok: false, reason: `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name` };
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== preemptionPolicy) {
    return { ok: false, reason: `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name` };
  }
  return { ok: true, fields: { priority, preemptionPolicy, ...(pc ? { priorityClassName: pc.metadata.name } : {}) } };
}
