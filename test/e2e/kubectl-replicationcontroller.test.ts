import { describe, expect, it } from 'vitest';
import type { KubectlResult } from './harness.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * The ReplicationController page of the Kubernetes documentation with the real kubectl:
 * the nginx RC applied, its pods Running, `describe`, scale up and down through the scale
 * subresource, and deletion cascading to the pods (garbage collector, ownerReferences).
 */
const cluster = useClusterWithComponents({ nodes: 2 });

function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}
const run = async (c: ClusterWithComponents, args: string[]) => ok(await c.kubectl(args), args.join(' '));

/** https://k8s.io/examples/controllers/replication.yaml */
const NGINX_RC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;

/** The pods the RC controls and their phases, once `want` says they are as expected. */
async function podsUntil(c: ClusterWithComponents, want: (phases: string[]) => boolean, what: string): Promise<string[]> {
  return waitUntil(async () => {
    const out = await run(c, ['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.metadata.ownerReferences[0].kind}{"\\n"}{end}']);
    const lines = out.trim() === '' ? [] : out.trim().split('\n');
    if (want(lines.map((l) => l.split(' ')[1]!))) return lines;
    throw new Error(out);
  }, what, 60_000);
}

describe('ReplicationController with kubectl 1.32 (the documentation’s nginx example)', () => {
  it('applies, runs three pods, shows DESIRED CURRENT READY and describe', async () => {
    const c = cluster();
    expect(ok(await c.kubectl(['apply', '-f', '-'], { stdin: NGINX_RC }), 'apply')).toBe('replicationcontroller/nginx created\n');
    const pods = await podsUntil(c, (p) => p.length === 3 && p.every((x) => x === 'Running'), 'three nginx pods Running');
    for (const l of pods) expect(l).toMatch(/^nginx-[a-z0-9]{5} Running ReplicationController$/);

    const table = await waitUntil(async () => {
      const out = await run(c, ['get', 'rc', 'nginx']);
      if (/^nginx\s+3\s+3\s+3\s+\d+s$/.test(out.split('\n')[1] ?? '')) return out;
      throw new Error(out);
    }, 'rc row 3 3 3', 30_000);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    const wide = await run(c, ['get', 'rc', 'nginx', '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(wide.split('\n')[1]).toMatch(/^nginx\s+3\s+3\s+3\s+\d+s\s+nginx\s+nginx\s+app=nginx$/);

    const rc = JSON.parse(await run(c, ['get', 'rc', 'nginx', '-o', 'json']));
    expect(rc.metadata.labels).toEqual({ app: 'nginx' }); // defaulted from the template, as kube does
    expect(rc.status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });

    const described = await run(c, ['describe', 'rc', 'nginx']);
    expect(described).toMatch(/^Name:\s+nginx$/m);
    expect(described).toMatch(/^Selector:\s+app=nginx$/m);
    expect(described).toMatch(/^Labels:\s+app=nginx$/m);
    expect(described).toMatch(/^Replicas:\s+3 current \/ 3 desired$/m);
    expect(described).toMatch(/^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    expect(described).toMatch(/^\s+Normal\s+SuccessfulCreate\s+\S+\s+replication-controller\s+Created pod: nginx-[a-z0-9]{5}$/m);
  }, 90_000);

  it('scales up and down through the scale subresource', async () => {
    const c = cluster();
    expect(await run(c, ['scale', 'rc/nginx', '--replicas=5'])).toBe('replicationcontroller/nginx scaled\n');
    await podsUntil(c, (p) => p.length === 5 && p.every((x) => x === 'Running'), 'five pods Running');
    const scale = JSON.parse(await run(c, ['get', '--raw', '/api/v1/namespaces/default/replicationcontrollers/nginx/scale']));
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 }, status: { selector: 'app=nginx' } });

    expect(await run(c, ['scale', 'replicationcontroller', 'nginx', '--replicas=1'])).toBe('replicationcontroller/nginx scaled\n');
    await podsUntil(c, (p) => p.length === 1, 'one pod left');
    const events = await run(c, ['get', 'events', '--field-selector', 'involvedObject.kind=ReplicationController,reason=SuccessfulDelete', '-o', 'jsonpath={range .items[*]}{.source.component} {.count}{"\\n"}{end}']);
    const deleted = events.trim().split('\n').reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    expect(deleted).toBe(4);
  }, 90_000);

  it('refuses a selector that does not match the template with kube’s 422', async () => {
    const c = cluster();
    const bad = NGINX_RC.replace('name: nginx\nspec', 'name: bad\nspec').replace('  selector:\n    app: nginx', '  selector:\n    app: web');
    const res = await c.kubectl(['apply', '-f', '-'], { stdin: bad });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'The ReplicationController "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    );
    expect((await c.kubectl(['get', 'rc', 'bad'])).stderr).toContain('replicationcontrollers "bad" not found');
  });

  it('deleting the RC deletes its pods (garbage collector); --cascade=orphan keeps and releases them', async () => {
    const c = cluster();
    expect(await run(c, ['delete', 'rc', 'nginx'])).toBe('replicationcontroller "nginx" deleted\n');
    await podsUntil(c, (p) => p.length === 0, 'no nginx pods');
    // --cascade=orphan keeps the pods, as kube does.
    ok(await c.kubectl(['apply', '-f', '-'], { stdin: NGINX_RC.replace('replicas: 3', 'replicas: 1') }), 'apply');
    await podsUntil(c, (p) => p.length === 1 && p[0] === 'Running', 'one pod');
    await run(c, ['delete', 'rc', 'nginx', '--cascade=orphan']);
    const orphan = await waitUntil(async () => {
      const out = await run(c, ['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.metadata.ownerReferences}{"\\n"}{end}']);
      if (/^nginx-[a-z0-9]{5} $/.test(out.trim() + ' ')) return out.trim();
      throw new Error(out);
    }, 'orphaned pod without ownerReferences', 30_000);
    await run(c, ['delete', 'pod', orphan.split(' ')[0]!, '--wait=false']);
  }, 90_000);
});
