import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { containerName, createDockerTopology, dockerAvailable, identityFromLogs, projectName, repoRoot, SERVICES, type Runner } from './docker-topology.js';
import { COMPONENT_NAMES } from './topology.js';

/** The Docker topology with docker at the command boundary replaced by a recorder. */
describe('Docker topology (commands)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-docker-topology-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const recorder = (answers: Record<string, string> = {}) => {
    const calls: { cmd: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [];
    const runner: Runner = async (cmd, args, opts) => {
      calls.push({ cmd, args, env: opts?.env });
      const key = `${cmd} ${args[0]}`;
      if (key in answers) return { stdout: answers[key]!, stderr: '' };
      return { stdout: '', stderr: '' };
    };
    return { calls, runner };
  };

  it('names containers as compose v1 does, and refuses unknown components and indexes', () => {
    expect(containerName('kubeling', 'apiserver', 1)).toBe('kubeling_apiserver_2');
    expect(containerName('kubeling', 'etcd', 2)).toBe('kubeling_etcd-3_1');
    expect(containerName('p', 'controller-manager', 0)).toBe('p_controller-manager_1');
    expect(() => containerName('p', 'lb', 1)).toThrow(/1 instance/);
    expect(() => containerName('p', 'etcd', -1)).toThrow(/no index/);
    expect(() => containerName('p', 'nope' as never, 0)).toThrow(/unknown component/);
    for (const c of COMPONENT_NAMES) expect(SERVICES[c].replicas).toBeGreaterThan(0);
    expect(projectName('/tmp/Kubeling Test.1')).toBe('kubeling-kubelingtest1');
  });

  it('finds the HOSTNAME_UUID identity a component logged', () => {
    const logs = '{"level":30,"component":"leader-election","identity":"other_0b6a2a5e-3b7e-4d55-9d0f-2a1b2c3d4e5f"}\n{"msg":"successfully acquired lease","identity":"1a2b3c4d5e6f_6f1d2c3b-aaaa-4bbb-8ccc-123456789abc"}\n';
    expect(identityFromLogs(logs, '1a2b3c4d5e6f')).toBe('1a2b3c4d5e6f_6f1d2c3b-aaaa-4bbb-8ccc-123456789abc');
    // after `docker start`, the same hostname campaigns under a new UUID: the last one counts
    const restarted = `${logs}{"msg":"attempting to acquire leader lease","identity":"1a2b3c4d5e6f_00000000-1111-4222-8333-444444444444"}\n`;
    expect(identityFromLogs(restarted, '1a2b3c4d5e6f')).toBe('1a2b3c4d5e6f_00000000-1111-4222-8333-444444444444');
    expect(identityFromLogs(logs, 'nobody')).toBeUndefined();
  });

  it('runs compose/up.sh with the project, port, nodes and kubeconfig, then kills, stops and starts containers by name', async () => {
    const { calls, runner } = recorder({ 'docker inspect': 'abc123\n', 'docker logs': '{"identity":"abc123_6f1d2c3b-aaaa-4bbb-8ccc-123456789abc"}' });
    const t = await createDockerTopology({ dir, nodes: 5, port: 23456, runner });
    expect(t.kind).toBe('docker');
    expect(t.lbUrl).toBe('https://127.0.0.1:23456');
    expect(t.kubeconfigPath).toBe(join(dir, 'compose.kubeconfig'));
    const up = calls[0]!;
    expect([up.cmd, ...up.args]).toEqual(['bash', 'compose/up.sh']);
    expect(up.env).toMatchObject({ COMPOSE_PROJECT_NAME: projectName(dir), KUBELING_COMPOSE_PORT: '23456', KUBELING_NODES: '5', KUBELING_KUBECONFIG: t.kubeconfigPath, KUBELING_UP_TIMEOUT: process.env.KUBELING_UP_TIMEOUT ?? '420' });
    await t.kill('controller-manager', 1);
    await t.stop('etcd', 0);
    await t.start('etcd', 0);
    expect(await t.leaseIdentity!('scheduler', 0)).toBe('abc123_6f1d2c3b-aaaa-4bbb-8ccc-123456789abc');
    await t.down({ removeVolumes: true });
    const p = projectName(dir);
    expect(calls.slice(1).map((c) => [c.cmd, ...c.args].join(' '))).toEqual([
      `docker kill --signal KILL ${p}_controller-manager_2`,
      `docker stop --time 15 ${p}_etcd-1_1`,
      `docker start ${p}_etcd-1_1`,
      `docker inspect --format {{.Config.Hostname}} ${p}_scheduler_1`,
      `docker logs ${p}_scheduler_1`,
      'docker-compose down --remove-orphans -v',
    ]);
    await expect(t.kill('apiserver', 2)).rejects.toThrow(/no index 2/);
  });

  it('removes the half-started project when compose/up.sh fails, and passes the failure on', async () => {
    const calls: string[] = [];
    const runner: Runner = async (cmd, args) => {
      calls.push([cmd, ...args].join(' '));
      if (cmd === 'bash') throw Object.assign(new Error('bash compose/up.sh: ...'), { stderr: 'compose:up: 3 nodes were not Ready in 420s\nNAME STATUS\n' });
      return { stdout: '', stderr: '' };
    };
    await expect(createDockerTopology({ dir, port: 23457, runner })).rejects.toThrow(/^compose:up: 3 nodes were not Ready in 420s\nbash compose\/up.sh/);
    expect(calls).toEqual(['bash compose/up.sh', 'docker-compose down -v --remove-orphans']);
  });

  it('says Docker is unavailable when docker-compose is missing', async () => {
    const runner: Runner = async (cmd) => {
      if (cmd === 'docker-compose') throw new Error('not found');
      return { stdout: '', stderr: '' };
    };
    expect(await dockerAvailable(runner)).toBe(false);
  });
});

