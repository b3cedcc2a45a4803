import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiserverOptions, RunningApiserver } from '../apiserver/main.js';
import type { ClientConfig } from '../client/rest-client.js';

// The CLI's own behaviour (dispatch, banner, signals, exit codes, which components start
// with which settings) is tested against fakes of the apiserver and of the client
// components; apiserver/main.test.ts and test/integration/distributed.test.ts run the
// real ones.
const started: ApiserverOptions[] = [];
const closed = vi.fn(async () => {});
let failStart: Error | undefined;
/** Every start and stop of a fake component and client, in order. */
const events: string[] = [];
/** What each fake client component was started with (its client replaced by its config). */
const componentOpts: Record<string, Record<string, unknown>> = {};

vi.mock('../apiserver/main.js', () => ({
  startApiserver: async (opts: ApiserverOptions): Promise<RunningApiserver> => {
    if (failStart) throw failStart;
    started.push(opts);
    events.push('start apiserver');
    return {
      url: 'https://127.0.0.1:6443',
      port: 6443,
      caCert: 'CA',
      adminToken: 'token',
      kubeconfigPath: opts.kubeconfigPath ?? `${opts.dataDir}/kubeconfig`,
      app: {} as RunningApiserver['app'],
      close: async () => {
        events.push('stop apiserver');
        await closed();
      },
    };
  },
}));

// `up` runs the apiserver on a thread (apiserver-thread.ts), where this file's mocks do
// not reach: here the thread is the mocked apiserver itself.
vi.mock('./apiserver-thread.js', async () => {
  const { startApiserver } = await import('../apiserver/main.js');
  return { startApiserverThread: (opts: ApiserverOptions) => startApiserver(opts) };
});

/** A fake started component that records its options and its stop. */
function fakeComponent(name: string, opts: { client: unknown; logger?: unknown } & Record<string, unknown>) {
  const { client, logger: _logger, ...rest } = opts;
  componentOpts[name] = { ...rest, connection: (client as { config: ClientConfig }).config };
  events.push(`start ${name}`);
  return { stop: async () => void events.push(`stop ${name}`) };
}

vi.mock('../client/rest-client.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  createRestClient: (config: ClientConfig) => ({ config, close: () => void events.push(`close client ${config.userAgent?.split('/')[0]}`) }),
}));
vi.mock('../controllers/manager.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startControllerManager: async (opts: never) => fakeComponent('controller-manager', opts),
}));
vi.mock('../scheduler/scheduler.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startScheduler: async (opts: never) => fakeComponent('scheduler', opts),
}));
vi.mock('../cloud/sim-cloud.js', () => ({
  SimCloud: class {
    constructor(readonly opts: { statePath?: string }) {}
    start() {
      events.push('start cloud');
    }
    stop() {
      events.push('stop cloud');
    }
  },
}));
vi.mock('../cloud/ccm/cloud-controller-manager.js', () => ({
  startCloudControllerManager: async (opts: never) => fakeComponent('cloud-controller-manager', opts),
}));
vi.mock('../cluster-autoscaler/index.js', () => ({
  startClusterAutoscaler: async (opts: never) => ({ ...fakeComponent('cluster-autoscaler', opts), metricsPort: 8085 }),
}));
vi.mock('../kubelet-sim/index.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startKubeletSim: async (opts: never) => fakeComponent('kubelet-sim', opts),
}));
vi.mock('../metrics-server/metrics-server.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startMetricsServer: async (opts: never) => fakeComponent('metrics-server', opts),
}));
vi.mock('../hpa/start-hpa.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startHpa: async (opts: never) => fakeComponent('hpa', opts),
}));
vi.mock('../kube-proxy/kube-proxy.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startKubeProxy: async (opts: never) => fakeComponent('kube-proxy', opts),
}));
vi.mock('../ingress-controller/controller.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startIngressController: async (opts: { httpPort: number; httpsPort: number | null } & Record<string, unknown>) => ({
    ...fakeComponent('ingress-controller', opts as never),
    httpPort: opts.httpPort === 0 ? 40080 : opts.httpPort,
    httpsPort: opts.httpsPort === null ? undefined : opts.httpsPort,
  }),
}));
vi.mock('../dns/component.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  startDnsComponent: async (opts: { port: number; address: string }) => ({ ...fakeComponent('dns', opts as never), address: opts.address, port: opts.port === 0 ? 40053 : opts.port }),
}));

