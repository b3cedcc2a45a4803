import type { RunningApiserver } from '../apiserver/main.js';
import type { ClientConfig } from '../client/rest-client.js';
import type { Logger } from '../lib/logger.js';
import type { RunOptions } from './args.js';

/**
 * What the components of one process share while starting, with the options of the
 * command being run. Starters run in order and may fill it in for the ones after them:
 * the apiserver starter sets `apiserver` (in `up`, the other components connect to it),
 * the kubeconfig starter sets `connection` (in the client commands).
 */
export interface UpContext<O = RunOptions> {
  readonly options: O;
  readonly logger: Logger;
  /** Where it listens and how to close it (in `up` it runs on its own thread: no in-process app). */
  apiserver?: Omit<RunningApiserver, 'app'>;
  /** Where client components connect, when not to `apiserver` in this process. */
  connection?: ClientConfig;
  /** The cluster DNS server's address, once the dns component listens (printed by main). */
  dns?: { address: string; port: number };
  /** The ingress controller's listeners, once it serves (printed by main). */
  ingress?: { address: string; httpPort: number; httpsPort?: number; className: string };
}

export interface StartedComponent {
  readonly name: string;
  stop(): Promise<void>;
}

/** One component of `kubeling up`: adding a component is adding one of these to a list. */
export interface ComponentStarter<O = RunOptions> {
  readonly name: string;
  /**
   * Optional: reads and checks the files the component is given by flags (flag-files.ts).
   * startComponents runs every starter's prepare before it starts any, so `kubeling up
   * --stage-config bad.yaml` fails before the apiserver opens its store or writes a
   * kubeconfig. Throws an Error whose message is the whole report.
   */
  prepare?(ctx: UpContext<O>): void | Promise<void>;
  start(ctx: UpContext<O>): Promise<StartedComponent>;
}

export interface RunningComponents {
  readonly names: string[];
  /**
   * Stops every component, last started first. A component that fails to stop does not
   * keep the others running: all are tried, then the first error is rethrown. Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Prepares every component, then starts them in order. If a prepare fails, nothing
 * starts; if a start fails, the ones already started are stopped (in reverse) and the
 * error is rethrown, so a failed start leaves nothing running.
 */
export async function startComponents<O>(starters: readonly ComponentStarter<O>[], ctx: UpContext<O>): Promise<RunningComponents> {
  const started: StartedComponent[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const c of [...started].reverse()) {
      try {
        await c.stop();
        ctx.logger.debug({ component: c.name }, 'stopped');
      } catch (err) {
        ctx.logger.error({ component: c.name, err }, 'failed to stop cleanly');
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  };
  for (const starter of starters) await starter.prepare?.(ctx);
  for (const starter of starters) {
    try {
      started.push(await starter.start(ctx));
    } catch (err) {
      await stopAll().catch(() => undefined); // already logged; the start error matters
      throw err;
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    names: started.map((c) => c.name),
    stop: () => (stopping ??= stopAll()),
  };
}
