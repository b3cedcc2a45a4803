import { controllerRegistry } from '../controllers/registry.js';
import { COMMANDS, flagsFor, type Command } from './flags.js';

/** `kubeling --help`. */
export function generalHelp(): string {
  const rows: Array<[string, string]> = [
    ...(Object.entries(COMMANDS) as Array<[string, string]>),
    ['trace', 'Print every hop of a simulated request (kubeling trace --help)'],
    ['version', 'Print the version'],
    ['help [COMMAND]', 'Show help (for a command)'],
  ];
  return [
    'Kubeling: a small Kubernetes control plane that the real kubectl talks to.',
    '',
    'Usage:',
    '  kubeling <command> [flags]',
    '',
    'Commands:',
    ...table(rows),
    '',
    "Run 'kubeling <command> --help' for the flags of a command.",
    '',
  ].join('\n');
}

/** Lines under a command's summary: what it starts, and how it connects. */
const EXTRA: Partial<Record<Command, string[]>> = {
  up: ['Starts the apiserver, the controller manager, the scheduler, --nodes simulated nodes, the metrics server, the HPA controller, kube-proxy, the cluster DNS (--dns-port), the simulated cloud and the cluster autoscaler, in that order.'],
  apiserver: ['Run controller-manager, scheduler and kubelet-sim with --kubeconfig pointing at the kubeconfig it writes.'],
  'controller-manager': ['Connects through --kubeconfig.', `Controllers: ${controllerRegistry.map((d) => d.name).join(', ')}.`],
  scheduler: ['Connects through --kubeconfig.'],
  'metrics-server': ['Connects through --kubeconfig; registers the kube-system/metrics-server Service and the v1beta1.metrics.k8s.io APIService.'],
  hpa: ['Connects through --kubeconfig. Reads metrics from metrics.k8s.io, custom.metrics.k8s.io and external.metrics.k8s.io through the apiserver.'],
  'kubelet-sim': ['Connects through --kubeconfig. Pods get IPs from their node\'s podCIDR, which the controller manager assigns.'],
  dns: ['Connects through --kubeconfig. Creates kubeadm\'s CoreDNS addon (coredns Deployment, kube-dns Service at the Service range\'s tenth address, 10.96.0.10 by default, as kubeadm) if absent.', 'Answers the cluster domain only: other names get REFUSED (nothing is forwarded).'],
};

/** `kubeling <command> --help`. */
export function commandHelp(command: Command): string {
  const rows = flagsFor(command).map((f): [string, string] => [
    `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`,
    f.help,
  ]);
  const extra = EXTRA[command] ? ['', ...EXTRA[command]] : [];
  return [
    `Usage: kubeling ${command} [flags]`,
    '',
    COMMANDS[command] + '.',
    ...extra,
    '',
    'Flags:',
    ...table(rows),
    '',
  ].join('\n');
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}