/** docker-compose.yml and the HAProxy configuration, read as files. */
describe('docker-compose.yml', () => {
  const root = repoRoot();
  const file = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = file.services as Record<string, Record<string, unknown>>;

  it('has one service per component, each on the compose network except metrics-server (in kubelet-sim’s namespace)', () => {
    for (const c of COMPONENT_NAMES) {
      const names = SERVICES[c].perIndexService ? [1, 2, 3].map((i) => `${SERVICES[c].service}-${i}`) : [SERVICES[c].service];
      for (const n of names) expect(services[n], n).toBeDefined();
    }
    for (const [name, s] of Object.entries(services)) {
      if (name === 'metrics-server') expect(s.network_mode).toBe('service:kubelet-sim');
      else expect(s.networks, name).toEqual(['kubeling']);
      expect(s.network_mode === 'service:loopback').toBe(false);
    }
  });

  it('makes a 3-member etcd cluster addressed by service name, and apiservers on all three', () => {
    const envOf = (n: string) => services[n]!.environment as Record<string, string>;
    expect(envOf('etcd-1').ETCD_INITIAL_CLUSTER).toBe('etcd-1=http://etcd-1:2380,etcd-2=http://etcd-2:2380,etcd-3=http://etcd-3:2380');
    for (const i of [1, 2, 3]) expect(envOf(`etcd-${i}`).ETCD_ADVERTISE_CLIENT_URLS).toBe(`http://etcd-${i}:2379`);
    const cmd = (services.apiserver!.command as string[])[0]!;
    expect(cmd).toContain('--etcd-servers http://etcd-1:2379,http://etcd-2:2379,http://etcd-3:2379');
    expect(cmd).toContain('--token-auth-file /etc/kubeling/tokens.csv');
  });

  it('gives every component its own kubeconfig (its own token), through the LB', () => {
    for (const c of ['controller-manager', 'scheduler', 'hpa', 'cluster-autoscaler', 'kubelet-sim', 'metrics-server', 'kube-proxy', 'dns', 'cloud']) {
      expect((services[c]!.command as string[])[0], c).toContain(`--kubeconfig /etc/kubeling/kubeconfigs/${c}.kubeconfig`);
    }
    expect(services.lb!.ports).toEqual(['127.0.0.1:${KUBELING_COMPOSE_PORT:-6443}:6443']);
  });

  it('pins the kubelets’ server to 10250 on the compose network and relays it from each apiserver’s loopback (kubectl logs/exec)', () => {
    const kubelet = (services['kubelet-sim']!.command as string[])[0]!;
    expect(kubelet).toContain('--port 10250 --address 0.0.0.0');
    // The Nodes advertise 127.0.0.1:10250 (only loopback endpoints are dialled): the apiserver's own relay carries it.
    expect((services.apiserver!.command as string[])[0]).toContain('forward.js 127.0.0.1:10250=kubelet-sim:10250 &');
  });

  it('builds on a base image given as a build argument', () => {
    const build = services.init!.build as { args: Record<string, string> };
    expect(build.args.BASE_IMAGE).toBe('${KUBELING_BASE_IMAGE:-node:20-bookworm-slim}');
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM \$\{BASE_IMAGE\}/gm)).toHaveLength(2);
  });

  const haproxy = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).status === 0;
  it.runIf(haproxy)('HAProxy’s configuration is valid and health-checks /readyz', () => {
    const r = spawnSync('haproxy', ['-c', '-f', join(root, 'compose', 'haproxy.cfg')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'compose', 'haproxy.cfg'), 'utf8')).toMatch(/http-check send meth GET uri \/readyz/);
  });

  it('lists every apiserver again as an unchecked backup, so clients get a Status when none is ready', () => {
    const cfg = readFileSync(join(root, 'compose', 'haproxy.cfg'), 'utf8');
    expect(cfg).toMatch(/^\s*option allbackups$/m);
    expect(cfg).toMatch(/^\s*server-template apiserver-unready- 9 apiserver:6443 backup no-check$/m);
  });
});