const tmp = mkdtempSync(join(tmpdir(), 'kubeling-cli-main-'));
const KUBECONFIG = join(tmp, 'kubeconfig');
writeFileSync(
  KUBECONFIG,
  [
    'apiVersion: v1',
    'kind: Config',
    'current-context: kubeling',
    'clusters: [{ name: kubeling, cluster: { server: "https://127.0.0.1:7443", certificate-authority-data: Q0EtUEVN } }]',
    'users: [{ name: admin, user: { token: secret } }]',
    'contexts: [{ name: kubeling, context: { cluster: kubeling, user: admin } }]',
  ].join('\n'),
);
const TEMPLATE = join(tmp, 'node.yaml');
writeFileSync(TEMPLATE, 'capacity: { cpu: "16" }\nlabels: { pool: big }\n');
const STAGES = join(tmp, 'stages.yaml');
writeFileSync(STAGES, 'stages:\n  - name: image-pull\n    delay: { ms: 5000, jitterMs: 0 }\nrestartBackoff: { initialMs: 1000 }\n');
const BAD_STAGES = join(tmp, 'bad-stages.json');
writeFileSync(BAD_STAGES, JSON.stringify({ logIntervalMs: -1 }));
const BAD_TEMPLATE = join(tmp, 'bad-node.yaml');
writeFileSync(BAD_TEMPLATE, 'capacity: { cpu: [1] }\n');
/** What the kubelet-sim gets from STAGES: the overridden values (the rest are defaults). */
const stagesFromFile = expect.objectContaining({
  stages: expect.arrayContaining([expect.objectContaining({ name: 'image-pull', delay: expect.objectContaining({ ms: 5000, jitterMs: 0 }) })]),
  restartBackoff: expect.objectContaining({ initialMs: 1000 }),
});
/** What the kubelet-sim gets from TEMPLATE. */
const templateFromFile = expect.objectContaining({ capacity: expect.objectContaining({ cpu: '16', memory: '32Gi' }), labels: { pool: 'big' } });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
  events.length = 0;
  for (const k of Object.keys(componentOpts)) delete componentOpts[k];
  closed.mockClear();
  failStart = undefined;
});

