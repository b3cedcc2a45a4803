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
/** `up` also runs the cluster DNS. */
const upDefaults: RunOptions = { ...defaults, dnsPort: 10053, dnsAddress: '127.0.0.1', clusterDomain: 'cluster.local' };

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
    { argv: ['up'], want: { kind: 'run', command: 'up', options: upDefaults } },
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
        '--dns-port', 'none',
        '--cluster-domain', 'corp.internal.',
        '--advertise-address', '10.0.0.3',
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
        dnsPort: 'none',
        dnsAddress: '127.0.0.1',
        clusterDomain: 'corp.internal',
        advertiseAddress: '10.0.0.3',
      },
    });
  });

  it.each([
    { argv: ['up', '--stage-config', 'sim/fast.yaml'], want: { stageConfigPath: '/home/me/project/sim/fast.yaml' } },
    { argv: ['up', '--node-template=/etc/node.json'], want: { nodeTemplatePath: '/etc/node.json' } },
    {
      argv: ['up', '--node-template', 'n.yaml', '--stage-config', '../s.json'],
      want: { nodeTemplatePath: '/home/me/project/n.yaml', stageConfigPath: '/home/me/s.json' },
    },
  ])('up takes the kubelet-sim files: $argv', ({ argv, want }) => {
    expect(parseCli(argv, CWD)).toEqual({ kind: 'run', command: 'up', options: { ...upDefaults, ...want } });
  });

  it('chooses etcd when only --etcd-servers is given', () => {
    const parsed = parseCli(['apiserver', '--etcd-servers', 'https://127.0.0.1:2379'], CWD);
    expect(parsed).toMatchObject({ kind: 'run', options: { store: 'etcd', etcdServers: ['https://127.0.0.1:2379'] } });
  });
});

describe('parseCli: authentication flags', () => {
  it('takes --client-ca-file (resolved) and --anonymous-auth=false; anonymous stays on by default', () => {
    const on = parseCli(['apiserver', '--client-ca-file', 'ca.pem'], CWD);
    expect(on).toMatchObject({ kind: 'run', options: { clientCaFile: `${CWD}/ca.pem` } });
    expect((on as { options: RunOptions }).options.anonymousAuth).toBeUndefined();
    expect(parseCli(['up', '--anonymous-auth=false'], CWD)).toMatchObject({ options: { anonymousAuth: false } });
    expect((parseCli(['up', '--anonymous-auth=true'], CWD) as { options: RunOptions }).options.anonymousAuth).toBeUndefined();
    expect(parseCli(['up', '--anonymous-auth=maybe'], CWD)).toMatchObject({ kind: 'usage-error' });
  });

  it('takes --admission-control-config-file (resolved) for up and apiserver', () => {
    expect(parseCli(['up', '--admission-control-config-file', 'admission.yaml'], CWD)).toMatchObject({ kind: 'run', options: { admissionControlConfigFile: `${CWD}/admission.yaml` } });
    expect(parseCli(['apiserver', '--admission-control-config-file=/etc/a.yaml'], CWD)).toMatchObject({ options: { admissionControlConfigFile: '/etc/a.yaml' } });
  });
});

describe('parseCli: up pod network', () => {
  it('takes --cluster-cidr and --node-cidr-mask-size', () => {
    const parsed = parseCli(['up', '--cluster-cidr', '10.244.0.0/16', '--node-cidr-mask-size', '25'], CWD);
    expect(parsed).toMatchObject({ kind: 'run', command: 'up', options: { clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 25 } });
  });
});

