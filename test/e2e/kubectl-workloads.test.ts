import { describe, expect, it } from 'vitest';
import { useE2eCluster } from './harness.js';
import { configMapYaml, deploymentYaml, namespaceYaml } from './manifests.js';

// Deployments (generator, table, scale subresource) and namespaces (generator, table,
// deletion). The apiserver runs alone: no controllers, so a Deployment's status stays
// empty and a deleted Namespace stays Terminating.
const cluster = useE2eCluster();

/** kubectl -v=6 logs each request; 1.33 switched to structured key=value lines. */
function requestLogged(stderr: string, verb: string, pathSuffix: string): boolean {
  const path = pathSuffix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return (
    new RegExp(`${verb} https://\\S+${path}(\\?\\S*)? 200 OK`).test(stderr) ||
    new RegExp(`verb="${verb}" url="https://[^"]+${path}(\\?[^"]*)?" status="200 OK"`).test(stderr)
  );
}

describe('kubectl and deployments', () => {
  // kubectl ≥ 1.32 sends typed-client writes (create deployment/namespace/configmap …)
  // as application/vnd.kubernetes.protobuf.
  it('create deployment --image --replicas (the generator)', async () => {
    const res = await cluster().kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('deployment.apps/web created\n');
    const got = await cluster().kubectl(['get', 'deployment', 'web', '-o', 'json']);
    expect(JSON.parse(got.stdout)).toMatchObject({
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    });
  });

  it('get deploy prints READY UP-TO-DATE AVAILABLE', async () => {
    const created = await cluster().kubectl(['apply', '-f', '-'], { stdin: deploymentYaml('api', 2) });
    expect(created.stdout).toBe('deployment.apps/api created\n');
    const res = await cluster().kubectl(['get', 'deploy', 'api']);
    expect(res.stderr).toBe('');
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(lines[1]).toMatch(/^api\s+\d+\/2\s+\d+\s+\d+\s+\d+[smh]$/);

    const wide = await cluster().kubectl(['get', 'deploy', 'api', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(wide.stdout.split('\n')[1]).toMatch(/^api\s+\d+\/2\s+\d+\s+\d+\s+\d+[smh]\s+c\s+nginx:1\.27\s+app=api$/);
  });

  it('scale deployment goes through the scale subresource', async () => {
    await cluster().kubectl(['apply', '-f', '-'], { stdin: deploymentYaml('scaled', 1) });
    const res = await cluster().kubectl(['scale', 'deployment', 'scaled', '--replicas=3', '-v=6']);
    expect(res.stdout).toBe('deployment.apps/scaled scaled\n');
    expect(requestLogged(res.stderr, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/scaled/scale')).toBe(true);
    const replicas = await cluster().kubectl(['get', 'deployment', 'scaled', '-o', 'jsonpath={.spec.replicas}']);
    expect(replicas.stdout).toBe('3');

    const raw = await cluster().kubectl(['get', '--raw', '/apis/apps/v1/namespaces/default/deployments/scaled/scale']);
    expect(JSON.parse(raw.stdout)).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'scaled', namespace: 'default' },
      spec: { replicas: 3 },
      status: { selector: 'app=scaled' },
    });

    const guarded = await cluster().kubectl(['scale', 'deployment', 'scaled', '--current-replicas=2', '--replicas=5']);
    expect(guarded.code).toBe(1);
    expect(guarded.stderr).toBe('error: Expected replicas to be 2, was 3\n');
  });
});

describe('kubectl and namespaces', () => {
  it('create namespace (the generator)', async () => {
    const res = await cluster().kubectl(['create', 'namespace', 'team-a']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('namespace/team-a created\n');
    const phase = await cluster().kubectl(['get', 'ns', 'team-a', '-o', 'jsonpath={.status.phase}']);
    expect(phase.stdout).toBe('Active');
  });

  it('get ns lists the system namespaces and a new one as Active', async () => {
    const created = await cluster().kubectl(['create', '-f', '-'], { stdin: namespaceYaml('team-b') });
    expect(created.stdout).toBe('namespace/team-b created\n');
    const res = await cluster().kubectl(['get', 'ns']);
    expect(res.stderr).toBe('');
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'team-b']) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${ns}\\s+Active\\s+\\d+[smh]$`)));
    }
    const inNs = await cluster().kubectl(['create', '-n', 'team-b', '-f', '-'], { stdin: configMapYaml('inside', { a: '1' }) });
    expect(inNs.stdout).toBe('configmap/inside created\n');
    const listed = await cluster().kubectl(['get', 'configmaps', '-n', 'team-b', '-o', 'name']);
    expect(listed.stdout).toContain('configmap/inside\n');
  });

  it('delete ns reports it deleted; it is Terminating and refuses new content', async () => {
    await cluster().kubectl(['create', '-f', '-'], { stdin: namespaceYaml('team-c') });
    // No namespace controller runs here, so waiting for the namespace to vanish would hang.
    const res = await cluster().kubectl(['delete', 'namespace', 'team-c', '--wait=false']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('namespace "team-c" deleted\n');

    const get = await cluster().kubectl(['get', 'ns', 'team-c']);
    const gone = get.stderr === 'Error from server (NotFound): namespaces "team-c" not found\n';
    if (!gone) expect(get.stdout).toMatch(/^team-c\s+Terminating\s+\d+[smh]$/m);

    if (!gone) {
      const refused = await cluster().kubectl(['create', '-f', '-'], { stdin: configMapYaml('late', { a: '1' }, { namespace: 'team-c' }) });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        'Error from server (Forbidden): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace team-c because it is being terminated\n',
      );
    }
  });

  // Last in the file: if the server wrongly accepts it, nothing after depends on kube-public.
  it('delete of a system namespace is Forbidden', async () => {
    const res = await cluster().kubectl(['delete', 'namespace', 'kube-public', '--wait=false']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error from server (Forbidden): namespaces "kube-public" is forbidden: this namespace may not be deleted\n');
  });
});
