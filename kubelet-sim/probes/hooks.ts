import type { Container } from '../../api/core/container.js';
import type { Pod } from '../../api/core/pod.js';
import { podDescription } from '../pod-status.js';
import { checkAction, type CheckContext, type HandlerAction } from './handler-check.js';

/**
 * Container lifecycle hooks (pkg/kubelet/lifecycle/handlers.go): postStart runs right after
 * the container starts, preStop before it is stopped (within the grace period). exec runs
 * in the container's simulated shell, httpGet against the pod's traffic model, sleep waits
 * on the clock. A failure is kube's message for FailedPostStartHook / FailedPreStopHook.
 */

export type HookKind = 'postStart' | 'preStop';

export interface HookHandler extends HandlerAction {
  sleep?: { seconds: number };
}

export interface HookContext extends Omit<CheckContext, 'kind' | 'timeoutMs'> {
  /** Waits on the injected clock. */
  sleep(ms: number): Promise<void>;
  /** How long the hook may take (the pod's termination grace period for preStop). */
  timeoutMs: number;
}

/** Runs one hook; undefined when it succeeded, else the event message. */
export async function runHook(h: HookHandler, ctx: HookContext): Promise<string | undefined> {
  const who = `for Container "${ctx.container.name}" in Pod "${podDescription(ctx.pod)}"`;
  if (h.sleep) {
    await ctx.sleep(Math.max(0, h.sleep.seconds) * 1000);
    return undefined;
  }
  if (h.exec) {
    const argv = h.exec.command ?? [];
    const r = await ctx.exec(argv, ctx.timeoutMs);
    if (r.code === 0 && !r.timedOut) return undefined;
    const error = r.timedOut ? `command '${argv.join(' ')}' timed out` : `command '${argv.join(' ')}' exited with ${r.code}: ${r.output}`;
    return `Exec lifecycle hook ([${argv.join(' ')}]) ${who} failed - error: ${error}, message: ${JSON.stringify(r.output)}`;
  }
  if (h.httpGet) {
    const r = await checkAction({ httpGet: h.httpGet }, { ...ctx, kind: undefined });
    if (r.outcome === 'success') return undefined;
    return `HTTP lifecycle hook (${h.httpGet.path ?? '/'}) ${who} failed - error: ${r.output}`;
  }
  if (h.tcpSocket) return undefined; // deprecated; kube accepts it and does nothing.
  return undefined;
}

/** The containers with a hook of this kind, in spec order. */
export function containersWithHook(pod: Pod, kind: HookKind): Array<{ container: Container; handler: HookHandler }> {
  const out: Array<{ container: Container; handler: HookHandler }> = [];
  for (const c of pod.spec?.containers ?? []) {
    const h = c.lifecycle?.[kind];
    if (h) out.push({ container: c, handler: h as HookHandler });
  }
  return out;
}
