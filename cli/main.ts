import { createLogger } from '../lib/logger.js';
import { parseCli, type RunOptions, type RunRequest } from './args.js';
import { startComponents, type ComponentStarter, type UpContext } from './components.js';
import type { Command } from './flags.js';
import { commandHelp, generalHelp } from './help.js';
import { SIGNAL_EXIT_CODES, stopOnSignal, type SignalSource } from './signals.js';
import {
  APISERVER_COMPONENTS,
  CONTROLLER_MANAGER_COMPONENTS,
  HPA_COMPONENTS,
  KUBE_PROXY_COMPONENTS,
  INGRESS_CONTROLLER_COMPONENTS,
  DNS_COMPONENTS,
  KUBELET_SIM_COMPONENTS,
  METRICS_SERVER_COMPONENTS,
  SCHEDULER_COMPONENTS,
  UP_COMPONENTS,
  upPodNetwork,
} from './up.js';
import { SEED_POD_NETWORK } from '../controllers/node-ipam/pod-network-size.js';
import { runTrace } from './trace-command.js';
import { kubelingVersion } from './version.js';
import { CLOUD_COMPONENTS, CLOUD_CONTROLLER_MANAGER_COMPONENTS, CLUSTER_AUTOSCALER_COMPONENTS } from './autoscaler-components.js';

/** Everything the CLI touches outside itself; tests pass fakes. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
  signals: SignalSource;
  /** Ends the process at once (a second Ctrl-C). */
  exit(code: number): void;
}

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
  // A one-shot client command with its own flags, outside the long-running commands' table.
  if (argv[0] === 'trace') return runTrace(argv.slice(1), io);
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
      return runCommand(parsed, io);
  }
}

/** Each command's components; the switch keeps every command's options typed. */
function runCommand(req: RunRequest, io: CliIo): Promise<number> {
  switch (req.command) {
    case 'up':
      return runComponents(req.command, UP_COMPONENTS, req.options, io);
    case 'apiserver':
      return runComponents(req.command, APISERVER_COMPONENTS, req.options, io);
    case 'controller-manager':
      return runComponents(req.command, CONTROLLER_MANAGER_COMPONENTS, req.options, io);
    case 'scheduler':
      return runComponents(req.command, SCHEDULER_COMPONENTS, req.options, io);
    case 'kubelet-sim':
      return runComponents(req.command, KUBELET_SIM_COMPONENTS, req.options, io);
    case 'metrics-server':
      return runComponents(req.command, METRICS_SERVER_COMPONENTS, req.options, io);
    case 'hpa':
      return runComponents(req.command, HPA_COMPONENTS, req.options, io);
    case 'kube-proxy':
      return runComponents(req.command, KUBE_PROXY_COMPONENTS, req.options, io);
    case 'ingress-controller':
      return runComponents(req.command, INGRESS_CONTROLLER_COMPONENTS, req.options, io);
    case 'dns':
      return runComponents(req.command, DNS_COMPONENTS, req.options, io);
    case 'cloud':
      return runComponents(req.command, CLOUD_COMPONENTS, req.options, io);
    case 'cloud-controller-manager':
      return runComponents(req.command, CLOUD_CONTROLLER_MANAGER_COMPONENTS, req.options, io);
    case 'cluster-autoscaler':
      return runComponents(req.command, CLUSTER_AUTOSCALER_COMPONENTS, req.options, io);
  }
}

async function runComponents<O extends { logLevel?: string }>(
  command: Command,
  starters: readonly ComponentStarter<O>[],
  options: O,
  io: CliIo,
): Promise<number> {
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const ctx: UpContext<O> = { options, logger };
  let running;
  try {
    running = await startComponents(starters, ctx);
  } catch (err) {
    io.stderr.write(`kubeling: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  // The process lives until a signal: components may hold no ref'd handle at all (a
  // controller manager that is not the leader only has the clock's unref'd timers).
  const keepAlive = setInterval(() => {}, 1 << 30);
  // Listen before printing the banner: a script that reads the banner and then sends
  // SIGTERM must find the handler installed.
  const stopped = stopOnSignal(io.signals, () => running.stop().finally(() => clearInterval(keepAlive)), {
    onSignal: (signal) => logger.info({ signal }, 'shutting down'),
    forceExit: (signal) => {
      io.stderr.write(`kubeling: ${signal} again, exiting without a clean shutdown\n`);
      io.exit(SIGNAL_EXIT_CODES[signal]);
    },
  });
  if (ctx.apiserver) {
    io.stdout.write(`Kubeling is running at ${ctx.apiserver.url}\n`);
    io.stdout.write(`export KUBECONFIG=${shellQuote(ctx.apiserver.kubeconfigPath)}\n`);
    // The token rides in the fragment, which browsers never send to a server.
    io.stdout.write(`GraphQL playground: ${ctx.apiserver.url}/graphiql#token=${encodeURIComponent(ctx.apiserver.adminToken)}\n`);
    io.stdout.write(`Cluster view: ${ctx.apiserver.url}/ui#token=${encodeURIComponent(ctx.apiserver.adminToken)}\n`);
    if (command === 'up') {
      const o = ctx.options as unknown as RunOptions;
      const net = upPodNetwork(o);
      if (net.clusterCidr !== SEED_POD_NETWORK.clusterCidr || net.nodeCidrMaskSize !== SEED_POD_NETWORK.nodeCidrMaskSize) {
        const given = o.clusterCidr !== undefined || o.nodeCidrMaskSize !== undefined;
        io.stdout.write(`Pod network ${net.clusterCidr}, a /${net.nodeCidrMaskSize} per node${given ? '' : ` (sized for --nodes ${o.nodes}; set it with --cluster-cidr and --node-cidr-mask-size)`}\n`);
      }
    }
  } else if (ctx.connection) {
    io.stdout.write(`Kubeling ${command} is running against ${ctx.connection.server}\n`);
  }
  if (ctx.dns) {
    const host = ctx.dns.address.includes(':') ? `[${ctx.dns.address}]` : ctx.dns.address;
    io.stdout.write(`Cluster DNS (udp+tcp) at ${host}:${ctx.dns.port}: dig @${ctx.dns.address} -p ${ctx.dns.port} kubernetes.default.svc.cluster.local\n`);
  }
  if (ctx.ingress) {
    const https = ctx.ingress.httpsPort !== undefined ? `, https://${ctx.ingress.address}:${ctx.ingress.httpsPort}` : '';
    io.stdout.write(`Ingress (class ${ctx.ingress.className}) at http://${ctx.ingress.address}:${ctx.ingress.httpPort}${https}: curl -H 'Host: HOST' http://${ctx.ingress.address}:${ctx.ingress.httpPort}/\n`);
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
