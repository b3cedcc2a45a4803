import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { StoreKind } from '../apiserver/main.js';
import { COMMANDS, flagsFor, type Command } from './flags.js';

/** Validated options of `up` / `apiserver`; paths are absolute. */
export interface RunOptions {
  dataDir: string;
  port: number;
  bindAddress: string;
  /** Simulated nodes for `up`; recorded now, used once kubelet-sim lands. */
  nodes: number;
  store: StoreKind;
  etcdServers: string[];
  /** Absent: `<dataDir>/kubeconfig`. */
  kubeconfigPath?: string;
  tokenAuthFile?: string;
  /** Absent: KUBELING_LOG_LEVEL or info (see lib/logger.ts). */
  logLevel?: string;
}

export type ParsedCli =
  | { kind: 'help'; command?: Command }
  | { kind: 'version' }
  | { kind: 'run'; command: Command; options: RunOptions }
  /** Exit code 2; `command` picks which help the message points to. */
  | { kind: 'usage-error'; message: string; command?: Command };

export const DEFAULTS = {
  dataDir: '.kubeling',
  port: 6443,
  bindAddress: '127.0.0.1',
  nodes: 3,
  store: 'sqlite' as StoreKind,
};

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const MAX_NODES = 100_000;

/** A value that failed validation: becomes a usage error. */
class InvalidValue extends Error {}

/**
 * Parses the command line (without `node` and the script). Pure apart from resolving
 * relative paths against `cwd`. Never throws: every problem is a usage-error result.
 */
export function parseCli(argv: readonly string[], cwd: string): ParsedCli {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'help' };
  if (first === 'version' || first === '--version') {
    return rest.length === 0 ? { kind: 'version' } : { kind: 'usage-error', message: `unexpected argument "${rest[0]}" for version` };
  }
  if (first === 'help') {
    if (rest.length === 0) return { kind: 'help' };
    if (rest.length === 1 && isCommand(rest[0]!)) return { kind: 'help', command: rest[0] };
    return { kind: 'usage-error', message: `unknown help topic "${rest.join(' ')}"` };
  }
  if (first.startsWith('-')) return { kind: 'usage-error', message: `unknown flag: ${first} (flags go after the command)` };
  if (!isCommand(first)) return { kind: 'usage-error', message: `unknown command "${first}"` };
  return parseCommand(first, rest, cwd);
}

function isCommand(word: string): word is Command {
  return Object.hasOwn(COMMANDS, word);
}

function parseCommand(command: Command, args: string[], cwd: string): ParsedCli {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const f of flagsFor(command)) {
    options[f.name] = f.value ? { type: 'string' } : { type: 'boolean', ...(f.short ? { short: f.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    return { kind: 'usage-error', command, message: parseArgsMessage(err) };
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: 'help', command };
  if (parsed.positionals.length > 0) {
    return { kind: 'usage-error', command, message: `unexpected argument "${parsed.positionals[0]}" for ${command}` };
  }
  try {
    return { kind: 'run', command, options: runOptions(values as Record<string, string | undefined>, cwd) };
  } catch (err) {
    if (err instanceof InvalidValue) return { kind: 'usage-error', command, message: err.message };
    throw err;
  }
}

/** node:util's messages, shortened to their first sentence and with our wording. */
function parseArgsMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const flag = /'(-[^' ]*)/.exec(message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) return `unknown flag: ${flag}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing|ambiguous/.test(message)) {
    const name = /--[\w-]+/.exec(message)?.[0] ?? flag;
    return `flag ${name} needs a value (use ${name}=VALUE for a value starting with "-")`;
  }
  return message.split('. ')[0]!;
}

function runOptions(v: Record<string, string | undefined>, cwd: string): RunOptions {
  const etcdServers = v['etcd-servers'] === undefined ? [] : parseEtcdServers(v['etcd-servers']);
  const store = parseStore(v.store, etcdServers);
  const dataDir = v['data-dir'] ?? DEFAULTS.dataDir;
  if (dataDir === '') throw new InvalidValue('invalid --data-dir "": must not be empty');
  const options: RunOptions = {
    dataDir: resolve(cwd, dataDir),
    port: parseInteger('port', v.port, DEFAULTS.port, 0, 65535),
    bindAddress: parseBindAddress(v['bind-address'] ?? DEFAULTS.bindAddress),
    nodes: parseInteger('nodes', v.nodes, DEFAULTS.nodes, 0, MAX_NODES),
    store,
    etcdServers,
  };
  if (v.kubeconfig !== undefined) options.kubeconfigPath = resolve(cwd, nonEmpty('kubeconfig', v.kubeconfig));
  if (v['token-auth-file'] !== undefined) options.tokenAuthFile = resolve(cwd, nonEmpty('token-auth-file', v['token-auth-file']));
  if (v['log-level'] !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(v['log-level'])) {
      throw new InvalidValue(`invalid --log-level "${v['log-level']}": must be one of ${LOG_LEVELS.join(', ')}`);
    }
    options.logLevel = v['log-level'];
  }
  return options;
}

function nonEmpty(flag: string, value: string): string {
  if (value === '') throw new InvalidValue(`invalid --${flag} "": must not be empty`);
  return value;
}

function parseInteger(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidValue(`invalid --${flag} "${raw}": must be an integer from ${min} to ${max}`);
  }
  return n;
}

function parseBindAddress(raw: string): string {
  if (isIP(raw) === 0) throw new InvalidValue(`invalid --bind-address "${raw}": must be an IP address, e.g. 127.0.0.1`);
  return raw;
}

/**
 * The store: as given, or etcd when only --etcd-servers is given. etcd needs servers;
 * servers with sqlite are a contradiction worth reporting, not ignoring.
 */
function parseStore(raw: string | undefined, etcdServers: string[]): StoreKind {
  if (raw !== undefined && raw !== 'sqlite' && raw !== 'etcd') {
    throw new InvalidValue(`invalid --store "${raw}": must be sqlite or etcd`);
  }
  const store = raw ?? (etcdServers.length > 0 ? 'etcd' : DEFAULTS.store);
  if (store === 'etcd' && etcdServers.length === 0) {
    throw new InvalidValue('--store etcd needs --etcd-servers, e.g. --etcd-servers http://127.0.0.1:2379');
  }
  if (store === 'sqlite' && etcdServers.length > 0) {
    throw new InvalidValue('--etcd-servers is only used with --store etcd');
  }
  return store;
}

function parseEtcdServers(raw: string): string[] {
  const urls = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (urls.length === 0) throw new InvalidValue(`invalid --etcd-servers "${raw}": give at least one URL`);
  for (const u of urls) {
    let url: URL | undefined;
    try {
      url = new URL(u);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new InvalidValue(`invalid --etcd-servers URL "${u}": expected http(s)://HOST:PORT`);
    }
  }
  return urls;
}
