import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EXIT_AFTER, parseDuration } from './annotations.js';
import { imagePlans, type ImagePlan } from './image-pull.js';

/**
 * The simulated pod lifecycle as data, after kwok's pod stages: each stage says which
 * pods it applies to (their simulated state, whether they are being deleted, an
 * annotation), how long it takes (a delay with jitter, or a duration read from an
 * annotation) and the state it leads to. The simulator picks the first stage that matches
 * a pod, waits, and applies it (pod-lifecycle.ts: what each state means for the status).
 *
 * The timings here are defaults; a YAML/JSON file can override any stage by name or add
 * stages (loadStageConfig).
 */

/**
 * Where a pod is in the simulated kubelet:
 * New → Admitted (Pending, ContainerCreating) → SandboxReady (pod IP; the image plan is
 * decided here: pull, refresh, present, or blocked by policy Never) → Pulled (images
 * there) → Running ⇄ BackOff (CrashLoopBackOff after an exit with restart) →
 * Succeeded/Failed (terminal); a pod being deleted goes to Stopped (containers killed)
 * then Deleted (the kubelet removed it from the apiserver). `Exited` is a stage target
 * only: it resolves at once to BackOff, Succeeded or Failed by the restart policy.
 */
export const simStates = [
  'New',
  'Admitted',
  'SandboxReady',
  'Pulled',
  'Running',
  'Exited',
  'BackOff',
  'Succeeded',
  'Failed',
  'Stopped',
  'Deleted',
] as const;
export type SimState = (typeof simStates)[number];

const delaySchema = z.object({
  /** Base delay. */
  ms: z.number().nonnegative().default(0),
  /** A uniformly random extra in [0, jitterMs). */
  jitterMs: z.number().nonnegative().default(0),
  /** When the pod has this annotation (a Go duration), it replaces ms and jitter. */
  fromAnnotation: z.string().optional(),
  /** The pod's planned exit (its containers' commands, pod-exit-plan.ts) gives the delay, counted from the containers' start. */
  fromPlannedExit: z.boolean().optional(),
  /** Never longer than what is left of the pod's deletion grace period. */
  capByGrace: z.boolean().default(false),
  /** The crash-loop back-off (restartBackoff) instead of ms/jitter. */
  backoff: z.boolean().default(false),
});
export type Delay = z.output<typeof delaySchema>;

const stageSchema = z.object({
  name: z.string(),
  from: z.array(z.enum(simStates)).min(1),
  /** true: only pods with a deletionTimestamp; false: only pods without. */
  deleting: z.boolean().default(false),
  /** Only pods carrying this annotation. */
  requiresAnnotation: z.string().optional(),
  /** Only pods whose containers all run a command that exits (pod-exit-plan.ts). */
  requiresPlannedExit: z.boolean().optional(),
  /** Only pods whose image plan (image-pull.ts, decided on entering SandboxReady) is one of these. */
  image: z.array(z.enum(imagePlans)).min(1).optional(),
  delay: delaySchema.default({ ms: 0, jitterMs: 0, capByGrace: false, backoff: false }),
  next: z.enum(simStates),
});
export type Stage = z.output<typeof stageSchema>;

export const stageConfigSchema = z.object({
  stages: z.array(stageSchema),
  /** CrashLoopBackOff: initial delay, doubling per restart up to max; reset after a run of 2 × max. */
  restartBackoff: z.object({ initialMs: z.number().positive(), maxMs: z.number().positive() }),
  /** Retry of a sandbox that could not get an IP (no podCIDR yet, range exhausted). */
  sandboxRetry: delaySchema,
  /** Default gap between a running container's periodic log lines (0: none). */
  logIntervalMs: z.number().nonnegative(),
});
export type StageConfig = z.output<typeof stageConfigSchema>;

const d = (ms: number, jitterMs = 0, extra: Partial<Delay> = {}): Delay => ({ ms, jitterMs, capByGrace: false, backoff: false, ...extra });