describe('parseCli: kubelet client limits', () => {
  it.each([
    { argv: ['up', '--kube-api-qps', '20', '--kube-api-burst', '40'], want: { kubeApiQps: 20, kubeApiBurst: 40 } },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--kube-api-qps=5'], want: { kubeApiQps: 5 } },
  ])('$argv', ({ argv, want }) => {
    expect(parseCli(argv, CWD)).toMatchObject({ kind: 'run', options: want });
  });

  it('up --apiserver-thread=false shares the components\' event loop', () => {
    expect(parseCli(['up', '--apiserver-thread=false'], CWD)).toMatchObject({ kind: 'run', options: { apiserverThread: false } });
    expect(parseCli(['up'], CWD)).not.toMatchObject({ options: { apiserverThread: false } });
  });

  it.each([
    { argv: ['apiserver', '--apiserver-thread=false'], message: 'unknown flag: --apiserver-thread' },
    { argv: ['up', '--apiserver-thread=maybe'], message: expect.stringContaining('--apiserver-thread') },
    { argv: ['up', '--kube-api-qps', '0'], message: 'invalid --kube-api-qps "0": must be an integer from 1 to 2147483647' },
    { argv: ['up', '--kube-api-burst', 'lots'], message: 'invalid --kube-api-burst "lots": must be an integer from 1 to 2147483647' },
    { argv: ['apiserver', '--kube-api-qps', '5'], message: 'unknown flag: --kube-api-qps' },
  ])('$argv is refused', ({ argv, message }) => {
    expect(parseCli(argv, CWD)).toMatchObject({ kind: 'usage-error', message });
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
    { argv: ['up', '--stage-config='], message: 'invalid --stage-config "": must not be empty' },
    { argv: ['up', '--stage-config'], message: 'flag --stage-config needs a value (use --stage-config=VALUE for a value starting with "-")' },
    { argv: ['apiserver', '--stage-config', 's.yaml'], message: 'unknown flag: --stage-config' },
    { argv: ['up', '--dns-port', 'x'], message: 'invalid --dns-port "x": must be an integer from 0 to 65535' },
    { argv: ['up', '--dns-port', '70000'], message: 'invalid --dns-port "70000": must be an integer from 0 to 65535' },
    { argv: ['up', '--dns-address', '0.0.0.0'], message: 'invalid --dns-address "0.0.0.0": must be a loopback address (127.0.0.0/8 or ::1)' },
    { argv: ['up', '--dns-address', '10.96.0.10'], message: 'invalid --dns-address "10.96.0.10": must be a loopback address (127.0.0.0/8 or ::1)' },
    { argv: ['up', '--cluster-domain', 'bad_domain!'], message: 'invalid --cluster-domain "bad_domain!": must be a DNS domain such as cluster.local' },
    { argv: ['up', '--advertise-address', '127.0.0.1'], message: 'invalid --advertise-address "127.0.0.1": must be an IP address that is not loopback or unspecified, e.g. 10.0.0.2' },
    { argv: ['apiserver', '--dns-port', '53'], message: 'unknown flag: --dns-port' },
    { argv: ['dns', '--kubeconfig', 'kc', '--dns-port', 'none'], message: 'invalid --dns-port "none": must be an integer from 0 to 65535' },
    { argv: ['apiserver', '--node-template', 'n.yaml'], message: 'unknown flag: --node-template' },
    { argv: ['up', '--ingress-http-port', 'eighty'], message: 'invalid --ingress-http-port "eighty": must be an integer from 0 to 65535' },
    { argv: ['apiserver', '--ingress-http-port', '80'], message: 'unknown flag: --ingress-http-port' },
    { argv: ['ingress-controller', '--kubeconfig', 'kc', '--http-port', 'none'], message: 'invalid --http-port "none": must be a port number (0 picks a free port)' },
    { argv: ['ingress-controller', '--kubeconfig', 'kc', '--ingress-class', 'Bad_Class'], message: 'invalid --ingress-class "Bad_Class": must be a lowercase DNS subdomain such as nginx' },
    { argv: ['ingress-controller'], message: 'ingress-controller needs --kubeconfig PATH: the kubeconfig to connect with, e.g. the one `kubeling apiserver` writes' },
    { argv: ['up', '--help=yes'], message: "Option '-h, --help' does not take an argument" },
  ])('$argv → $message', ({ argv, message }) => {
    const parsed = parseCli(argv, CWD);
    expect(parsed.kind).toBe('usage-error');
    expect(parsed.kind === 'usage-error' && parsed.message).toBe(message);
  });
});

