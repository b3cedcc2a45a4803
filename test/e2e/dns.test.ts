import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.js';
import { kubectlRunner, type KubectlRunner } from './harness.js';

// Cluster DNS end to end, as a user meets it: `kubeling up` (the built CLI) announces its
// DNS address; kubectl shows kubeadm's kube-dns Service with endpoints and the `kubernetes`
// Service's endpoints at the apiserver's advertise address; Services created with kubectl
// answer through the loopback DNS server, asked with Node's resolver (c-ares, as client
// libraries) and with dig when it is installed. Needs dist/ (`npm run build`).
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/kubeling.js');
const DIG = ['/usr/bin/dig', '/bin/dig'].find((p) => existsSync(p));

let root: string;
let child: ChildProcess | undefined;
let stdout = '';
let stderr = '';
let dnsPort = 0;
let apiPort = 0;
let k: KubectlRunner;
let resolver: Resolver;

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const r = await k.kubectl(args, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function dig(args: string[]): string {
  const r = spawnSync(DIG!, [`@127.0.0.1`, '-p', String(dnsPort), '+time=2', '+tries=1', ...args], { encoding: 'utf8' });
  return r.stdout;
}

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  root = await mkdtemp(join(tmpdir(), 'kubeling-dns-e2e-'));
  const stages = join(root, 'fast.yaml');
  writeFileSync(stages, 'stages:\n  - name: image-pull\n    delay: { ms: 50, jitterMs: 50 }\n  - name: container-start\n    delay: { ms: 20, jitterMs: 20 }\n');
  child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--dns-port', '0', '--nodes', '2', '--stage-config', stages, '--data-dir', join(root, 'data'), '--log-level', 'warn'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(root, 'home'), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const banner = await waitUntil(() => /Cluster DNS \(udp\+tcp\) at 127\.0\.0\.1:(\d+)/.exec(stdout), `the DNS line of kubeling up (stderr: ${stderr})`, 60_000, 100);
  dnsPort = Number(banner[1]);
  apiPort = Number(/running at https:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
  k = kubectlRunner(root, join(root, 'data', 'kubeconfig'));
  resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dnsPort}`]);
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (root) await rm(root, { recursive: true, force: true });
});

describe('cluster DNS (kubeling up, real kubectl)', () => {
  it('kube-system looks like kubeadm: coredns Deployment, kube-dns Service at 10.96.0.10 with endpoints', async () => {
    const eps = await waitUntil(
      async () => {
        const ips = await kubectl(['get', 'endpoints', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']);
        return ips.split(' ').filter(Boolean).length === 2 ? ips : undefined;
      },
      'two kube-dns endpoints',
      60_000,
    );
    expect(eps.split(' ').every((ip) => ip.startsWith('100.96.'))).toBe(true);
    const out = await kubectl(['get', 'svc,ep,deploy', '-n', 'kube-system']);
    expect(out).toMatch(/^service\/kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s+/m);
    expect(out).toMatch(/^endpoints\/kube-dns\s+100\.96\.\d+\.\d+:53,100\.96\.\d+\.\d+:53,/m);
    expect(out).toMatch(/^deployment\.apps\/coredns\s+2\/2\s+2\s+2\s+/m);
    const image = await kubectl(['get', 'deploy', 'coredns', '-n', 'kube-system', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(image).toBe('registry.k8s.io/coredns/coredns:v1.11.3');
  });

  it('the kubernetes Service has endpoints at the advertise address and the serving port', async () => {
    const out = await kubectl(['get', 'ep', 'kubernetes']);
    expect(out).toMatch(new RegExp(`^kubernetes\\s+10\\.0\\.0\\.2:${apiPort}\\s+`, 'm'));
    const slice = JSON.parse(await kubectl(['get', 'endpointslice', 'kubernetes', '-o', 'json']));
    expect(slice.metadata.labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });
    expect(slice.endpoints).toEqual([{ addresses: ['10.0.0.2'], conditions: { ready: true } }]);
    expect(await resolver.resolve4('kubernetes.default.svc.cluster.local')).toEqual(['10.96.0.1']);
  });

  it('a Service created with kubectl answers A, SRV and PTR; headless gives the pod IPs; ExternalName a CNAME', async () => {
    await kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await kubectl(['expose', 'deployment', 'web', '--port=80', '--name=web']);
    await kubectl(['expose', 'deployment', 'web', '--port=80', '--name=web-headless', '--cluster-ip=None']);
    await kubectl(['create', 'service', 'externalname', 'search', '--external-name=search.example.com']);
    const clusterIP = await kubectl(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);

    expect(await waitUntil(async () => (await resolver.resolve4('web.default.svc.cluster.local'))[0] === clusterIP, 'web in DNS')).toBe(true);
    // kubectl expose leaves the port unnamed, so no `_http._tcp` name exists (as on a real cluster).
    await expect(resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(await resolver.resolveSrv('web.default.svc.cluster.local')).toEqual([{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    expect(await resolver.reverse(clusterIP)).toEqual(['web.default.svc.cluster.local']);

    const podIPs = await waitUntil(
      async () => {
        const ips = (await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').filter(Boolean);
        return ips.length === 2 ? ips.sort() : undefined;
      },
      'two web pod IPs',
      60_000,
    );
    const headless = await waitUntil(
      async () => {
        const got = (await resolver.resolve4('web-headless.default.svc.cluster.local')).sort();
        return got.length === 2 ? got : undefined;
      },
      'headless A records',
      30_000,
    );
    expect(headless).toEqual(podIPs);
    expect(await resolver.resolve4(`${podIPs[0]!.replaceAll('.', '-')}.default.pod.cluster.local`)).toEqual([podIPs[0]]);
    expect(await resolver.resolveCname('search.default.svc.cluster.local')).toEqual(['search.example.com']);
    await expect(resolver.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });

    if (!DIG) {
      console.warn('dig is not installed (apt-get install dnsutils): the dig checks of dns.test.ts were not run');
      return;
    }
    expect(dig(['+short', 'web.default.svc.cluster.local'])).toBe(`${clusterIP}\n`);
    expect(dig(['+tcp', '+short', 'web.default.svc.cluster.local'])).toBe(`${clusterIP}\n`);
    const full = dig(['nope.default.svc.cluster.local']);
    expect(full).toContain('status: NXDOMAIN');
    expect(full).toMatch(/cluster\.local\.\s+5\s+IN\s+SOA\s+ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((res) => child!.once('exit', (code) => res(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/^kubeling: /m);
  });
});
