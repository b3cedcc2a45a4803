import { describe, expect, it } from 'vitest';
import { kubectlAvailable, type KubectlResult } from './harness.js';
import { useClusterWithComponents, waitUntil, type ClusterWithComponents } from './cluster-with-components.js';

/**
 * The Kubernetes Basics tutorial ("deploy, explore, scale, update an app"), typed by a
 * newcomer with the real kubectl against a whole cluster: apiserver, controller manager,
 * scheduler and three simulated nodes with fast pod stages. Every step waits for the
 * cluster to converge (polling kubectl with a deadline), then asserts what a user reads.
 *
 * Wording compared with kubectl and the kube controllers (1.29+): "deployment.apps/X
 * scaled", `pod "X" deleted`, "deployment "X" successfully rolled out", "REVISION
 * CHANGE-CAUSE", ScalingReplicaSet "Scaled up replica set X from 0 to 1",
 * SuccessfulCreate "Created pod: X", Scheduled "Successfully assigned NS/X to NODE".
 *
 * The steps of a describe block run in order and build on each other (as the tutorial).
 */
const cluster = useClusterWithComponents({ nodes: 3 });

const APP = 'kubernetes-first-app';
const IMAGE_V1 = 'gcr.io/google-samples/kubernetes-bootcamp:v1';
const IMAGE_V2 = 'gcr.io/google-samples/kubernetes-bootcamp:v2';

interface PodJson {
  metadata: { name: string; namespace: string; deletionTimestamp?: string; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> };
  spec: { nodeName?: string; containers: Array<{ name: string; image: string }> };
  status: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string }> };
}
interface RsJson {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> }; metadata: { annotations?: Record<string, string> } } };
  status: { replicas?: number };
}

