/**
 * The flags of the long-running commands, as data: args.ts builds the parser from this
 * table and help.ts the help text, so the two cannot drift apart.
 */

export type Command = 'up' | 'apiserver';

export const COMMANDS: Record<Command, string> = {
  up: 'Start a whole cluster in this process and write a kubeconfig for kubectl',
  apiserver: 'Start the apiserver alone (for running components as separate processes)',
};

export interface FlagSpec {
  name: string;
  /** Placeholder shown in help; absent for boolean flags. */
  value?: string;
  short?: string;
  help: string;
  /** Commands that take the flag. */
  commands: readonly Command[];
}

const BOTH: readonly Command[] = ['up', 'apiserver'];

export const FLAGS: readonly FlagSpec[] = [
  { name: 'data-dir', value: 'DIR', help: 'where state lives: pki/, kubeling.db, kubeconfig (default ./.kubeling)', commands: BOTH },
  { name: 'port', value: 'N', help: 'HTTPS port of the apiserver; 0 picks a free port (default 6443)', commands: BOTH },
  { name: 'bind-address', value: 'IP', help: 'address the apiserver listens on (default 127.0.0.1)', commands: BOTH },
  {
    name: 'nodes',
    value: 'N',
    help: 'number of simulated nodes (default 3); accepted and recorded now, but simulated nodes arrive in a later release, so it has no effect yet',
    commands: ['up'],
  },
  { name: 'store', value: 'sqlite|etcd', help: 'storage backend (default sqlite; etcd when --etcd-servers is given)', commands: BOTH },
  { name: 'etcd-servers', value: 'URLS', help: 'comma-separated etcd client URLs, e.g. http://127.0.0.1:2379', commands: BOTH },
  {
    name: 'kubeconfig',
    value: 'PATH',
    help: 'where to write the kubeconfig (default DIR/kubeconfig); an existing kubeconfig is merged into, not replaced',
    commands: BOTH,
  },
  { name: 'token-auth-file', value: 'PATH', help: 'extra bearer tokens: CSV lines token,user,uid,"group1,group2"', commands: BOTH },
  { name: 'log-level', value: 'LEVEL', help: 'trace, debug, info, warn, error, fatal or silent (default info)', commands: BOTH },
  { name: 'help', short: 'h', help: 'show this help', commands: BOTH },
];

export function flagsFor(command: Command): FlagSpec[] {
  return FLAGS.filter((f) => f.commands.includes(command));
}
