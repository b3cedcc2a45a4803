import { describe, expect, it } from 'vitest';
import { parseCli } from './args.js';

// --service-cluster-ip-range (up, apiserver) and kubelet's --cluster-dns/--cluster-domain
// (kubelet-sim), through the parser every command uses.
const CWD = '/home/me/project';

describe('--service-cluster-ip-range', () => {
  it.each([
    { argv: ['up', '--service-cluster-ip-range', '10.100.0.0/16'], want: '10.100.0.0/16' },
    { argv: ['apiserver', '--service-cluster-ip-range=10.100.3.4/16'], want: '10.100.0.0/16' },
    // kube-apiserver takes 8 addresses; `apiserver` alone needs no DNS address.
    { argv: ['apiserver', '--service-cluster-ip-range', '10.96.0.0/29'], want: '10.96.0.0/29' },
    { argv: ['up', '--service-cluster-ip-range', '10.96.0.0/28'], want: '10.96.0.0/28' },
  ])('$argv → $want', ({ argv, want }) => {
    expect(parseCli(argv, CWD)).toMatchObject({ kind: 'run', options: { serviceClusterIpRange: want } });
  });

  it('is absent by default (the apiserver then uses 10.96.0.0/12)', () => {
    const parsed = parseCli(['up'], CWD);
    expect(parsed.kind === 'run' && 'serviceClusterIpRange' in parsed.options).toBe(false);
  });

  it.each([
    { argv: ['up', '--service-cluster-ip-range', '10.96.0.0'], message: 'invalid --service-cluster-ip-range "10.96.0.0": service-cluster-ip-range[0] is not a valid cidr' },
    { argv: ['apiserver', '--service-cluster-ip-range', 'ten/12'], message: 'invalid --service-cluster-ip-range "ten/12": service-cluster-ip-range[0] is not a valid cidr' },
    { argv: ['up', '--service-cluster-ip-range='], message: 'invalid --service-cluster-ip-range "": service-cluster-ip-range[0] is not a valid cidr' },
    {
      argv: ['apiserver', '--service-cluster-ip-range', '10.96.0.0/30'],
      message: 'invalid --service-cluster-ip-range "10.96.0.0/30": error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses',
    },
    {
      argv: ['up', '--service-cluster-ip-range', '10.0.0.0/8'],
      message: 'invalid --service-cluster-ip-range "10.0.0.0/8": specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12',
    },
    {
      argv: ['up', '--service-cluster-ip-range', '10.96.0.0/29'],
      message: 'invalid --service-cluster-ip-range "10.96.0.0/29": unable to get tenth IP address from service subnet CIDR 10.96.0.0/29: can\'t generate IP with index 10 from subnet. subnet too small. subnet: "10.96.0.0/29"',
    },
    { argv: ['up', '--service-cluster-ip-range', 'fd00::/108'], message: 'invalid --service-cluster-ip-range "fd00::/108": --service-cluster-ip-range: IPv6 range fd00::/108 is not supported (the simulated cluster is IPv4 only)' },
    { argv: ['up', '--service-cluster-ip-range', '10.96.0.0/12,10.0.0.0/24,fd00::/108'], message: /--service-cluster-ip-range must not contain more than two entries$/ },
    // Overlap with the pod network, given or sized for --nodes.
    {
      argv: ['up', '--service-cluster-ip-range', '100.96.0.0/16'],
      message: 'invalid --service-cluster-ip-range "100.96.0.0/16": the Service range 100.96.0.0/16 overlaps the pod network 100.96.0.0/16 (sized for --nodes; set another with --cluster-cidr): they must not overlap',
    },
    {
      argv: ['up', '--cluster-cidr', '10.96.0.0/16'],
      message: 'invalid --cluster-cidr "10.96.0.0/16": the Service range 10.96.0.0/12 overlaps the pod network 10.96.0.0/16 (--cluster-cidr): they must not overlap',
    },
    {
      argv: ['up', '--cluster-cidr', '10.0.0.0/8', '--node-cidr-mask-size', '16', '--service-cluster-ip-range', '10.100.0.0/16'],
      message: 'invalid --service-cluster-ip-range "10.100.0.0/16": the Service range 10.100.0.0/16 overlaps the pod network 10.0.0.0/8 (--cluster-cidr): they must not overlap',
    },
    {
      argv: ['up', '--nodes', '300', '--service-cluster-ip-range', '100.97.0.0/16'],
      message: 'invalid --service-cluster-ip-range "100.97.0.0/16": the Service range 100.97.0.0/16 overlaps the pod network 100.96.0.0/15 (sized for --nodes; set another with --cluster-cidr): they must not overlap',
    },
    { argv: ['kubelet-sim', '--kubeconfig', 'kc', '--service-cluster-ip-range', '10.96.0.0/12'], message: 'unknown flag: --service-cluster-ip-range' },
  ])('$argv → $message', ({ argv, message }) => {
    const parsed = parseCli(argv, CWD);
    expect(parsed).toMatchObject({ kind: 'usage-error', command: argv[0] });
    expect(parsed.kind === 'usage-error' && parsed.message).toMatch(message);
  });

  it('up: the pod and Service ranges may sit side by side', () => {
    const parsed = parseCli(['up', '--cluster-cidr', '10.244.0.0/16', '--service-cluster-ip-range', '10.100.0.0/16', '--node-cidr-mask-size', '24'], CWD);
    expect(parsed).toMatchObject({ kind: 'run', options: { clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 24, serviceClusterIpRange: '10.100.0.0/16' } });
  });
});

describe("kubelet-sim's --cluster-dns and --cluster-domain", () => {
  it.each([
    { argv: ['--cluster-dns', '10.100.0.10'], want: { clusterDns: ['10.100.0.10'] } },
    { argv: ['--cluster-dns', '10.100.0.10, 10.100.0.11', '--cluster-domain', 'Corp.Internal.'], want: { clusterDns: ['10.100.0.10', '10.100.0.11'], clusterDomain: 'corp.internal' } },
    // kubelet's default: no cluster DNS (ClusterFirst pods fall back to the node's resolver).
    { argv: ['--cluster-dns='], want: { clusterDns: [] } },
  ])('$argv', ({ argv, want }) => {
    expect(parseCli(['kubelet-sim', '--kubeconfig', 'kc', ...argv], CWD)).toMatchObject({ kind: 'run', command: 'kubelet-sim', options: want });
  });

  it.each([
    { argv: ['--cluster-dns', 'kube-dns'], message: 'invalid configuration: option "kube-dns" specified for clusterDNS (--cluster-dns) must be a valid IP address' },
    { argv: ['--cluster-dns', '10.96.0.10,10.96.0.300'], message: 'invalid configuration: option "10.96.0.300" specified for clusterDNS (--cluster-dns) must be a valid IP address' },
    { argv: ['--cluster-domain', 'bad_domain!'], message: 'invalid --cluster-domain "bad_domain!": must be a DNS domain such as cluster.local' },
  ])('$argv → $message', ({ argv, message }) => {
    const parsed = parseCli(['kubelet-sim', '--kubeconfig', 'kc', ...argv], CWD);
    expect(parsed).toMatchObject({ kind: 'usage-error', command: 'kubelet-sim', message });
  });

  it('up does not take --cluster-dns: it derives it from the Service range', () => {
    expect(parseCli(['up', '--cluster-dns', '10.96.0.10'], CWD)).toMatchObject({ kind: 'usage-error', message: 'unknown flag: --cluster-dns' });
  });
});
