import type { Clock } from '../../lib/clock.js';
import { runProgram } from '../shell/busybox.js';
import { textInput, type Io, type ShellHost } from '../shell/types.js';
import type { ContainerTarget } from '../streams/container-host.js';

/** kubelet keeps at most 10 KiB of a probe's or hook's output (maxProbeOutputLength / the CRI exec cap). */
const MAX_OUTPUT = 10 * 1024;

/**
 * An exec probe or hook: argv run in the container's simulated shell, in the filesystem of
 * the container's current run (so `rm /tmp/healthy` from `kubectl exec` or from the
 * container's own command is seen), stopped at timeoutMs on the injected clock.
 */
export async function execInContainer(
  hosts: { hostFor(t: ContainerTarget, tty: boolean): { host: ShellHost; env: Map<string, string> } },
  clock: Clock,
  target: ContainerTarget,
  argv: string[],
  timeoutMs: number,
): Promise<{ code: number; output: string; timedOut?: boolean }> {
  const { host, env } = hosts.hostFor(target, false);
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, timeoutMs);
  let output = '';
  const write = (t: string) => {
    if (output.length < MAX_OUTPUT) output = (output + t).slice(0, MAX_OUTPUT);
  };
  const io: Io = { stdin: textInput(''), stdout: { write }, stderr: { write } };
  try {
    const code = await runProgram(argv, host, env, io, ctrl.signal);
    return timedOut ? { code, output, timedOut } : { code, output: output.replace(/\r\n/g, '\n') };
  } finally {
    clock.clearTimeout(timer);
  }
}