describe('parseCli: the ingress controller', () => {
  it('up takes --ingress-http-port none (no controller) and ports', () => {
    const off = parseCli(['up', '--ingress-http-port', 'none'], CWD);
    expect(off.kind === 'run' && off.command === 'up' && off.options.ingress).toEqual({ httpPort: 'none' });
    const ports = parseCli(['up', '--ingress-http-port', '0', '--ingress-https-port', 'none'], CWD);
    expect(ports.kind === 'run' && ports.command === 'up' && ports.options.ingress).toEqual({ httpPort: 0, httpsPort: 'none' });
  });

  it('ingress-controller takes ingress-nginx\'s flag names', () => {
    const parsed = parseCli(['ingress-controller', '--kubeconfig', 'kc', '--http-port', '8080', '--https-port', '8443', '--ingress-class', 'public'], CWD);
    expect(parsed).toEqual({
      kind: 'run',
      command: 'ingress-controller',
      options: { kubeconfigPath: '/home/me/project/kc', ingress: { httpPort: 8080, httpsPort: 8443, ingressClass: 'public' } },
    });
  });
});

describe('parseCli: client commands', () => {
  const kc = '/home/me/project/kc';
  it.each([
    {
      argv: ['controller-manager', '--kubeconfig', 'kc'],
      options: { kubeconfigPath: kc, leaderElect: true, controllers: ['*'], useServiceAccountCredentials: false },
    },
    {
      argv: [
        'controller-manager',
        '--kubeconfig=/etc/kc',
        '--leader-elect=false',
        '--controllers', 'node-ipam-controller, replicaset-controller',
        '--cluster-cidr', '10.244.0.0/16',
        '--node-cidr-mask-size', '20',
        '--node-monitor-grace-period', '1m30s',
        '--log-level', 'warn',
      ],
      options: {
        kubeconfigPath: '/etc/kc',
        leaderElect: false,
        controllers: ['node-ipam-controller', 'replicaset-controller'],
        clusterCidr: '10.244.0.0/16',
        nodeCidrMaskSize: 20,
        nodeMonitorGracePeriodMs: 90_000,
        logLevel: 'warn',
        useServiceAccountCredentials: false,
      },
    },
    {
      argv: ['controller-manager', '--kubeconfig', 'kc', '--controllers=*,-node-lifecycle-controller', '--node-cidr-mask-size', '26'],
      options: { kubeconfigPath: kc, leaderElect: true, controllers: ['*', '-node-lifecycle-controller'], nodeCidrMaskSize: 26, useServiceAccountCredentials: false },
    },
    { argv: ['scheduler', '--kubeconfig', 'kc'], options: { kubeconfigPath: kc, leaderElect: true } },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--leader-elect'], options: { kubeconfigPath: kc, leaderElect: true } },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--no-leader-elect'], options: { kubeconfigPath: kc, leaderElect: false } },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--leader-elect=0'], options: { kubeconfigPath: kc, leaderElect: false } },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--leader-elect=True'], options: { kubeconfigPath: kc, leaderElect: true } },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--leader-elect=false', '--leader-elect'], options: { kubeconfigPath: kc, leaderElect: true } },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--leader-elect', '--no-leader-elect'], options: { kubeconfigPath: kc, leaderElect: false } },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc'], options: { kubeconfigPath: kc, nodes: 3 } },
    { argv: ['dns', '--kubeconfig', 'kc'], options: { kubeconfigPath: kc, dnsPort: 10053, dnsAddress: '127.0.0.1', clusterDomain: 'cluster.local' } },
    { argv: ['dns', '--kubeconfig', 'kc', '--dns-port', '0', '--dns-address', '127.0.0.53', '--cluster-domain', 'Corp.Internal'], options: { kubeconfigPath: kc, dnsPort: 0, dnsAddress: '127.0.0.53', clusterDomain: 'corp.internal' } },
    {
      argv: ['kubelet-sim', '--kubeconfig', 'kc', '--nodes', '1000', '--node-name-prefix', 'edge-a.', '--node-template', 'nodes/big.yaml'],
      options: { kubeconfigPath: kc, nodes: 1000, nodeNamePrefix: 'edge-a.', nodeTemplatePath: '/home/me/project/nodes/big.yaml' },
    },
    {
      argv: ['kubelet-sim', '--kubeconfig', 'kc', '--stage-config', 'stages/slow-pulls.yaml'],
      options: { kubeconfigPath: kc, nodes: 3, stageConfigPath: '/home/me/project/stages/slow-pulls.yaml' },
    },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--port', '10250', '--address', '0.0.0.0'], options: { kubeconfigPath: kc, nodes: 3, port: 10250, address: '0.0.0.0' } },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--stage-config=/etc/s.json'], options: { kubeconfigPath: kc, nodes: 3, stageConfigPath: '/etc/s.json' } },
    { argv: ['metrics-server', '--kubeconfig', 'kc'], options: { kubeconfigPath: kc } },
    { argv: ['metrics-server', '--kubeconfig', 'kc', '--metric-resolution', '5s', '--secure-port', '4443'], options: { kubeconfigPath: kc, metricResolutionMs: 5000, securePort: 4443 } },
  ])('$argv', ({ argv, options }) => {
    expect(parseCli(argv, CWD)).toEqual({ kind: 'run', command: argv[0], options });
  });

  it.each([
    { argv: ['controller-manager'], message: 'controller-manager needs --kubeconfig PATH: the kubeconfig to connect with, e.g. the one `kubeling apiserver` writes' },
    { argv: ['kubelet-sim', '--kubeconfig='], message: 'invalid --kubeconfig "": must not be empty' },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--stage-config='], message: 'invalid --stage-config "": must not be empty' },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--node-template='], message: 'invalid --node-template "": must not be empty' },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--stage-config', 's.yaml'], message: 'unknown flag: --stage-config' },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--leader-elect=maybe'], message: 'invalid argument "maybe" for "--leader-elect" flag: strconv.ParseBool: parsing "maybe": invalid syntax' },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--leader-elect', 'false'], message: 'unexpected argument "false" for scheduler' },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--no-help'], message: 'unknown flag: --no-help' },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--nodes', '3'], message: 'unknown flag: --nodes' },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--leader-elect'], message: 'unknown flag: --leader-elect' },
    { argv: ['metrics-server', '--kubeconfig', 'kc', '--metric-resolution', '10ms'], message: 'invalid --metric-resolution "10ms": must be at least 1s' },
    { argv: ['metrics-server', '--kubeconfig', 'kc', '--secure-port', '70000'], message: /^invalid --secure-port "70000"/ },
    { argv: ['up', '--metric-resolution', 'often'], message: /^invalid --metric-resolution "often"/ },
    { argv: ['up', '--leader-elect=false'], message: 'unknown flag: --leader-elect' },
    { argv: ['scheduler', '--kubeconfig', 'kc', '--data-dir', 'd'], message: 'unknown flag: --data-dir' },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--controllers', 'nope'], message: /^invalid --controllers: "nope" is not in the list of known controllers \(node-ipam-controller, / },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--controllers', '*,-nope'], message: /^invalid --controllers: "nope" is not in the list/ },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--controllers', ' , '], message: 'invalid --controllers " , ": give at least one name, or * for all' },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--cluster-cidr', '10.0.0.0'], message: 'invalid --cluster-cidr/--node-cidr-mask-size: invalid CIDR address: 10.0.0.0' },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--cluster-cidr', 'fd00::/48'], message: 'invalid --cluster-cidr/--node-cidr-mask-size: IPv6 CIDR fd00::/48 is not supported' },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--cluster-cidr', '10.0.0.0/24', '--node-cidr-mask-size', '16'], message: /^invalid --cluster-cidr\/--node-cidr-mask-size: node CIDR mask size \/16 must be between/ },
    { argv: ['up', '--cluster-cidr', '10.0.0.0/24', '--node-cidr-mask-size', '16'], message: /^invalid --cluster-cidr\/--node-cidr-mask-size: node CIDR mask size \/16 must be between/ },
    { argv: ['apiserver', '--cluster-cidr', '10.0.0.0/16'], message: 'unknown flag: --cluster-cidr' },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--node-cidr-mask-size', '33'], message: 'invalid --node-cidr-mask-size "33": must be an integer from 1 to 32' },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--node-monitor-grace-period', '40'], message: 'invalid --node-monitor-grace-period "40": must be a duration such as 40s, 2m or 1m30s' },
    { argv: ['controller-manager', '--kubeconfig', 'kc', '--node-monitor-grace-period', '0'], message: 'invalid --node-monitor-grace-period "0": must be greater than 0' },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--nodes', '-1'], message: 'flag --nodes needs a value (use --nodes=VALUE for a value starting with "-")' },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--node-name-prefix', 'Node_'], message: /^invalid --node-name-prefix "Node_": must be lower-case/ },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--port', '70000'], message: 'invalid --port "70000": must be an integer from 0 to 65535' },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--address', 'kubelet-sim'], message: 'invalid --address "kubelet-sim": must be an IP address, e.g. 0.0.0.0' },
    { argv: ['up', '--address', '0.0.0.0'], message: 'unknown flag: --address' },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--log-level', 'loud'], message: 'invalid --log-level "loud": must be one of trace, debug, info, warn, error, fatal, silent' },
  ])('$argv → $message', ({ argv, message }) => {
    const parsed = parseCli(argv, CWD);
    expect(parsed).toMatchObject({ kind: 'usage-error', command: argv[0] });
    expect(parsed.kind === 'usage-error' && parsed.message).toMatch(message);
  });
});

