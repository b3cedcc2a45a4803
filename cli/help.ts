import { COMMANDS, flagsFor, type Command } from './flags.js';

/** `kubeling --help`. */
export function generalHelp(): string {
  const rows: Array<[string, string]> = [
    ...(Object.entries(COMMANDS) as Array<[string, string]>),
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

/** `kubeling <command> --help`. */
export function commandHelp(command: Command): string {
  const rows = flagsFor(command).map((f): [string, string] => [
    `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`,
    f.help,
  ]);
  const extra =
    command === 'up'
      ? ['', 'Today `up` starts the apiserver; the scheduler, controllers and simulated nodes join it as they land.']
      : [];
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
