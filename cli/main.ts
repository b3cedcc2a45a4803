import { createLogger } from '../lib/logger.js';
import { parseCli, type RunOptions } from './args.js';
import { startComponents, type ComponentStarter, type UpContext } from './components.js';
import type { Command } from './flags.js';
import { commandHelp, generalHelp } from './help.js';
import { SIGNAL_EXIT_CODES, stopOnSignal, type SignalSource } from './signals.js';
import { APISERVER_COMPONENTS, UP_COMPONENTS } from './up.js';
import { kubelingVersion } from './version.js';

/** Everything the CLI touches outside itself; tests pass fakes. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
  signals: SignalSource;
  /** Ends the process at once (a second Ctrl-C). */
  exit(code: number): void;
}

const STARTERS: Record<Command, readonly ComponentStarter[]> = {
  up: UP_COMPONENTS,
  apiserver: APISERVER_COMPONENTS,
};

/**
 * Entry point used by bin/kubeling.js. Sets process.exitCode: 0 after help, version or a
 * clean shutdown; 1 when starting or stopping failed; 2 on a usage error.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<void> {
  const code = await run(argv, io);
  process.exitCode = code;
  // Every component closes its handles on stop; should one leak a handle anyway, a
  // stopped cluster must still exit. Unref'd, so it never delays a clean exit.
  setTimeout(() => process.exit(code), 5000).unref();
}

/** Runs one command line and resolves with the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCli(argv, io.cwd);
  switch (parsed.kind) {
    case 'help':
      io.stdout.write(parsed.command ? commandHelp(parsed.command) : generalHelp());
      return 0;
    case 'version':
      io.stdout.write(`kubeling v${kubelingVersion()}\n`);
      return 0;
    case 'usage-error': {
      const helpCmd = parsed.command ? `kubeling ${parsed.command} --help` : 'kubeling --help';
      io.stderr.write(`kubeling: ${parsed.message}\nRun '${helpCmd}' for usage.\n`);
      return 2;
    }
    case 'run':
      return runComponents(parsed.command, parsed.options, io);
  }
}

async function runComponents(command: Command, options: RunOptions, io: CliIo): Promise<number> {
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const ctx: UpContext = { options, logger };
  let running;
  try {
    running = await startComponents(STARTERS[command], ctx);
  } catch (err) {
    io.stderr.write(`kubeling: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  // Listen before printing the banner: a script that reads the banner and then sends
  // SIGTERM must find the handler installed.
  const stopped = stopOnSignal(io.signals, () => running.stop(), {
    onSignal: (signal) => logger.info({ signal }, 'shutting down'),
    forceExit: (signal) => {
      io.stderr.write(`kubeling: ${signal} again, exiting without a clean shutdown\n`);
      io.exit(SIGNAL_EXIT_CODES[signal]);
    },
  });
  if (ctx.apiserver) {
    io.stdout.write(`Kubeling is running at ${ctx.apiserver.url}\n`);
    io.stdout.write(`export KUBECONFIG=${shellQuote(ctx.apiserver.kubeconfigPath)}\n`);
  }
  return stopped;
}

/** Quotes for POSIX shells when needed, so the printed export line can be pasted as is. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    signals: process,
    exit: (code) => process.exit(code),
  };
}