describe('parseCli: --use-service-account-credentials', () => {
  it.each([
    [['controller-manager', '--kubeconfig', 'kc'], false],
    [['controller-manager', '--kubeconfig', 'kc', '--use-service-account-credentials'], true],
    [['controller-manager', '--kubeconfig', 'kc', '--use-service-account-credentials=true'], true],
    [['controller-manager', '--kubeconfig', 'kc', '--use-service-account-credentials=T'], true],
    [['controller-manager', '--kubeconfig', 'kc', '--use-service-account-credentials=0'], false],
    [['hpa', '--kubeconfig', 'kc', '--use-service-account-credentials'], true],
    [['hpa', '--kubeconfig', 'kc'], false],
  ])('%j → %s (kube-controller-manager defaults to false)', (argv, want) => {
    const parsed = parseCli(argv, CWD);
    expect(parsed.kind).toBe('run');
    expect((parsed as { options: { useServiceAccountCredentials?: boolean } }).options.useServiceAccountCredentials).toBe(want);
  });

  it.each([
    [['up'], undefined],
    [['up', '--use-service-account-credentials'], undefined],
    [['up', '--use-service-account-credentials=false'], false],
    [['up', '--no-use-service-account-credentials'], false],
  ])('%j: up runs the controllers as their ServiceAccounts unless told not to (%s)', (argv, want) => {
    const parsed = parseCli(argv, CWD) as { options: { useServiceAccountCredentials?: boolean } };
    expect(parsed.options.useServiceAccountCredentials).toBe(want);
  });

  it.each([
    ['controller-manager', '--kubeconfig', 'kc', '--use-service-account-credentials=yes'],
    ['up', '--use-service-account-credentials=maybe'],
    ['hpa', '--kubeconfig', 'kc', '--use-service-account-credentials='],
  ])('a bad value is refused with pflag\'s words (%s)', (...argv) => {
    const raw = argv[argv.length - 1]!.split('=')[1]!;
    expect(parseCli(argv, CWD)).toMatchObject({
      kind: 'usage-error',
      command: argv[0],
      message: `invalid argument "${raw}" for "--use-service-account-credentials" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`,
    });
  });

  it('is not a flag of the commands that run no controller', () => {
    expect(parseCli(['scheduler', '--kubeconfig', 'kc', '--use-service-account-credentials'], CWD)).toMatchObject({ kind: 'usage-error', message: 'unknown flag: --use-service-account-credentials' });
  });
});
