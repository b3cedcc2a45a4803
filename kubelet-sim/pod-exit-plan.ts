import type { Container } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import { EXIT_AFTER, LOG } from './annotations.js';
import { planCommand, type OutputLine } from './command-plan.js';
import { needsConfigEnv, runsLive } from './live-command.js';

/**
 * From the containers' planned commands (command-plan.ts) to the two facts the simulator
 * uses: when the pod's containers exit (the `command-exit` stage's delay) and what a
 * container's run prints (its logs). The `kubeling.io/exit-after` and `kubeling.io/log`
 * annotations keep precedence: the `container-exit` stage comes first in stages.ts, and a
 * pod carrying either annotation logs as it did before plans existed.
 */

export interface PlannedExit {
  afterMs: number;
  exitCode: number;
  /** The terminated reason the runtime reports when not Completed/Error (OOMKilled). */
  reason?: string;
}

/**
 * The pod's planned exit when every regular container runs a command that exits: the
 * containers of a pod move together here, so they exit after the longest plan, with the
 * first non-zero exit code in container order (else 0). Undefined when any runs forever.
 * Init containers are not counted: they have finished (or are sidecars) by then.
 * Computed once per pod: a pod's commands, args and env cannot change.
 */
export function plannedPodExit(spec: Pod['spec']): PlannedExit | undefined {
  const containers = spec?.containers ?? [];
  if (containers.length === 0) return undefined;
  let afterMs = 0;
  let exitCode = 0;
  for (const c of containers) {
    // Its environment comes from other objects: the live run (container-processes.ts) decides.
    if (needsConfigEnv(c) && runsLive(c, undefined)) return undefined;
    const plan = planCommand(c);
    if (plan.kind === 'forever') return undefined;
    afterMs = Math.max(afterMs, plan.afterMs);
    if (exitCode === 0) exitCode = plan.exitCode;
  }
  return { afterMs, exitCode };
}

/**
 * What a container's run that started at `startedAt` prints, by offset from that start; or
 * undefined when its logs are the simulator's usual ones: the pod sets kubeling.io/log or
 * kubeling.io/exit-after, or the command runs forever.
 */
export function plannedOutput(container: Container, annotations: Record<string, string> | undefined, startedAt: number): OutputLine[] | undefined {
  if (annotations?.[LOG] !== undefined || annotations?.[EXIT_AFTER] !== undefined) return undefined;
  if (needsConfigEnv(container) && runsLive(container, annotations)) return undefined;
  const plan = planCommand({ ...container, startedAt });
  return plan.kind === 'exits' ? plan.output : undefined;
}
