import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiserverOptions, RunningApiserver } from '../apiserver/main.js';

// The CLI's own behaviour (dispatch, banner, signals, exit codes) is tested against a
// fake apiserver; apiserver/main.test.ts starts the real one.
const started: ApiserverOptions[] = [];
const closed = vi.fn(async () => {});
let failStart: Error | undefined;
vi.mock('../apiserver/main.js', () => ({
  startApiserver: async (opts: ApiserverOptions): Promise<RunningApiserver> => {
    if (failStart) throw failStart;
    started.push(opts);
    return {
      url: 'https://127.0.0.1:6443',
      port: 6443,
      caCert: 'CA',
      adminToken: 'token',
      kubeconfigPath: opts.kubeconfigPath ?? `${opts.dataDir}/kubeconfig`,
      app: {} as RunningApiserver['app'],
      close: closed,
    };
  },
}));

const { run, shellQuote } = await import('./main.js');

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  const exit = vi.fn();
  const writes = new EventEmitter();
  return {
    io: {
      stdout: { write: (s: string) => writes.emit('write', out.push(s)) },
      stderr: { write: (s: string) => err.push(s) },
      cwd: '/work/x',
      signals,
      exit,
    },
    out: () => out.join(''),
    /** Resolves once stdout contains `text` (no polling, no timers). */
    printed: (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => out.join('').includes(text) && (writes.off('write', check), resolve());
        writes.on('write', check);
        check();
      }),
    err: () => err.join(''),
    signals,
    exit,
  };
}

afterEach(() => {
  started.length = 0;
  closed.mockClear();
  failStart = undefined;
});

describe('run', () => {
  it.each([
    { argv: ['--help'], out: /Usage:\n  kubeling <command> \[flags\][\s\S]*up {2,}Start a whole cluster/ },
    { argv: ['up', '--help'], out: /Usage: kubeling up \[flags\][\s\S]*--nodes N +number of simulated nodes \(default 3\); accepted and recorded now/ },
    { argv: ['help', 'apiserver'], out: /Usage: kubeling apiserver[\s\S]*--etcd-servers URLS/ },
    { argv: ['version'], out: /^kubeling v0\.1\.0\n$/ },
  ])('$argv prints to stdout and exits 0', async ({ argv, out }) => {
    const f = fakeIo();
    expect(await run(argv, f.io)).toBe(0);
    expect(f.out()).toMatch(out);
    expect(f.err()).toBe('');
  });

  it('apiserver --help does not offer --nodes', async () => {
    const f = fakeIo();
    await run(['apiserver', '--help'], f.io);
    expect(f.out()).not.toContain('--nodes');
  });

  it.each([
    { argv: ['frobnicate'], err: 'kubeling: unknown command "frobnicate"\nRun \'kubeling --help\' for usage.\n' },
    { argv: ['up', '--store', 'foo'], err: 'kubeling: invalid --store "foo": must be sqlite or etcd\nRun \'kubeling up --help\' for usage.\n' },
    { argv: ['up', '--bogus'], err: "kubeling: unknown flag: --bogus\nRun 'kubeling up --help' for usage.\n" },
  ])('$argv is a usage error: stderr, exit 2', async ({ argv, err }) => {
    const f = fakeIo();
    expect(await run(argv, f.io)).toBe(2);
    expect(f.err()).toBe(err);
    expect(f.out()).toBe('');
    expect(started).toEqual([]);
  });

  it('up starts the apiserver with the parsed options, prints where it runs, and stops on SIGTERM with 0', async () => {
    const f = fakeIo();
    const done = run(['up', '--data-dir', 'state', '--port', '7443', '--nodes', '5'], f.io);
    await f.printed('export KUBECONFIG=');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ dataDir: '/work/x/state', port: 7443, bindAddress: '127.0.0.1', store: 'sqlite' });
    expect(f.out()).toBe('Kubeling is running at https://127.0.0.1:6443\nexport KUBECONFIG=/work/x/state/kubeconfig\n');
    expect(closed).not.toHaveBeenCalled();
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(f.exit).not.toHaveBeenCalled();
  });

  it('a second SIGINT while stopping exits at once with 130', async () => {
    const f = fakeIo();
    let finish!: () => void;
    closed.mockImplementationOnce(() => new Promise<void>((r) => (finish = r)));
    const done = run(['apiserver'], f.io);
    await f.printed('Kubeling is running');
    f.signals.emit('SIGINT');
    f.signals.emit('SIGINT');
    expect(f.exit).toHaveBeenCalledWith(130);
    expect(f.err()).toContain('SIGINT again');
    finish();
    expect(await done).toBe(0);
  });

  it('reports a failed start on stderr with exit 1', async () => {
    failStart = new Error('port 6443 is already in use on 127.0.0.1: is another kubeling running? use --port');
    const f = fakeIo();
    expect(await run(['up'], f.io)).toBe(1);
    expect(f.err()).toBe('kubeling: port 6443 is already in use on 127.0.0.1: is another kubeling running? use --port\n');
  });
});

describe('shellQuote', () => {
  it.each([
    ['/a/b/kubeconfig', '/a/b/kubeconfig'],
    ['/my dir/kubeconfig', "'/my dir/kubeconfig'"],
    ["/it's/kc", "'/it'\\''s/kc'"],
  ])('%s → %s', (input, output) => {
    expect(shellQuote(input)).toBe(output);
  });
});
