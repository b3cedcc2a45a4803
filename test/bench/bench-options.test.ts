import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from './bench-options.js';

describe('parseBenchOptions', () => {
  it('defaults to the full run the targets refer to', () => {
    expect(parseBenchOptions([], {})).toEqual({
      pods: 10_000,
      concurrency: 64,
      sequential: 500,
      watchers: 500,
      watchPods: 200,
      watchRate: 20,
      listRuns: 3,
      inProcess: false,
      serverCpuProf: undefined,
      store: 'etcd',
      profileCreates: undefined,
    });
  });

  it.each([
    [['--pods', '2000'], {}, { pods: 2000 }],
    [[], { BENCH_PODS: '300' }, { pods: 300 }],
    [['--pods', '2000'], { BENCH_PODS: '300' }, { pods: 2000 }],
    [['--watchers', '0'], {}, { watchers: 0 }],
    [['--watch-rate', '2.5', '--watch-pods', '10'], {}, { watchRate: 2.5, watchPods: 10 }],
    [['--in-process', '--server-cpu-prof', '/tmp/p'], {}, { inProcess: true, serverCpuProf: '/tmp/p' }],
    [[], { BENCH_IN_PROCESS: '1', BENCH_LIST_RUNS: '1' }, { inProcess: true, listRuns: 1 }],
    [['--store', 'sqlite', '--profile-creates', '/tmp/a.cpuprofile'], {}, { store: 'sqlite', profileCreates: '/tmp/a.cpuprofile' }],
    [[], { BENCH_STORE: 'sqlite' }, { store: 'sqlite' }],
  ])('%j with %j', (argv, env, want) => {
    expect(parseBenchOptions(argv, env)).toMatchObject(want);
  });

  it.each([[['--pods', 'many']], [['--pods', '-1']], [['--bogus']], [['--store', 'mysql']]])('refuses %j', (argv) => {
    expect(() => parseBenchOptions(argv, {})).toThrow();
  });
});
