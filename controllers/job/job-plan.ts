import type { Job, JobCondition, JobStatus } from '../../api/batch/schemas.js';
import { formatIndexes, parseIndexes } from '../../api/batch/indexes.js';
import type { Pod } from '../../api/core/pod.js';
import { formatTime, isPodReady, parseTime } from '../replicaset/pod-status.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';

/**
 * What the Job controller does next for one Job, decided from the Job and the pods it
 * owns (kube's syncJob in pkg/controller/job/job_controller.go, without the pod
 * finalizers: finished pods are counted while they exist, and the counts in status never
 * go down). Pure: the controller applies the plan (creates, deletes, status, events).
 */

export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** kube's DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface JobPlan {
  status: JobStatus;
  /** Pods to create: one entry each, with its completion index in Indexed mode. */
  create: Array<{ index?: number }>;
  /** Active pods to delete (scale-down, suspension, a finished Job's leftovers). */
  delete: Pod[];
  events: PlannedEvent[];
  /** When to look again although nothing changes (deadline, backoff, TTL is elsewhere). */
  requeueAfterMs?: number;
}

export function jobCondition(job: Pick<Job, 'status'>, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

export function isJobFinished(job: Pick<Job, 'status'>): boolean {
  return ['Complete', 'Failed'].some((t) => jobCondition(job, t)?.status === 'True');
}

/** The completion index of a pod (annotation, as kube reads it), or undefined. */
export function podIndex(pod: Pod): number | undefined {
  const raw = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? pod.metadata.labels?.[COMPLETION_INDEX_ANNOTATION];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** When a pod finished: its containers' latest finishedAt, else its last condition change. */
export function podFinishTime(pod: Pod): number | undefined {
  let latest: number | undefined;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const t = parseTime(s.state?.terminated?.finishedAt);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) return latest;
  for (const c of pod.status?.conditions ?? []) {
    const t = parseTime(c.lastTransitionTime);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

function setCondition(conds: JobCondition[], type: string, status: string, reason: string, message: string, now: string): JobCondition[] {
  const existing = conds.find((c) => c.type === type);
  if (existing && existing.status === status && existing.reason === reason && existing.message === message) return conds;
  const next: JobCondition = {
    type,
    status,
    lastProbeTime: now,
    lastTransitionTime: existing && existing.status === status ? existing.lastTransitionTime : now,
    reason,
    message,
  };
  return existing ? conds.map((c) => (c === existing ? next : c)) : [...conds, next];
}

interface Counts {
  active: Pod[];
  terminating: number;
  succeeded: number;
  failed: number;
  ready: number;
  succeededIndexes: Set<number>;
  /** A FailJob match of the pod failure policy, if any failed pod has one. */
  failJob?: string;
  lastFailureAt?: number;
}

function countPods(job: Job, pods: readonly Pod[]): Counts {
  const rules = job.spec?.podFailurePolicy?.rules;
  const c: Counts = { active: [], terminating: 0, succeeded: 0, failed: 0, ready: 0, succeededIndexes: new Set() };
  const completions = job.spec?.completions ?? 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded') {
      c.succeeded++;
      const i = podIndex(pod);
      if (i !== undefined && i < completions) c.succeededIndexes.add(i);
    } else if (phase === 'Failed') {
      const match = matchPodFailurePolicy(rules, pod);
      if (match?.action === 'Ignore') continue;
      if (match?.action === 'FailJob') c.failJob ??= match.message;
      c.failed++;
      const at = podFinishTime(pod);
      if (at !== undefined && (c.lastFailureAt === undefined || at > c.lastFailureAt)) c.lastFailureAt = at;
    } else if (pod.metadata.deletionTimestamp) {
      c.terminating++;
    } else {
      c.active.push(pod);
      if (isPodReady(pod)) c.ready++;
    }
  }
  return c;
}

/** Restarts of the active pods' containers, which count against backoffLimit under OnFailure. */
function activeRestarts(active: readonly Pod[]): number {
  let n = 0;
  for (const p of active) {
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) n += s.restartCount ?? 0;
  }
  return n;
}

