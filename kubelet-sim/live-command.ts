import type { Container } from '../api/core/container.js';
import { EXIT_AFTER, LOG } from './annotations.js';
import { expandKubeRefs, imageBaseName, planCommand, resolveArgv } from './command-plan.js';
import { applets } from './shell/busybox.js';
import { PROGRAM_BUILTINS } from './shell/builtins.js';

/**
 * Which containers run their own command in the simulated busybox shell
 * (kubelet-sim/shell) as their main process, for as long as it runs — a
 * `while sleep 0.01; do wget -q -O- http://php-apache; done` load generator, a
 * `while true; do echo …; sleep 5; done` logger — instead of a planned run
 * (command-plan.ts, for one-shot commands) or running forever silently. Pure.
 *
 * A container runs live when:
 * - the pod sets neither `kubeling.io/log` nor `kubeling.io/exit-after` (those declare
 *   the run), and the container has no stdin (`kubectl run -it`: its shell is started by
 *   the first attach, streams/main-process.ts);
 * - its argv is a shell (`sh -c …`, `/bin/sh`, bash, ash, dash) or, in a shell image
 *   (busybox, alpine, …, which have no ENTRYPOINT, so args alone are the argv), a
 *   busybox applet (`wget …`, `sleep …`);
 * - its run cannot be planned (command-plan.ts says `forever`: loops, pipes, `$(…)`,
 *   wget…), or it can but its environment comes from other objects (`envFrom`,
 *   `valueFrom`), which only the live run sees (container-config.ts).
 */

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);
const SHELL_IMAGES = new Set(['busybox', 'alpine', 'ubuntu', 'debian', 'centos', 'fedora', 'rockylinux', 'almalinux', 'amazonlinux', 'archlinux', 'bash']);
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Whether the container's environment needs other objects (ConfigMaps, Secrets, the pod's fields). */
export function needsConfigEnv(c: Pick<Container, 'env' | 'envFrom'>): boolean {
  return (c.envFrom?.length ?? 0) > 0 || (c.env ?? []).some((e) => e.valueFrom !== undefined);
}

/** The program argv the container would exec, before `$(VAR)` expansion; undefined when unknown (the image's entrypoint). */
export function containerArgv(c: Pick<Container, 'command' | 'args' | 'image'>): string[] | undefined {
  const shellImage = SHELL_IMAGES.has(imageBaseName(c.image ?? ''));
  if ((c.command?.length ?? 0) === 0 && shellImage && (c.args?.length ?? 0) > 0) return [...c.args!];
  return resolveArgv(c.command, c.args);
}

/** Whether argv names something the simulated busybox can run in this image. */
function runnable(argv: string[], image: string | undefined): boolean {
  const prog = base(argv[0] ?? '');
  if (SHELLS.has(prog)) return true;
  return SHELL_IMAGES.has(imageBaseName(image ?? '')) && (applets.has(prog) || PROGRAM_BUILTINS.has(prog));
}

/** True when the container runs its command live (see above). */
export function runsLive(c: Container, annotations: Record<string, string> | undefined): boolean {
  if (annotations?.[LOG] !== undefined || annotations?.[EXIT_AFTER] !== undefined) return false;
  if (c.stdin) return false;
  const argv = containerArgv(c);
  if (!argv || argv.length === 0 || !runnable(argv, c.image)) return false;
  if (needsConfigEnv(c)) return true;
  return planCommand(c).kind === 'forever';
}

/** The argv of a live container with kubelet's `$(VAR)` references expanded from its environment. */
export function liveArgv(c: Container, env: ReadonlyMap<string, string>): string[] {
  const vars = new Map(env);
  return (containerArgv(c) ?? []).map((a) => expandKubeRefs(a, vars));
}