export const defaultStages: Stage[] = [
  { name: 'pod-admit', from: ['New'], deleting: false, delay: d(0), next: 'Admitted' },
  { name: 'pod-sandbox', from: ['Admitted'], deleting: false, delay: d(150, 200), next: 'SandboxReady' },
  // The first pod on a node using an image pulls it; later ones find it there (image-cache.ts).
  { name: 'image-pull', from: ['SandboxReady'], deleting: false, image: ['pull'], delay: d(800, 1200), next: 'Pulled' },
  // imagePullPolicy Always with the image on the node: the registry is asked for the digest, no layers move.
  { name: 'image-refresh', from: ['SandboxReady'], deleting: false, image: ['refresh'], delay: d(100, 200), next: 'Pulled' },
  { name: 'image-present', from: ['SandboxReady'], deleting: false, image: ['present'], delay: d(0), next: 'Pulled' },
  // imagePullPolicy Never and the image absent: ErrImageNeverPull, looked at again at kubelet's
  // pod worker back-off (10 s, jitter 0.5), when another pod may have brought the image.
  { name: 'image-never-pull', from: ['SandboxReady'], deleting: false, image: ['never-missing'], delay: d(10_000, 5000), next: 'SandboxReady' },
  { name: 'container-start', from: ['Pulled'], deleting: false, delay: d(50, 150), next: 'Running' },
  {
    name: 'container-exit',
    from: ['Running'],
    deleting: false,
    requiresAnnotation: EXIT_AFTER,
    delay: d(0, 0, { fromAnnotation: EXIT_AFTER }),
    next: 'Exited',
  },
  // Without the annotation: containers whose commands exit (`echo hello`, `sh -c "sleep 5"`) exit when those would.
  {
    name: 'command-exit',
    from: ['Running'],
    deleting: false,
    requiresPlannedExit: true,
    delay: d(0, 0, { fromPlannedExit: true }),
    next: 'Exited',
  },
  { name: 'container-restart', from: ['BackOff'], deleting: false, delay: d(0, 0, { backoff: true }), next: 'Running' },
  {
    name: 'pod-stop',
    from: ['Admitted', 'SandboxReady', 'Pulled', 'Running', 'BackOff'],
    deleting: true,
    delay: d(1000, 1000, { capByGrace: true }),
    next: 'Stopped',
  },
  { name: 'pod-delete', from: ['New', 'Stopped', 'Succeeded', 'Failed'], deleting: true, delay: d(0, 200), next: 'Deleted' },
];

export const defaultStageConfig: StageConfig = {
  stages: defaultStages,
  restartBackoff: { initialMs: 10_000, maxMs: 300_000 },
  sandboxRetry: d(5000, 5000),
  logIntervalMs: 10_000,
};

/** A partial config: stages named like a default one are merged into it, others appended. */
export interface StageConfigOverrides {
  stages?: Array<{ name: string } & Record<string, unknown>>;
  restartBackoff?: Partial<StageConfig['restartBackoff']>;
  sandboxRetry?: Partial<Delay>;
  logIntervalMs?: number;
}

/**
 * The shape of an overrides file, checked before merging: unknown keys (a misspelt
 * `stagez:`) and wrong types are errors, not silently ignored. Stage entries are partial
 * (a stage named like a default one is merged into it); the merged result is checked
 * whole by stageConfigSchema.
 */
const stageOverrideSchema = z.strictObject({
  ...stageSchema.partial().shape,
  name: z.string(),
  delay: delaySchema.partial().strict().optional(),
});
const overridesSchema = z.strictObject({
  stages: z.array(stageOverrideSchema).optional(),
  restartBackoff: z.strictObject({ initialMs: z.number(), maxMs: z.number() }).partial().optional(),
  sandboxRetry: delaySchema.partial().strict().optional(),
  logIntervalMs: z.number().optional(),
});

