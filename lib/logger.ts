import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one root logger. Components take a child: `log.child({ component: 'scheduler' })`.
 * The level comes from KUBELING_LOG_LEVEL (default `info`; tests run with `silent`).
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const level = options.level ?? process.env.KUBELING_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
  // Logs go to stderr, as Kubernetes components log: stdout stays for what a user reads.
  return pino({ level, name: options.name ?? 'kubeling' }, pino.destination(2));
}

export const rootLogger: Logger = createLogger();
