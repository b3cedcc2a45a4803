import { describe, expect, it } from 'vitest';
import { parseCli, type RunOptions } from './args.js';

const CWD = '/home/me/project';
const defaults: RunOptions = {
  dataDir: '/home/me/project/.kubeling',
  port: 6443,
  bindAddress: '127.0.0.1',
  nodes: 3,
  store: 'sqlite',
  etcdServers: [],
};

describe('parseCli: commands', () => {
  it.each([
    { argv: [], want: { kind: 'help' } },
    { argv: ['--help'], want: { kind: 'help' } },
    { argv: ['-h'], want: { kind: 'help' } },
    { argv: ['help'], want: { kind: 'help' } },
    { argv: ['help', 'up'], want: { kind: 'help', command: 'up' } },
    { argv: ['up', '--help'], want: { kind: 'help', command: 'up' } },
    { argv: ['apiserver', '-h', '--port', '1'], want: { kind: 'help', command: 'apiserver' } },
    { argv: ['version'], want: { kind: 'version' } },
    { argv: ['--version'], want: { kind: 'version' } },
    { argv: ['up'], want: { kind: 'run', command: 'up', options: defaults } },
    { argv: ['apiserver'], want: { kind: 'run', command: 'apiserver', options: defaults } },
  ])('$argv', ({ argv, want }) => {
    expect(parseCli(argv, CWD)).toEqual(want);
  });
});

describe('parseCli: flags', () => {
  it('reads every flag, resolving paths against the working directory', () => {
    const parsed = parseCli(
      [
        'up',
        '--data-dir', 'state',
        '--port=0',
        '--bind-address', '::1',
        '--nodes', '1000',
        '--store', 'etcd',
        '--etcd-servers', 'http://127.0.0.1:2379, http://127.0.0.1:22379',
        '--kubeconfig', '/tmp/kc',
        '--token-auth-file', 'tokens.csv',
        '--log-level', 'debug',
      ],
      CWD,
    );
    expect(parsed).toEqual({
      kind: 'run',
      command: 'up',
      options: {
        dataDir: '/home/me/project/state',
        port: 0,
        bindAddress: '::1',
        nodes: 1000,
        store: 'etcd',
        etcdServers: ['http://127.0.0.1:2379', 'http://127.0.0.1:22379'],
        kubeconfigPath: '/tmp/kc',
        tokenAuthFile: '/home/me/project/tokens.csv',
        logLevel: 'debug',
      },
    });
  });

  it('chooses etcd when only --etcd-servers is given', () => {
    const parsed = parseCli(['apiserver', '--etcd-servers', 'https://127.0.0.1:2379'], CWD);
    expect(parsed).toMatchObject({ kind: 'run', options: { store: 'etcd', etcdServers: ['https://127.0.0.1:2379'] } });
  });
});

describe('parseCli: usage errors', () => {
  it.each([
    { argv: ['down'], message: 'unknown command "down"' },
    { argv: ['--port', '1'], message: 'unknown flag: --port (flags go after the command)' },
    { argv: ['help', 'down'], message: 'unknown help topic "down"' },
    { argv: ['version', 'x'], message: 'unexpected argument "x" for version' },
    { argv: ['up', 'now'], message: 'unexpected argument "now" for up' },
    { argv: ['up', '--frobnicate'], message: 'unknown flag: --frobnicate' },
    { argv: ['up', '-x'], message: 'unknown flag: -x' },
    { argv: ['apiserver', '--nodes', '3'], message: 'unknown flag: --nodes' },
    { argv: ['up', '--port'], message: 'flag --port needs a value (use --port=VALUE for a value starting with "-")' },
    { argv: ['up', '--port', '-1'], message: 'flag --port needs a value (use --port=VALUE for a value starting with "-")' },
    { argv: ['up', '--port', 'abc'], message: 'invalid --port "abc": must be an integer from 0 to 65535' },
    { argv: ['up', '--port=-1'], message: 'invalid --port "-1": must be an integer from 0 to 65535' },
    { argv: ['up', '--port', '65536'], message: 'invalid --port "65536": must be an integer from 0 to 65535' },
    { argv: ['up', '--port', '1.5'], message: 'invalid --port "1.5": must be an integer from 0 to 65535' },
    { argv: ['up', '--nodes', 'many'], message: 'invalid --nodes "many": must be an integer from 0 to 100000' },
    { argv: ['up', '--store', 'foo'], message: 'invalid --store "foo": must be sqlite or etcd' },
    { argv: ['up', '--store', 'etcd'], message: '--store etcd needs --etcd-servers, e.g. --etcd-servers http://127.0.0.1:2379' },
    { argv: ['up', '--store', 'sqlite', '--etcd-servers', 'http://127.0.0.1:2379'], message: '--etcd-servers is only used with --store etcd' },
    { argv: ['up', '--etcd-servers', ','], message: 'invalid --etcd-servers ",": give at least one URL' },
    { argv: ['up', '--etcd-servers', '127.0.0.1:2379'], message: 'invalid --etcd-servers URL "127.0.0.1:2379": expected http(s)://HOST:PORT' },
    { argv: ['up', '--bind-address', 'localhost'], message: 'invalid --bind-address "localhost": must be an IP address, e.g. 127.0.0.1' },
    { argv: ['up', '--log-level', 'loud'], message: 'invalid --log-level "loud": must be one of trace, debug, info, warn, error, fatal, silent' },
    { argv: ['up', '--data-dir='], message: 'invalid --data-dir "": must not be empty' },
    { argv: ['up', '--help=yes'], message: "Option '-h, --help' does not take an argument" },
  ])('$argv → $message', ({ argv, message }) => {
    const parsed = parseCli(argv, CWD);
    expect(parsed.kind).toBe('usage-error');
    expect(parsed.kind === 'usage-error' && parsed.message).toBe(message);
  });
});
