/**
 * The scheduling framework's shape, after kube-scheduler's framework/interface.go: one
 * small interface per extension point, and results as data — a Status with a code and
 * reasons, never an exception. A plugin is a plain object implementing one or more of
 * the interfaces below; a Profile says which plugins run at which point, and with what
 * score weight (weights live in the profile, as in KubeSchedulerConfiguration, so one
 * plugin object can serve several profiles).
 */
import type { NodeInfo } from './node-info.js';
import type { PodLike } from './types.js';

export type Code =
  | 'Success'
  | 'Error'
  /** Rejected, but preemption or a cluster change (a pod leaving) could make room. */
  | 'Unschedulable'
  /** Rejected, and removing pods from the node would not help (wrong labels, taints…). */
  | 'UnschedulableAndUnresolvable'
  /** From PreFilter/PreScore: this plugin has nothing to do for the pod; skip its Filter/Score. */
  | 'Skip';

export interface Status {
  readonly code: Code;
  /** Short reasons, each counted separately in the FitError message. */
  readonly reasons: readonly string[];
  /** The plugin that produced the status; set by the framework when it rejects. */
  readonly plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) }) as Status;
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) }) as Status;

export function newStatus(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

/**
 * A frozen rejection with the plugin already set, for plugins whose reason never varies:
 * the framework then hands it on without copying (a Filter runs for thousands of nodes).
 */
export function constantStatus(code: Code, plugin: string, ...reasons: string[]): Status {
  return Object.freeze({ code, reasons: Object.freeze(reasons), plugin }) as Status;
}

export function isSuccess(s: Status): boolean {
  return s.code === 'Success';
}

/** Unschedulable or UnschedulableAndUnresolvable: the node (or pod) was turned down. */
export function isRejected(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
}

/** The status' reasons joined as kube's Status.Message() does. */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

export function withPlugin(s: Status, plugin: string): Status {
  return s.plugin === plugin ? s : { ...s, plugin };
}

/** The highest score a plugin may give a node after normalising (framework.MaxNodeScore). */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

/**
 * Per-scheduling-cycle scratch space: PreFilter/PreScore plugins compute something about
 * the pod once and Filter/Score read it for every node. Keys are plugin-owned strings.
 */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose Filter is skipped for this pod (their PreFilter answered Skip). */
  readonly skipFilter = new Set<string>();
  /** Plugins whose Score is skipped for this pod (their PreScore answered Skip). */
  readonly skipScore = new Set<string>();

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
}

/** A plugin's identity; every extension point interface extends it. */
export interface Plugin {
  readonly name: string;
}

/**
 * PreFilter: runs once per pod before any Filter. It may reject the pod outright (the
 * FitError then carries its message), answer Skip, or narrow the nodes worth filtering
 * (`nodeNames`: the pod can only go to these; undefined means all nodes).
 */
export interface PreFilterOutcome {
  readonly status: Status;
  readonly nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(pod: PodLike, state: CycleState): PreFilterOutcome;
}

/** Filter: may the pod run on this node? Must be pure: called for many nodes per pod. */
export interface FilterPlugin extends Plugin {
  filter(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): Status;
}

/** PreScore: runs once per pod with the feasible nodes, before any Score. */
export interface PreScorePlugin extends Plugin {
  preScore(pod: PodLike, state: CycleState, nodes: readonly NodeInfo[]): Status;
}

/**
 * Score: a number for one feasible node. After all nodes are scored `normalize` (if any)
 * rewrites the list in place; the final value must lie in [0, MAX_NODE_SCORE].
 */
export interface ScorePlugin extends Plugin {
  score(pod: PodLike, nodeInfo: NodeInfo, state: CycleState): number;
  normalize?(scores: number[], pod: PodLike, state: CycleState): void;
}

/**
 * PreBind: runs after the node is chosen and assumed, before the pod's binding is written;
 * may make API writes and wait (VolumeBinding waits for claims to bind). A non-success
 * status abandons the binding: the pod is forgotten and retried with backoff.
 */
export interface PreBindPlugin extends Plugin {
  preBind(pod: PodLike, nodeName: string, nodeLabels: Readonly<Record<string, string>>): Promise<Status>;
}

export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** The plugins one scheduler profile runs, in order, per extension point. */
export interface Profile {
  /** Pods with this spec.schedulerName are scheduled with this profile. */
  readonly schedulerName: string;
  readonly preFilter: readonly PreFilterPlugin[];
  readonly filter: readonly FilterPlugin[];
  readonly preScore: readonly PreScorePlugin[];
  readonly score: readonly WeightedScorePlugin[];
  /** Optional: unset means none. */
  readonly preBind?: readonly PreBindPlugin[];
  /**
   * Whether the profile stands in for kube's DefaultPreemption PostFilter when writing the
   * FitError. Kubeling never evicts pods; with this on, the message gains the suffix kube
   * prints when preemption finds no victims (see schedule-pod.ts), so `kubectl describe`
   * reads as against kube-scheduler's default profile.
   */
  readonly preemption: boolean;
  /** Profile-level percentageOfNodesToScore (0 or unset: the adaptive default). */
  readonly percentageOfNodesToScore?: number;
}

/**
 * The default normaliser (helper.DefaultNormalizeScore): scales scores so the highest
 * becomes `max` (integer arithmetic, as kube), and with `reverse` flips them so the
 * lowest raw score wins. All zeros stay zero, or all become `max` when reversed.
 */
export function defaultNormalizeScore(scores: number[], max: number, reverse: boolean): void {
  let top = 0;
  for (const s of scores) if (s > top) top = s;
  if (top === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((max * scores[i]!) / top);
    if (reverse) s = max - s;
    scores[i] = s;
  }
}
