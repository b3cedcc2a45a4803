import { parseArgs } from 'node:util';

/**
 * Options of the apiserver benchmark, from flags (`--pods 2000`) or the environment
 * (`BENCH_PODS=2000`); flags win. Defaults are the full run the targets refer to.
 */
export interface BenchOptions {
  /** Pods created through the API for throughput and listing (a, d). */
  pods: number;
  /** Clients in flight for the concurrent phases (a, b, c). */
  concurrency: number;
  /** Sequential single-object writes for latency (c). */
  sequential: number;
  /** Concurrent watchers (e); 0 skips the watch phase. */
  watchers: number;
  /** Pods created while the watchers listen (e). */
  watchPods: number;
  /** Creates per second during the watch phase (e). */
  watchRate: number;
  /** Repetitions of each list measurement (d); the median is reported. */
  listRuns: number;
  /** Run the apiserver in this process instead of a child process. */
  inProcess: boolean;
  /** Directory for a CPU profile of the apiserver process (child only). */
  serverCpuProf?: string;
  /** The apiserver's store: etcd (a local etcd started by the benchmark) or the embedded SQLite. */
  store: 'etcd' | 'sqlite';
  /** File for a CPU profile of the apiserver over phase (a) only (child only). */
  profileCreates?: string;
}

const NUMERIC = {
  pods: 10_000,
  concurrency: 64,
  sequential: 500,
  watchers: 500,
  'watch-pods': 200,
  'watch-rate': 20,
  'list-runs': 3,
} as const;

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(NUMERIC).map((k) => [k, { type: 'string' as const }])),
      'in-process': { type: 'boolean' },
      'server-cpu-prof': { type: 'string' },
      store: { type: 'string' },
      'profile-creates': { type: 'string' },
      serve: { type: 'boolean' },
    },
    strict: true,
  });
  const num = (key: keyof typeof NUMERIC): number => {
    const envKey = `BENCH_${key.toUpperCase().replace(/-/g, '_')}`;
    const raw = (values as Record<string, string | undefined>)[key] ?? env[envKey];
    if (raw === undefined || raw === '') return NUMERIC[key];
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${key} (or ${envKey}) must be a non-negative number, got ${JSON.stringify(raw)}`);
    return n;
  };
  const store = (values.store as string | undefined) ?? env.BENCH_STORE ?? 'etcd';
  if (store !== 'etcd' && store !== 'sqlite') throw new Error(`--store (or BENCH_STORE) must be etcd or sqlite, got ${JSON.stringify(store)}`);
  return {
    pods: Math.max(1, Math.floor(num('pods'))),
    concurrency: Math.max(1, Math.floor(num('concurrency'))),
    sequential: Math.floor(num('sequential')),
    watchers: Math.floor(num('watchers')),
    watchPods: Math.max(1, Math.floor(num('watch-pods'))),
    watchRate: Math.max(0.1, num('watch-rate')),
    listRuns: Math.max(1, Math.floor(num('list-runs'))),
    inProcess: Boolean(values['in-process']) || env.BENCH_IN_PROCESS === '1',
    serverCpuProf: (values['server-cpu-prof'] as string | undefined) ?? env.BENCH_SERVER_CPU_PROF,
    store,
    profileCreates: (values['profile-creates'] as string | undefined) ?? env.BENCH_PROFILE_CREATES,
  };
}
