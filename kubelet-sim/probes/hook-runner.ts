import type { Container } from '../../api/core/container.js';
import type { Pod } from '../../api/core/pod.js';
import type { Logger } from '../../lib/logger.js';
import { containerRef } from '../lifecycle-events.js';
import { containersWithHook, runHook, type HookContext } from './hooks.js';
import type { ContainerAccess, ProbeRunRef } from './probe-manager.js';

/**
 * Runs the lifecycle hooks of the simulated containers: postStart once per run of the
 * containers (a failure kills the container: `FailedPostStartHook`, `Killing`, then the
 * restart policy), preStop when the pod is being deleted, before its containers are
 * stopped (the simulator waits for it, at most the grace period; a failure is
 * `FailedPreStopHook` and the stop goes on).
 */

export interface HookRunnerOptions extends ContainerAccess {
  logger: Logger;
  kill(key: string, uid: string, startedAt: number, container: string): void;
}

export class HookRunner {
  /** pod uid → the run start whose postStart hooks were started. */
  private readonly started = new Map<string, number>();

  constructor(private readonly o: HookRunnerOptions) {}

  private context(ref: ProbeRunRef, pod: Pod, c: Container, startedAt: number, timeoutMs: number): HookContext {
    return {
      pod,
      container: c,
      podIP: ref.podIP,
      timeoutMs,
      latencyFactor: (name) => this.o.latencyFactor(ref.uid, name),
      exec: (argv, t) => this.o.exec(ref, pod, c, startedAt, argv, t),
      sleep: (ms) => new Promise<void>((resolve) => this.o.clock.setTimeout(resolve, ms)),
    };
  }

  /** The containers' run changed: a new running run gets its postStart hooks. */
  runChanged(ref: ProbeRunRef, pod: Pod | undefined): void {
    if (!pod) {
      this.started.delete(ref.uid);
      return;
    }
    const startedAt = ref.running && ref.run && ref.run.finishedAt === undefined ? ref.run.startedAt : undefined;
    if (startedAt === undefined || this.started.get(ref.uid) === startedAt) return;
    const hooks = containersWithHook(pod, 'postStart');
    if (hooks.length === 0) return;
    this.started.set(ref.uid, startedAt);
    for (const { container, handler } of hooks) {
      void runHook(handler, this.context(ref, pod, container, startedAt, 2 ** 31 - 1))
        .catch((err: unknown) => String(err))
        .then((failure) => {
          if (failure === undefined || this.started.get(ref.uid) !== startedAt || !this.o.livePod(ref.key, ref.uid)) return;
          const cref = containerRef(pod, container.name);
          this.o.event(cref, 'Warning', 'FailedPostStartHook', failure, ref.node);
          this.o.event(cref, 'Normal', 'Killing', 'FailedPostStartHook', ref.node);
          this.o.kill(ref.key, ref.uid, startedAt, container.name);
        });
    }
  }

  /** The pod is being deleted: its containers' preStop hooks, all at once; undefined when there are none. */
  preStop(ref: ProbeRunRef, pod: Pod, graceMs: number): Promise<void> | undefined {
    const hooks = containersWithHook(pod, 'preStop');
    const startedAt = ref.run?.startedAt;
    if (hooks.length === 0 || startedAt === undefined) return undefined;
    return Promise.all(
      hooks.map(({ container, handler }) =>
        runHook(handler, this.context(ref, pod, container, startedAt, Math.max(1, graceMs)))
          .catch((err: unknown) => String(err))
          .then((failure) => {
            if (failure !== undefined) this.o.event(containerRef(pod, container.name), 'Warning', 'FailedPreStopHook', failure, ref.node);
          }),
      ),
    ).then(() => undefined);
  }
}