describe('run', () => {
  it.each([
    { argv: ['--help'], out: /Usage:\n  kubeling <command> \[flags\][\s\S]*up {2,}Start a whole cluster/ },
    { argv: ['up', '--help'], out: /Usage: kubeling up \[flags\][\s\S]*--nodes N +number of simulated nodes \(default 3\)\n[\s\S]*--kubeconfig PATH +where to WRITE/ },
    { argv: ['scheduler', '--help'], out: /Usage: kubeling scheduler[\s\S]*--kubeconfig PATH +required: the kubeconfig to connect with \(READ\)[\s\S]*--leader-elect +act only/ },
    { argv: ['help', 'controller-manager'], out: /Controllers: node-ipam-controller, [\s\S]*--controllers LIST[\s\S]*--node-monitor-grace-period DURATION/ },
    { argv: ['kubelet-sim', '-h'], out: /--nodes N[\s\S]*--node-name-prefix PREFIX[\s\S]*--node-template FILE[\s\S]*--stage-config FILE +JSON or YAML overrides/ },
    { argv: ['up', '-h'], out: /--node-template FILE +JSON or YAML node template[\s\S]*--stage-config FILE +JSON or YAML overrides of the simulated pod lifecycle/ },
    { argv: ['help', 'apiserver'], out: /Usage: kubeling apiserver[\s\S]*--etcd-servers URLS/ },
    { argv: ['version'], out: /^kubeling v0\.1\.0\n$/ },
  ])('$argv prints to stdout and exits 0', async ({ argv, out }) => {
    const f = fakeIo();
    expect(await run(argv, f.io)).toBe(0);
    expect(f.out()).toMatch(out);
    expect(f.err()).toBe('');
  });

  it('apiserver --help does not offer the kubelet-sim flags', async () => {
    const f = fakeIo();
    await run(['apiserver', '--help'], f.io);
    expect(f.out()).toContain('--data-dir');
    for (const flag of ['--nodes', '--node-template', '--stage-config']) expect(f.out()).not.toContain(flag);
  });

  it.each([
    { argv: ['frobnicate'], err: 'kubeling: unknown command "frobnicate"\nRun \'kubeling --help\' for usage.\n' },
    { argv: ['up', '--store', 'foo'], err: 'kubeling: invalid --store "foo": must be sqlite or etcd\nRun \'kubeling up --help\' for usage.\n' },
    { argv: ['up', '--bogus'], err: "kubeling: unknown flag: --bogus\nRun 'kubeling up --help' for usage.\n" },
    {
      argv: ['scheduler'],
      err: "kubeling: scheduler needs --kubeconfig PATH: the kubeconfig to connect with, e.g. the one `kubeling apiserver` writes\nRun 'kubeling scheduler --help' for usage.\n",
    },
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
    expect(f.out()).toBe(
      'Kubeling is running at https://127.0.0.1:6443\nexport KUBECONFIG=/work/x/state/kubeconfig\n' +
        'GraphQL playground: https://127.0.0.1:6443/graphiql#token=token\n' +
        'Cluster view: https://127.0.0.1:6443/ui#token=token\n' +
        'Cluster DNS (udp+tcp) at 127.0.0.1:10053: dig @127.0.0.1 -p 10053 kubernetes.default.svc.cluster.local\n' +
        "Ingress (class nginx) at http://127.0.0.1:10080, https://127.0.0.1:10443: curl -H 'Host: HOST' http://127.0.0.1:10080/\n",
    );
    expect(closed).not.toHaveBeenCalled();
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(f.exit).not.toHaveBeenCalled();
  });

  it('up sizes the pod network for --nodes beyond 256 and says so', async () => {
    const f = fakeIo();
    const done = run(['up', '--port', '0', '--nodes', '1000'], f.io);
    await f.printed('Pod network');
    expect(componentOpts['controller-manager']).toMatchObject({ clusterCidr: '100.96.0.0/14', nodeCidrMaskSize: 24 });
    expect(f.out()).toContain('Pod network 100.96.0.0/14, a /24 per node (sized for --nodes 1000; set it with --cluster-cidr and --node-cidr-mask-size)\n');
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('up gives its threaded apiserver the authentication and admission flags too (--anonymous-auth, --client-ca-file, --admission-control-config-file)', async () => {
    const f = fakeIo();
    const done = run(['up', '--port', '0', '--nodes', '1', '--anonymous-auth=false', '--client-ca-file', '/etc/ca.pem', '--admission-control-config-file', '/etc/admission.yaml'], f.io);
    await f.printed('export KUBECONFIG=');
    expect(started.at(-1)).toMatchObject({ anonymousAuth: false, clientCaFile: '/etc/ca.pem', admissionControlConfigFile: '/etc/admission.yaml' });
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('up passes --service-cluster-ip-range to the apiserver, its tenth address to the kubelets and kube-dns', async () => {
    const f = fakeIo();
    const done = run(['up', '--port', '0', '--nodes', '2', '--service-cluster-ip-range', '10.100.0.0/16', '--cluster-domain', 'corp.internal'], f.io);
    await f.printed('export KUBECONFIG=');
    expect(started.at(-1)).toMatchObject({ serviceClusterIpRange: '10.100.0.0/16' });
    expect(componentOpts['kubelet-sim']).toMatchObject({ clusterDns: ['10.100.0.10'], clusterDomain: 'corp.internal' });
    expect(componentOpts.dns).toMatchObject({ serviceIP: '10.100.0.10', clusterDomain: 'corp.internal' });
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('up --use-service-account-credentials=false runs the controllers and the HPA with the manager credential', async () => {
    const f = fakeIo();
    const done = run(['up', '--port', '0', '--nodes', '1', '--use-service-account-credentials=false'], f.io);
    await f.printed('export KUBECONFIG=');
    expect(componentOpts['controller-manager']).not.toHaveProperty('serviceAccountCredentials');
    expect(componentOpts.hpa).not.toHaveProperty('serviceAccountCredentials');
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('up passes --cluster-cidr and --node-cidr-mask-size to the node IPAM controller', async () => {
    const f = fakeIo();
    const done = run(['up', '--port', '0', '--nodes', '2', '--cluster-cidr', '10.244.0.0/16'], f.io);
    await f.printed('Pod network');
    expect(componentOpts['controller-manager']).toMatchObject({ clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 24 });
    expect(f.out()).toContain('Pod network 10.244.0.0/16, a /24 per node\n');
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('up starts controller manager, scheduler and kubelets after the apiserver, connected to it, and stops them first', async () => {
    const f = fakeIo();
    const done = run(['up', '--port', '0', '--nodes', '5'], f.io);
    await f.printed('export KUBECONFIG=');
    const inProcess = { server: 'https://127.0.0.1:6443', caCert: 'CA', token: 'token' };
    expect(componentOpts).toEqual({
      // The cluster CA of the connection is the root-ca publisher's --root-ca-file.
      // --use-service-account-credentials (up's default): each controller as its kube-system ServiceAccount.
      'controller-manager': { leaderElect: false, clusterCidr: '100.96.0.0/16', nodeCidrMaskSize: 24, rootCaPem: 'CA', serviceAccountCredentials: expect.objectContaining({ clientFor: expect.any(Function) }), connection: expect.objectContaining(inProcess) },
      scheduler: { leaderElect: false, connection: expect.objectContaining(inProcess) },
      'kubelet-sim': { nodes: 5, clusterDns: ['10.96.0.10'], clusterDomain: 'cluster.local', connection: expect.objectContaining(inProcess) },
      'metrics-server': { connection: expect.objectContaining(inProcess) },
      hpa: { leaderElect: false, config: {}, rawGet: expect.any(Function), serviceAccountCredentials: expect.objectContaining({ clientFor: expect.any(Function) }), connection: expect.objectContaining(inProcess) },
      'kube-proxy': { clusterCIDR: '100.96.0.0/16', connection: expect.objectContaining(inProcess) },
      dns: { port: 10053, address: '127.0.0.1', clusterDomain: 'cluster.local', serviceIP: '10.96.0.10', connection: expect.objectContaining(inProcess) },
      'cloud-controller-manager': { cloud: expect.anything(), leaderElect: false, connection: expect.objectContaining(inProcess) },
      'ingress-controller': { httpPort: 10080, httpsPort: 10443, connection: expect.objectContaining(inProcess) },
    });
    expect(componentOpts.scheduler!.connection).toMatchObject({ userAgent: expect.stringMatching(/^kubeling-scheduler\/v/) });
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(events).toEqual([
      'start apiserver',
      'start controller-manager',
      'start scheduler',
      'start kubelet-sim',
      'start metrics-server',
      'start hpa',
      'start kube-proxy',
      'start dns',
      'start cloud',
      'start cloud-controller-manager',
      'start ingress-controller',
      'stop ingress-controller',
      'close client kubeling-ingress-controller',
      'stop cloud-controller-manager',
      'close client kubeling-cloud-controller-manager',
      'stop cloud',
      'close client kubeling-cloud',
      'stop dns',
      'close client kubeling-dns',
      'stop kube-proxy',
      'close client kubeling-kube-proxy',
      'stop hpa',
      'close client kubeling-hpa',
      'stop metrics-server',
      'close client kubeling-metrics-server',
      'stop kubelet-sim',
      'close client kubeling-kubelet-sim',
      'stop scheduler',
      'close client kubeling-scheduler',
      'stop controller-manager',
      'close client kubeling-controller-manager',
      'stop apiserver',
    ]);
  });

  it.each([
    {
      argv: ['controller-manager', '--kubeconfig', KUBECONFIG, '--leader-elect=false', '--controllers', '*,-node-lifecycle-controller', '--cluster-cidr', '10.244.0.0/16', '--node-cidr-mask-size', '26', '--node-monitor-grace-period', '1m'],
      name: 'controller-manager',
      opts: {
        leaderElect: false,
        rootCaPem: 'CA-PEM',
        controllers: ['*', '-node-lifecycle-controller'],
        clusterCidr: '10.244.0.0/16',
        nodeCidrMaskSize: 26,
        nodeMonitorGracePeriodMs: 60_000,
      },
    },
    { argv: ['scheduler', '--kubeconfig', KUBECONFIG], name: 'scheduler', opts: { leaderElect: true } },
    {
      argv: ['kubelet-sim', '--kubeconfig', KUBECONFIG, '--nodes', '7', '--node-name-prefix', 'sim-', '--node-template', TEMPLATE],
      name: 'kubelet-sim',
      opts: { nodes: 7, namePrefix: 'sim-', template: templateFromFile },
    },
    { argv: ['kubelet-sim', '--kubeconfig', KUBECONFIG, '--stage-config', STAGES], name: 'kubelet-sim', opts: { nodes: 3, stages: stagesFromFile } },
  ])('$name connects through --kubeconfig, starts with its flags, and stops on SIGINT with 0', async ({ argv, name, opts }) => {
    const f = fakeIo();
    const done = run(argv, f.io);
    await f.printed('is running against');
    expect(f.out()).toBe(`Kubeling ${name} is running against https://127.0.0.1:7443\n`);
    expect(componentOpts[name]).toEqual({ ...opts, connection: expect.objectContaining({ server: 'https://127.0.0.1:7443', caCert: 'CA-PEM', token: 'secret' }) });
    expect(started).toEqual([]);
    f.signals.emit('SIGINT');
    expect(await done).toBe(0);
    expect(events).toEqual([`start ${name}`, `stop ${name}`, `close client kubeling-${name}`]);
  });

  it('up --autoscale-nodes makes the group the cluster: no static nodes, a cluster autoscaler with the CA flags given', async () => {
    const f = fakeIo();
    const done = run(['up', '--nodes', '1', '--autoscale-nodes', '1:5', '--scale-down-unneeded-time', '30s', '--expander', 'most-pods', '--max-nodes-total', '4'], f.io);
    await f.printed('export KUBECONFIG=');
    expect(componentOpts['kubelet-sim']).toMatchObject({ nodes: 0 });
    expect(componentOpts['cluster-autoscaler']).toMatchObject({
      leaderElect: false,
      options: { scaleDownUnneededTimeMs: 30_000, expander: ['most-pods'], maxNodesTotal: 4 },
    });
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('up passes --node-template and --stage-config to its kubelet-sim', async () => {
    const f = fakeIo();
    const done = run(['up', '--nodes', '2', '--node-template', TEMPLATE, '--stage-config', STAGES], f.io);
    await f.printed('export KUBECONFIG=');
    expect(componentOpts['kubelet-sim']).toEqual({ nodes: 2, template: templateFromFile, stages: stagesFromFile, clusterDns: ['10.96.0.10'], clusterDomain: 'cluster.local', connection: expect.anything() });
    f.signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  // Files are read when the command starts (parsing stays pure), before any component:
  // a bad file fails like a missing kubeconfig (exit 1), on one line, and `up` never
  // starts its apiserver.
  it.each([
    { argv: ['up', '--stage-config', 'absent.yaml'], err: 'cannot use --stage-config /work/x/absent.yaml: no such file' },
    { argv: ['up', '--stage-config', BAD_STAGES], err: `cannot use --stage-config ${BAD_STAGES}: invalid stage config: Too small: expected number to be >=0 (at logIntervalMs)` },
    { argv: ['up', '--node-template', BAD_TEMPLATE], err: `cannot use --node-template ${BAD_TEMPLATE}: invalid node template: Invalid input (at capacity.cpu)` },
    { argv: ['up', '--node-template', TEMPLATE, '--stage-config', tmp], err: `cannot use --stage-config ${tmp}: is a directory` },
    { argv: ['kubelet-sim', '--kubeconfig', KUBECONFIG, '--stage-config', 'absent.yaml'], err: 'cannot use --stage-config /work/x/absent.yaml: no such file' },
    { argv: ['kubelet-sim', '--kubeconfig', KUBECONFIG, '--node-template', BAD_TEMPLATE], err: `cannot use --node-template ${BAD_TEMPLATE}: invalid node template: Invalid input (at capacity.cpu)` },
  ])('$argv fails to start with one line and exit 1, starting nothing', async ({ argv, err }) => {
    const f = fakeIo();
    expect(await run(argv, f.io)).toBe(1);
    expect(f.err()).toBe(`kubeling: ${err}\n`);
    expect(f.out()).toBe('');
    expect(started).toEqual([]);
    expect(events).toEqual([]);
  });

  it('a client command with a missing kubeconfig fails to start with exit 1', async () => {
    const f = fakeIo();
    expect(await run(['scheduler', '--kubeconfig', join(tmp, 'absent')], f.io)).toBe(1);
    expect(f.err()).toBe(`kubeling: cannot use --kubeconfig ${join(tmp, 'absent')}: no such file\n`);
    expect(events).toEqual([]);
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