/** Fails with kubectl's whole output when it exits non-zero. */
function ok(res: KubectlResult, what: string): string {
  if (res.code !== 0) throw new Error(`kubectl ${what} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}

async function run(c: ClusterWithComponents, args: string[], version?: string, timeoutMs?: number): Promise<string> {
  return ok(await c.kubectl(args, { version, timeoutMs }), args.join(' '));
}

async function getJson<T>(c: ClusterWithComponents, args: string[], version?: string): Promise<T> {
  return JSON.parse(await run(c, [...args, '-o', 'json'], version)) as T;
}

/** Running, Ready, not terminating pods of an app (label app=<name>). */
async function runningPods(c: ClusterWithComponents, app: string, ns = 'default', version?: string): Promise<PodJson[]> {
  const list = await getJson<{ items: PodJson[] }>(c, ['get', 'pods', '-n', ns, '-l', `app=${app}`], version);
  return list.items.filter(
    (p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running' && p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
  );
}

/** Waits until exactly n pods of the app are running and no other (terminating or pending) pod is left. */
async function waitForPods(c: ClusterWithComponents, app: string, n: number, ns = 'default', version?: string): Promise<PodJson[]> {
  return waitUntil(async () => {
    const all = await getJson<{ items: PodJson[] }>(c, ['get', 'pods', '-n', ns, '-l', `app=${app}`], version);
    const running = await runningPods(c, app, ns, version);
    if (running.length === n && all.items.length === n) return running;
    throw new Error(`${running.length} running of ${all.items.length} pods: ${all.items.map((p) => `${p.metadata.name}=${p.status.phase}`).join(', ')}`);
  }, `${n} running pods of ${app} in ${ns}`, 60_000);
}

async function replicaSets(c: ClusterWithComponents, app: string, ns = 'default', version?: string): Promise<RsJson[]> {
  return (await getJson<{ items: RsJson[] }>(c, ['get', 'rs', '-n', ns, '-l', `app=${app}`], version)).items;
}

async function waitForDeploymentRow(c: ClusterWithComponents, name: string, row: RegExp, version?: string): Promise<string> {
  return waitUntil(async () => {
    const out = await run(c, ['get', 'deployments', name], version);
    if (row.test(out.split('\n')[1] ?? '')) return out;
    throw new Error(out);
  }, `get deployments ${name} to show ${row}`, 60_000);
}

describe('the Kubernetes Basics tutorial with kubectl 1.32', () => {
  it('kubectl create deployment, then get deployments shows 1/1 once the pod runs', async () => {
    const c = cluster();
    const nodes = await run(c, ['get', 'nodes']);
    expect(nodes.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    await waitUntil(async () => {
      const out = await run(c, ['get', 'nodes', '--no-headers']);
      const ready = out.split('\n').filter((l) => /\sReady\s/.test(l));
      if (ready.length === 3) return true;
      throw new Error(out);
    }, '3 Ready nodes');

    const created = await c.kubectl(['create', 'deployment', APP, `--image=${IMAGE_V1}`, '--port=8080']);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe(`deployment.apps/${APP} created\n`);

    const out = await waitForDeploymentRow(c, APP, new RegExp(`^${APP}\\s+1/1\\s+1\\s+1\\s+\\d+s$`));
    expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);

    const pods = await waitForPods(c, APP, 1);
    expect(pods[0]!.spec.containers[0]).toMatchObject({ name: 'kubernetes-bootcamp', image: IMAGE_V1 });
    expect(pods[0]!.metadata.name).toMatch(new RegExp(`^${APP}-[a-z0-9]{6,10}-[a-z0-9]{5}$`));

    // get pods -o wide: Running on one of the simulated nodes, with an IP.
    const wide = await run(c, ['get', 'pods', '-o', 'wide', '-l', `app=${APP}`]);
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(wide.split('\n')[1]).toMatch(new RegExp(`^${APP}-\\S+\\s+1/1\\s+Running\\s+0\\s+\\d+s\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+kubeling-node-[0-2]\\s+<none>\\s+<none>$`));
  });

  it('scale deployments/NAME --replicas=4 gives 4 running pods', async () => {
    const c = cluster();
    expect(await run(c, ['scale', `deployments/${APP}`, '--replicas=4'])).toBe(`deployment.apps/${APP} scaled\n`);
    const pods = await waitForPods(c, APP, 4);
    expect(new Set(pods.map((p) => p.status.podIP)).size).toBe(4);
    await waitForDeploymentRow(c, APP, new RegExp(`^${APP}\\s+4/4\\s+4\\s+4\\s+\\d+s$`));
  });

  it('delete pod: the ReplicaSet replaces it with a new one', async () => {
    const c = cluster();
    const before = await waitForPods(c, APP, 4);
    const victim = before[0]!.metadata.name;
    const res = await c.kubectl(['delete', 'pod', victim], { timeoutMs: 60_000 });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(`pod "${victim}" deleted\n`);
    const after = await waitForPods(c, APP, 4);
    const names = after.map((p) => p.metadata.name);
    expect(names).not.toContain(victim);
    expect(names.filter((n) => !before.some((p) => p.metadata.name === n))).toHaveLength(1);
  });

  it('scale --replicas=2 leaves 2 pods', async () => {
    const c = cluster();
    expect(await run(c, ['scale', `deployments/${APP}`, '--replicas=2'])).toBe(`deployment.apps/${APP} scaled\n`);
    await waitForPods(c, APP, 2);
    await waitForDeploymentRow(c, APP, new RegExp(`^${APP}\\s+2/2\\s+2\\s+2\\s+\\d+s$`));
  });

  it('set image → rollout status completes with a new ReplicaSet', async () => {
    const c = cluster();
    const rsBefore = await replicaSets(c, APP);
    expect(rsBefore).toHaveLength(1);
    const set = await run(c, ['set', 'image', `deployments/${APP}`, `kubernetes-bootcamp=${IMAGE_V2}`]);
    expect(set).toBe(`deployment.apps/${APP} image updated\n`);

    const status = await c.kubectl(['rollout', 'status', `deployments/${APP}`, '--timeout=60s'], { timeoutMs: 90_000 });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`deployment "${APP}" successfully rolled out\\n$`));

    const rs = await replicaSets(c, APP);
    expect(rs).toHaveLength(2);
    const current = rs.find((r) => r.spec.replicas === 2)!;
    const old = rs.find((r) => r.spec.replicas === 0)!;
    expect(current.spec.template.spec.containers[0]!.image).toBe(IMAGE_V2);
    expect(current.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(old.metadata.name).toBe(rsBefore[0]!.metadata.name);
    const pods = await waitForPods(c, APP, 2);
    expect(pods.every((p) => p.spec.containers[0]!.image === IMAGE_V2)).toBe(true);

    const table = await waitUntil(async () => {
      const out = await run(c, ['get', 'rs', '-l', `app=${APP}`]);
      if (new RegExp(`^${current.metadata.name}\\s+2\\s+2\\s+2\\s+\\d+s$`, 'm').test(out)) return out;
      throw new Error(out);
    }, 'get rs to show the new ReplicaSet ready');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    expect(table).toMatch(new RegExp(`^${old.metadata.name}\\s+0\\s+0\\s+0\\s+\\d+s$`, 'm'));
  });

  it('rollout history lists both revisions', async () => {
    const c = cluster();
    const out = await run(c, ['rollout', 'history', `deployments/${APP}`]);
    expect(out).toMatch(new RegExp(`^deployment\\.apps/${APP} ?\\nREVISION\\s+CHANGE-CAUSE\\n1\\s+<none>\\n2\\s+<none>\\n\\n?$`));
    const rev2 = await run(c, ['rollout', 'history', `deployments/${APP}`, '--revision=2']);
    expect(rev2).toContain(`deployment.apps/${APP} with revision #2`);
    expect(rev2).toMatch(new RegExp(`Image:\\s+${IMAGE_V2.replace(/\./g, '\\.')}`));
  });

  it('rollout undo brings the v1 template back (as revision 3)', async () => {
    const c = cluster();
    expect(await run(c, ['rollout', 'undo', `deployments/${APP}`])).toBe(`deployment.apps/${APP} rolled back\n`);
    const status = await c.kubectl(['rollout', 'status', `deployments/${APP}`, '--timeout=60s'], { timeoutMs: 90_000 });
    expect(status.stdout).toMatch(/successfully rolled out\n$/);
    const image = await run(c, ['get', 'deployment', APP, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(image).toBe(IMAGE_V1);
    // The v1 ReplicaSet is reused (same pod-template-hash), now at revision 3; no third RS.
    const rs = await replicaSets(c, APP);
    expect(rs).toHaveLength(2);
    const current = rs.find((r) => r.spec.template.spec.containers[0]!.image === IMAGE_V1)!;
    expect(current.spec.replicas).toBe(2);
    expect(current.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const pods = await waitForPods(c, APP, 2);
    expect(pods.every((p) => p.spec.containers[0]!.image === IMAGE_V1)).toBe(true);
    const history = await run(c, ['rollout', 'history', `deployments/${APP}`]);
    expect(history).toMatch(/\n2\s+<none>\n3\s+<none>\n/);
  });

  it('rollout pause holds a template change back; resume rolls it out', async () => {
    const c = cluster();
    expect(await run(c, ['rollout', 'pause', `deployments/${APP}`])).toBe(`deployment.apps/${APP} paused\n`);
    await run(c, ['set', 'image', `deployments/${APP}`, `kubernetes-bootcamp=${IMAGE_V2}`]);
    // The controller has seen the change (observedGeneration caught up) and, paused,
    // reports it without creating a ReplicaSet or touching pods.
    await waitUntil(async () => {
      const d = await getJson<{ metadata: { generation: number }; status: { observedGeneration?: number; conditions?: Array<{ type: string; reason: string }> } }>(
        c,
        ['get', 'deployment', APP],
      );
      const progressing = d.status.conditions?.find((x) => x.type === 'Progressing');
      if (d.status.observedGeneration === d.metadata.generation && progressing?.reason === 'DeploymentPaused') return true;
      throw new Error(JSON.stringify(d.status));
    }, 'the paused deployment to be observed');
    const paused = await replicaSets(c, APP);
    expect(paused).toHaveLength(2);
    expect(paused.find((r) => r.spec.replicas === 2)!.spec.template.spec.containers[0]!.image).toBe(IMAGE_V1);

    expect(await run(c, ['rollout', 'resume', `deployments/${APP}`])).toBe(`deployment.apps/${APP} resumed\n`);
    const status = await c.kubectl(['rollout', 'status', `deployments/${APP}`, '--timeout=60s'], { timeoutMs: 90_000 });
    expect(status.stdout).toMatch(/successfully rolled out\n$/);
    const pods = await waitForPods(c, APP, 2);
    expect(pods.every((p) => p.spec.containers[0]!.image === IMAGE_V2)).toBe(true);
  });

  it('rollout restart creates a new ReplicaSet with the restartedAt annotation', async () => {
    const c = cluster();
    const before = (await replicaSets(c, APP)).map((r) => r.metadata.name);
    expect(await run(c, ['rollout', 'restart', `deployments/${APP}`])).toBe(`deployment.apps/${APP} restarted\n`);
    const status = await c.kubectl(['rollout', 'status', `deployments/${APP}`, '--timeout=60s'], { timeoutMs: 90_000 });
    expect(status.stdout).toMatch(/successfully rolled out\n$/);
    const rs = await replicaSets(c, APP);
    const fresh = rs.filter((r) => !before.includes(r.metadata.name));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.spec.replicas).toBe(2);
    expect(fresh[0]!.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
    await waitForPods(c, APP, 2);
  });

  it('describe deployment shows the ScalingReplicaSet events', async () => {
    const c = cluster();
    const out = await run(c, ['describe', 'deployment', APP]);
    expect(out).toMatch(new RegExp(`^Name:\\s+${APP}$`, 'm'));
    expect(out).toMatch(/^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    expect(out).toMatch(/^NewReplicaSet:\s+kubernetes-first-app-\S+ \(2\/2 replicas created\)$/m);
    expect(out).toMatch(/^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/m);
    expect(out).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+.+\\s+deployment-controller\\s+Scaled up replica set ${APP}-[a-z0-9]+ from 0 to 1`));
    expect(out).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+.+\\s+deployment-controller\\s+Scaled down replica set ${APP}-[a-z0-9]+ from \\d+ to \\d+`));
  });

  it('get events shows the controllers, the scheduler and the kubelet at work', async () => {
    const c = cluster();
    const out = await run(c, ['get', 'events']);
    expect(out.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(out).toMatch(new RegExp(`Normal\\s+SuccessfulCreate\\s+replicaset/${APP}-[a-z0-9]+\\s+Created pod: ${APP}-`));
    expect(out).toMatch(new RegExp(`Normal\\s+Scheduled\\s+pod/${APP}-\\S+\\s+Successfully assigned default/${APP}-\\S+ to kubeling-node-[0-2]`));
    expect(out).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+deployment/${APP}\\s+Scaled up replica set`));
    expect(out).toMatch(new RegExp(`Normal\\s+Started\\s+pod/${APP}-\\S+\\s+Started container kubernetes-bootcamp`));
    expect(out).toMatch(new RegExp(`Normal\\s+SuccessfulDelete\\s+replicaset/${APP}-[a-z0-9]+\\s+Deleted pod: ${APP}-`));
  });

  it('delete deployment removes its ReplicaSets and pods (garbage collection)', async () => {
    const c = cluster();
    const res = await c.kubectl(['delete', 'deployment', APP], { timeoutMs: 60_000 });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(`deployment.apps "${APP}" deleted\n`);
    await waitUntil(async () => {
      const rs = await run(c, ['get', 'rs', '-l', `app=${APP}`, '-o', 'name']);
      const pods = await run(c, ['get', 'pods', '-l', `app=${APP}`, '-o', 'name']);
      if (rs === '' && pods === '') return true;
      throw new Error(`left: ${rs}${pods}`);
    }, 'ReplicaSets and pods of the deleted deployment to go', 60_000);
    const get = await c.kubectl(['get', 'deployment', APP]);
    expect(get.code).toBe(1);
    expect(get.stderr).toBe(`Error from server (NotFound): deployments.apps "${APP}" not found\n`);
  });

  it('delete namespace removes everything inside, then the namespace', async () => {
    const c = cluster();
    expect(await run(c, ['create', 'namespace', 'tut'])).toBe('namespace/tut created\n');
    expect(await run(c, ['create', 'deployment', 'web', '-n', 'tut', `--image=${IMAGE_V1}`, '--replicas=2'])).toBe('deployment.apps/web created\n');
    await waitForPods(c, 'web', 2, 'tut');
    expect(await run(c, ['get', 'rs', '-n', 'tut', '-o', 'name'])).toMatch(/^replicaset\.apps\/web-[a-z0-9]+\n$/);

    // kubectl delete waits (--wait is the default) until the namespace itself is gone.
    const res = await c.kubectl(['delete', 'namespace', 'tut', '--timeout=60s'], { timeoutMs: 90_000 });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('namespace "tut" deleted\n');
    const get = await c.kubectl(['get', 'namespace', 'tut']);
    expect(get.code).toBe(1);
    expect(get.stderr).toBe('Error from server (NotFound): namespaces "tut" not found\n');
    const pods = await c.kubectl(['get', 'pods', '-n', 'tut']);
    expect(pods.stderr).toBe('No resources found in tut namespace.\n');
  });
});

// The core of the tutorial with the oldest and newest kubectl on the machine: each
// version drives its own deployment through create, scale, update, undo and delete.
describe.each(['1.27', '1.33'].filter((v) => kubectlAvailable(v)))('the tutorial core with kubectl %s', (version) => {
  const app = `first-app-${version.replace('.', '')}`;

  it('create deployment, get deployments 1/1, scale to 3', async () => {
    const c = cluster();
    expect(await run(c, ['create', 'deployment', app, `--image=${IMAGE_V1}`, '--port=8080'], version)).toBe(`deployment.apps/${app} created\n`);
    await waitForDeploymentRow(c, app, new RegExp(`^${app}\\s+1/1\\s+1\\s+1\\s+\\d+s$`), version);
    expect(await run(c, ['scale', `deployments/${app}`, '--replicas=3'], version)).toBe(`deployment.apps/${app} scaled\n`);
    await waitForPods(c, app, 3, 'default', version);
    await waitForDeploymentRow(c, app, new RegExp(`^${app}\\s+3/3\\s+3\\s+3\\s+\\d+s$`), version);
  });

  it('set image, rollout status, history, undo', async () => {
    const c = cluster();
    expect(await run(c, ['set', 'image', `deployments/${app}`, `kubernetes-bootcamp=${IMAGE_V2}`], version)).toBe(`deployment.apps/${app} image updated\n`);
    const status = await c.kubectl(['rollout', 'status', `deployments/${app}`, '--timeout=60s'], { version, timeoutMs: 90_000 });
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(new RegExp(`deployment "${app}" successfully rolled out\\n$`));
    expect(await run(c, ['rollout', 'history', `deployments/${app}`], version)).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    expect(await run(c, ['rollout', 'undo', `deployments/${app}`], version)).toBe(`deployment.apps/${app} rolled back\n`);
    const again = await c.kubectl(['rollout', 'status', `deployments/${app}`, '--timeout=60s'], { version, timeoutMs: 90_000 });
    expect(again.stdout).toMatch(/successfully rolled out\n$/);
    const pods = await waitForPods(c, app, 3, 'default', version);
    expect(pods.every((p) => p.spec.containers[0]!.image === IMAGE_V1)).toBe(true);
  });

  it('delete deployment garbage-collects its ReplicaSets and pods', async () => {
    const c = cluster();
    const res = await c.kubectl(['delete', 'deployment', app], { version, timeoutMs: 60_000 });
    expect(res.stdout).toBe(`deployment.apps "${app}" deleted\n`);
    await waitUntil(async () => {
      const left = (await run(c, ['get', 'rs,pods', '-l', `app=${app}`, '-o', 'name'], version)).trim();
      if (left === '') return true;
      throw new Error(`left: ${left}`);
    }, `ReplicaSets and pods of ${app} to go`, 60_000);
  });
});