/** Merges overrides over a base config and validates the result (throws a readable error). */
export function mergeStageConfig(base: StageConfig, overrides: StageConfigOverrides = {}): StageConfig {
  const checked = overridesSchema.safeParse(overrides);
  if (!checked.success) throw new Error(`invalid stage config: ${z.prettifyError(checked.error)}`);
  const stages = base.stages.map((s) => ({ ...s, delay: { ...s.delay } })) as Array<Record<string, unknown>>;
  for (const o of overrides.stages ?? []) {
    const i = stages.findIndex((s) => s.name === o.name);
    if (i < 0) stages.push(o);
    else {
      const old = stages[i]!;
      stages[i] = { ...old, ...o, delay: { ...(old.delay as object), ...((o.delay as object | undefined) ?? {}) } };
    }
  }
  const merged = {
    stages,
    restartBackoff: { ...base.restartBackoff, ...overrides.restartBackoff },
    sandboxRetry: { ...base.sandboxRetry, ...overrides.sandboxRetry },
    logIntervalMs: overrides.logIntervalMs ?? base.logIntervalMs,
  };
  const result = stageConfigSchema.safeParse(merged);
  if (!result.success) throw new Error(`invalid stage config: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads overrides from a .json/.yaml file and merges them over the defaults. */
export function loadStageConfig(path: string): StageConfig {
  const text = readFileSync(path, 'utf8');
  const raw = (path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as unknown;
  try {
    if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
      throw new Error('invalid stage config: expected a mapping with stages, restartBackoff, sandboxRetry or logIntervalMs');
    }
    return mergeStageConfig(defaultStageConfig, (raw ?? {}) as StageConfigOverrides);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** What stage selection looks at. */
export interface StageFacts {
  state: SimState;
  deleting: boolean;
  annotations?: Record<string, string>;
  /** The pod's image plan; stages with an `image` selector never match a pod without one. */
  image?: ImagePlan;
  /** ms from start after which the pod's containers exit by their commands (pod-exit-plan.ts), if they do. */
  plannedExitMs?: number;
}

/** The first stage that applies to a pod, or undefined (the pod stays where it is). */
export function selectStage(stages: readonly Stage[], facts: StageFacts): Stage | undefined {
  return stages.find(
    (s) =>
      s.from.includes(facts.state) &&
      s.deleting === facts.deleting &&
      (!s.requiresAnnotation || facts.annotations?.[s.requiresAnnotation] !== undefined) &&
      (!s.image || (facts.image !== undefined && s.image.includes(facts.image))) &&
      (!s.requiresPlannedExit || facts.plannedExitMs !== undefined),
  );
}

export interface DelayFacts {
  annotations?: Record<string, string>;
  /** ms left of the deletion grace period (deletionTimestamp − now), for capByGrace. */
  graceRemainingMs?: number;
  /** Exits so far in the current back-off series before this one (0: the first exit). */
  backoffStep?: number;
  /** For fromPlannedExit: as StageFacts.plannedExitMs. */
  plannedExitMs?: number;
}

/** How long a stage takes for a pod; random() in [0,1) draws the jitter. */
export function stageDelayMs(stage: Stage, cfg: StageConfig, facts: DelayFacts, random: () => number = Math.random): number {
  const delay = stage.delay;
  let ms: number;
  const fromAnnotation = delay.fromAnnotation ? parseDuration(facts.annotations?.[delay.fromAnnotation]) : undefined;
  if (fromAnnotation !== undefined) ms = fromAnnotation;
  else if (delay.fromPlannedExit && facts.plannedExitMs !== undefined) ms = facts.plannedExitMs;
  else if (delay.backoff) ms = backoffMs(cfg, facts.backoffStep ?? 0);
  else ms = delay.ms + (delay.jitterMs > 0 ? Math.floor(random() * delay.jitterMs) : 0);
  if (delay.capByGrace && facts.graceRemainingMs !== undefined) ms = Math.min(ms, Math.max(0, facts.graceRemainingMs));
  return ms;
}

/**
 * kubelet's crash-loop back-off before restart number step+1 of a series: the first
 * restart is immediate, then initial, 2 × initial, … capped at max (10 s → 5 min).
 */
export function backoffMs(cfg: StageConfig, step: number): number {
  const { initialMs, maxMs } = cfg.restartBackoff;
  if (step <= 0) return 0;
  return step > 30 ? maxMs : Math.min(maxMs, initialMs * 2 ** (step - 1));
}

/** A jittered delay that is not a stage (sandbox retries). */
export function delayMs(delay: Delay, random: () => number = Math.random): number {
  return delay.ms + (delay.jitterMs > 0 ? Math.floor(random() * delay.jitterMs) : 0);
}