/** The success policy rule (index) the succeeded indexes satisfy, if any (Indexed Jobs only). */
export function matchSuccessPolicy(job: Job, succeeded: ReadonlySet<number>): number | undefined {
  const rules = job.spec?.successPolicy?.rules;
  const completions = job.spec?.completions ?? 0;
  if (!rules) return undefined;
  for (const [i, rule] of rules.entries()) {
    let wanted: number[] | undefined;
    if (rule.succeededIndexes !== undefined) {
      try {
        wanted = parseIndexes(rule.succeededIndexes, completions);
      } catch {
        continue;
      }
    }
    const hits = wanted ? wanted.filter((x) => succeeded.has(x)).length : succeeded.size;
    const ok = rule.succeededCount !== undefined ? hits >= rule.succeededCount : wanted !== undefined && hits === wanted.length;
    if (ok) return i;
  }
  return undefined;
}

export function planJob(job: Job, pods: readonly Pod[], nowMs: number): JobPlan {
  const spec = job.spec ?? {};
  const old = job.status ?? {};
  const now = formatTime(nowMs);
  const plan: JobPlan = { status: structuredClone(old), create: [], delete: [], events: [] };
  if (isJobFinished(job)) return plan;

  const counts = countPods(job, pods);
  const indexed = spec.completionMode === 'Indexed';
  const status = plan.status;
  let conds = status.conditions ?? [];
  // Finished pods may be deleted by users or pod GC: counts never go down.
  const succeeded = Math.max(counts.succeeded, old.succeeded ?? 0);
  const failed = Math.max(counts.failed, old.failed ?? 0);
  if (indexed) {
    const before = old.completedIndexes ? safeParse(old.completedIndexes, spec.completions ?? 0) : [];
    for (const i of before) counts.succeededIndexes.add(i);
  }

  const finish = (reason: string, message: string, success: boolean): void => {
    const target = success ? 'SuccessCriteriaMet' : 'FailureTarget';
    if (jobCondition({ status: { conditions: conds } }, target)?.status !== 'True') {
      conds = setCondition(conds, target, 'True', reason, message, now);
    }
    plan.delete.push(...counts.active);
  };

  // A Job already marked for success or failure only waits for its pods to go away.
  const successTarget = jobCondition(job, 'SuccessCriteriaMet')?.status === 'True';
  const failureTarget = jobCondition(job, 'FailureTarget')?.status === 'True';

  if (!successTarget && !failureTarget) {
    const backoffLimit = spec.backoffLimit ?? 6;
    const start = parseTime(old.startTime);
    const restartsExceeded =
      spec.template?.spec?.restartPolicy === 'OnFailure' && (backoffLimit === 0 ? activeRestarts(counts.active) > 0 : activeRestarts(counts.active) >= backoffLimit);
    const deadline = spec.activeDeadlineSeconds !== undefined && start !== undefined && !spec.suspend ? start + spec.activeDeadlineSeconds * 1000 : undefined;
    const complete = indexed
      ? counts.succeededIndexes.size >= (spec.completions ?? 0)
      : spec.completions !== undefined
        ? succeeded >= spec.completions
        : succeeded > 0 && counts.active.length === 0;
    const policyRule = indexed ? matchSuccessPolicy(job, counts.succeededIndexes) : undefined;

    if (counts.failJob) {
      finish('PodFailurePolicy', counts.failJob, false);
      plan.events.push({ type: 'Warning', reason: 'PodFailurePolicy', message: counts.failJob });
    } else if (failed > backoffLimit || restartsExceeded) {
      finish('BackoffLimitExceeded', 'Job has reached the specified backoff limit', false);
      plan.events.push({ type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    } else if (deadline !== undefined && nowMs >= deadline) {
      finish('DeadlineExceeded', 'Job was active longer than specified deadline', false);
      plan.events.push({ type: 'Warning', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    } else if (policyRule !== undefined) {
      finish('SuccessPolicy', `Matched rules at index ${policyRule}`, true);
    } else if (complete) {
      finish('CompletionsReached', 'Reached expected number of succeeded pods', true);
    } else if (spec.suspend) {
      plan.delete.push(...counts.active);
      if (jobCondition(job, 'Suspended')?.status !== 'True') {
        conds = setCondition(conds, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        plan.events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
      }
      // The deadline timer stops while suspended and restarts on resume (startTime is reset).
      delete status.startTime;
    } else {
      if (jobCondition(job, 'Suspended')?.status === 'True') {
        conds = setCondition(conds, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
        plan.events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
        status.startTime = now;
      }
      status.startTime ??= now;
      manage(job, counts, succeeded, failed, nowMs, plan);
      if (deadline !== undefined) plan.requeueAfterMs = minDefined(plan.requeueAfterMs, Math.max(0, deadline - nowMs));
      else if (spec.activeDeadlineSeconds !== undefined && start === undefined) plan.requeueAfterMs = minDefined(plan.requeueAfterMs, spec.activeDeadlineSeconds * 1000);
    }
  } else {
    plan.delete.push(...counts.active);
  }

  // The terminal condition follows its target once no pod runs or terminates any more.
  const targetNow = conds.find((c) => (c.type === 'SuccessCriteriaMet' || c.type === 'FailureTarget') && c.status === 'True');
  const remaining = counts.terminating + counts.active.length;
  if (targetNow && remaining === 0) {
    if (targetNow.type === 'SuccessCriteriaMet') {
      conds = setCondition(conds, 'Complete', 'True', targetNow.reason ?? '', targetNow.message ?? '', now);
      status.completionTime = now;
      plan.events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
    } else {
      conds = setCondition(conds, 'Failed', 'True', targetNow.reason ?? '', targetNow.message ?? '', now);
    }
  }

  const willDelete = new Set(plan.delete);
  const active = counts.active.filter((p) => !willDelete.has(p)).length + plan.create.length;
  status.conditions = conds.length > 0 ? conds : undefined;
  if (status.conditions === undefined) delete status.conditions;
  setCounter(status, 'active', active);
  setCounter(status, 'succeeded', succeeded);
  setCounter(status, 'failed', failed);
  status.ready = counts.ready;
  status.terminating = counts.terminating + plan.delete.length;
  if (indexed) {
    const text = formatIndexes(counts.succeededIndexes);
    if (text) status.completedIndexes = text;
    else delete status.completedIndexes;
  }
  status.uncountedTerminatedPods ??= {};
  return plan;
}

/** Creates or deletes active pods towards the wanted parallelism, after failure backoff. */
function manage(job: Job, counts: Counts, succeeded: number, failed: number, nowMs: number, plan: JobPlan): void {
  const spec = job.spec ?? {};
  const parallelism = spec.parallelism ?? 1;
  const active = counts.active;
  let want: number;
  if (spec.completionMode === 'Indexed') {
    want = Math.min(parallelism, (spec.completions ?? 0) - counts.succeededIndexes.size);
  } else if (spec.completions === undefined) {
    // A work-queue Job: once one pod succeeded, no new pods start.
    want = succeeded > 0 ? Math.min(active.length, parallelism) : parallelism;
  } else {
    want = Math.min(parallelism, spec.completions - succeeded);
  }
  want = Math.max(0, want);
  if (active.length > want) {
    // Newest first, as kube deletes the pods that did the least work.
    const ranked = [...active].sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    plan.delete.push(...ranked.slice(0, active.length - want));
    return;
  }
  if (active.length === want) return;
  if (failed > 0 && counts.lastFailureAt !== undefined) {
    const delay = Math.min(MAX_POD_FAILURE_BACKOFF_MS, POD_FAILURE_BACKOFF_MS * 2 ** Math.min(failed - 1, 20));
    const at = counts.lastFailureAt + delay;
    if (nowMs < at) {
      plan.requeueAfterMs = at - nowMs;
      return;
    }
  }
  const n = want - active.length;
  if (spec.completionMode === 'Indexed') {
    const busy = new Set(active.map(podIndex).filter((i): i is number => i !== undefined));
    for (let i = 0; i < (spec.completions ?? 0) && plan.create.length < n; i++) {
      if (!counts.succeededIndexes.has(i) && !busy.has(i)) plan.create.push({ index: i });
    }
  } else {
    for (let i = 0; i < n; i++) plan.create.push({});
  }
}

function setCounter(status: JobStatus, key: 'active' | 'succeeded' | 'failed', n: number): void {
  if (n > 0) status[key] = n;
  else delete status[key];
}

function minDefined(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.min(a, b);
}

function safeParse(text: string, completions: number): number[] {
  try {
    return parseIndexes(text, completions);
  } catch {
    return [];
  }
}
