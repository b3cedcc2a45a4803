/** The part of `process` the shutdown logic uses (a fake in tests). */
export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface ShutdownHooks {
  /** Told which signal started the shutdown. */
  onSignal?(signal: 'SIGINT' | 'SIGTERM'): void;
  /** A second signal while stopping: the process must end now (process.exit in main). */
  forceExit(signal: 'SIGINT' | 'SIGTERM'): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Exit code for a forced exit after a signal, by shell convention 128 + signal number. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Resolves once SIGINT or SIGTERM has arrived and `stop` has finished: 0 when it
 * succeeded, 1 when it threw. A second signal during `stop` calls hooks.forceExit, for
 * the user whose shutdown is stuck and who presses Ctrl-C again.
 */
export function stopOnSignal(source: SignalSource, stop: () => Promise<void>, hooks: ShutdownHooks): Promise<number> {
  return new Promise((resolve) => {
    const force = { SIGINT: () => hooks.forceExit('SIGINT'), SIGTERM: () => hooks.forceExit('SIGTERM') };
    const done = (code: number) => {
      for (const s of SIGNALS) source.removeListener(s, force[s]);
      resolve(code);
    };
    const first = (signal: 'SIGINT' | 'SIGTERM') => () => {
      for (const s of SIGNALS) source.removeListener(s, handlers[s]);
      for (const s of SIGNALS) source.once(s, force[s]);
      hooks.onSignal?.(signal);
      stop().then(
        () => done(0),
        () => done(1),
      );
    };
    const handlers = { SIGINT: first('SIGINT'), SIGTERM: first('SIGTERM') };
    for (const s of SIGNALS) source.once(s, handlers[s]);
  });
}
