import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useE2eCluster, type KubectlResult } from './harness.js';

// "Nodes and pods come alive": the real kubectl against the apiserver plus
// kube-controller-manager, the scheduler and three simulated kubelets, checking what a user
// sees on a real cluster. Simulated time is shortened (fast kubelet stages, 1 s leases, a
// 5 s node monitor grace period, 2 s NoExecute tolerations), so nothing sleeps: every wait
// polls kubectl until a deadline. The tests run in order and share the cluster.

const NODES = ['kubeling-node-0', 'kubeling-node-1', 'kubeling-node-2'];

const cluster = useE2eCluster({
  components: {
    controllerManager: {
      nodeMonitorPeriodMs: 500,
      nodeMonitorGracePeriodMs: 5_000,
      nodeStartupGracePeriodMs: 10_000,
      // One zone of three nodes: taint at once rather than one node per 10 s.
      nodeEvictionRate: 100,
    },
    scheduler: true,
    kubeletSim: {
      nodes: NODES.length,
      leaseRenewMs: 1_000,
      stages: {
        stages: [
          { name: 'pod-sandbox', delay: { ms: 50, jitterMs: 50 } },
          { name: 'image-pull', delay: { ms: 100, jitterMs: 100 } },
          { name: 'container-start', delay: { ms: 50, jitterMs: 50 } },
          { name: 'pod-stop', delay: { ms: 500, jitterMs: 0 } },
          { name: 'pod-delete', delay: { ms: 0, jitterMs: 50 } },
        ],
      },
    },
  },
});

const k = (args: string[], stdin?: string, timeoutMs?: number): Promise<KubectlResult> =>
  cluster().kubectl(args, { ...(stdin !== undefined ? { stdin } : {}), ...(timeoutMs ? { timeoutMs } : {}) });

/** kubectl that must succeed: its stdout, or a failure showing everything kubectl said. */
async function ok(args: string[], stdin?: string): Promise<string> {
  const res = await k(args, stdin);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res.stdout;
}

/**
 * Runs `probe` until `done` accepts its result, or fails after `timeoutMs` with the last
 * result (usually kubectl output) in the message.
 */
async function until<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen:\n${typeof last === 'string' ? last : JSON.stringify(last, null, 2)}`);
    await delay(250);
    last = await probe();
  }
  return last;
}

type Row = Record<string, string>;

/**
 * Parses kubectl's column output by the header's column starts (headers may hold one
 * space, as `NOMINATED NODE`; columns are at least three spaces apart).
 */
function parseTable(stdout: string): Row[] {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const header = lines[0]!;
  const names = header.trim().split(/\s{2,}/);
  const starts: number[] = [];
  let from = 0;
  for (const n of names) {
    const at = header.indexOf(n, from);
    starts.push(at);
    from = at + n.length;
  }
  return lines.slice(1).map((line) =>
    Object.fromEntries(names.map((n, i) => [n, line.slice(starts[i], i + 1 < names.length ? starts[i + 1] : undefined).trim()])),
  );
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipToInt(base!);
  return ipToInt(ip) >= start && ipToInt(ip) < start + size;
}

function podManifest(name: string, spec: Record<string, unknown>, labels: Record<string, string> = { app: name }): string {
  return stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec });
}

/** A Deployment whose pods leave an unreachable node after 2 s and stop within 1 s. */
function deploymentManifest(name: string, replicas: number): string {
  const fast = (key: string) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 });
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          tolerations: [fast('node.kubernetes.io/unreachable'), fast('node.kubernetes.io/not-ready')],
          containers: [{ name: 'c', image: 'nginx:1.27' }],
        },
      },
    },
  });
}

async function podsWide(selector?: string): Promise<Row[]> {
  return parseTable(await ok(['get', 'pods', '-o', 'wide', ...(selector ? ['-l', selector] : [])]));
}

/** Waits until the Deployment's pods that are Running number `n`, none on `avoid`; returns them. */
async function runningPods(app: string, n: number, avoid?: string): Promise<Row[]> {
  const rows = await until(
    `${n} Running pods of ${app}${avoid ? ` off ${avoid}` : ''}`,
    () => podsWide(`app=${app}`),
    (rs) => {
      const running = rs.filter((r) => r.STATUS === 'Running' && r.READY === '1/1');
      return running.length === n && running.every((r) => r.NODE !== avoid);
    },
  );
  return rows.filter((r) => r.STATUS === 'Running');
}

function nodeOf(rows: Row[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.NODE!, (count.get(r.NODE!) ?? 0) + 1);
  return count;
}

/** describe node's Conditions table: type → [status, reason, message]. */
function describedConditions(described: string): Map<string, string[]> {
  const block = /^Conditions:\n.+\n.+\n((?: .+\n)+)/m.exec(described)?.[1] ?? '';
  const rows = new Map<string, string[]>();
  for (const line of block.split('\n').filter(Boolean)) {
    const [type, status, , , reason, message] = line.trim().split(/ {2,}/);
    rows.set(type!, [status!, reason!, message!]);
  }
  return rows;
}

const readyStatus = async (node: string): Promise<string> =>
  ok(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);

describe('nodes come alive', () => {
  it('get nodes -o wide: three Ready nodes with the kubelet columns', async () => {
    const rows = await until(
      'three Ready nodes',
      async () => parseTable(await ok(['get', 'nodes', '-o', 'wide'])),
      (rs) => rs.length === 3 && rs.every((r) => r.STATUS === 'Ready'),
    );
    const header = (await ok(['get', 'nodes', '-o', 'wide'])).split('\n')[0];
    expect(header).toMatch(
      /^NAME +STATUS +ROLES +AGE +VERSION +INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME$/,
    );
    expect(rows.map((r) => r.NAME)).toEqual(NODES);
    for (const r of rows) {
      expect(r).toMatchObject({ STATUS: 'Ready', ROLES: '<none>' });
      expect(r.AGE).toMatch(/^\d+s$/);
      expect(r.VERSION).toMatch(/^v1\.32\.\d+/);
      expect(r['INTERNAL-IP']).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(r['EXTERNAL-IP']).toMatch(/^(\d+\.\d+\.\d+\.\d+|<none>)$/);
      expect(r['OS-IMAGE']).not.toBe('<unknown>');
      expect(r['KERNEL-VERSION']).not.toBe('<unknown>');
      expect(r['CONTAINER-RUNTIME']).toMatch(/^containerd:\/\/\d/);
      const internal = await ok(['get', 'node', r.NAME!, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}']);
      expect(r['INTERNAL-IP']).toBe(internal);
    }
  });

  it('ROLES shows a node-role label', async () => {
    expect(await ok(['label', 'node', NODES[0]!, 'node-role.kubernetes.io/worker='])).toBe(`node/${NODES[0]} labeled\n`);
    const rows = parseTable(await ok(['get', 'nodes']));
    expect(rows.find((r) => r.NAME === NODES[0])?.ROLES).toBe('worker');
    expect(await ok(['label', 'node', NODES[0]!, 'node-role.kubernetes.io/worker-'])).toBe(`node/${NODES[0]} unlabeled\n`);
  });

  it('node IPAM gives each node its own /24 from 100.96.0.0/16', async () => {
    const cidrs = await until(
      'a podCIDR on every node',
      async () => (await ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.spec.podCIDR}{"\\n"}{end}'])).split('\n').filter(Boolean),
      (cs) => cs.length === 3,
    );
    expect(new Set(cidrs).size).toBe(3);
    for (const c of cidrs) {
      expect(c).toMatch(/^100\.96\.\d+\.0\/24$/);
      expect(ipInCidr(c.split('/')[0]!, '100.96.0.0/16')).toBe(true);
    }
  });
});

describe('pods come alive', () => {
  let webNode = '';

  it('apply a pod: Running on a node, with an IP inside that node’s podCIDR', async () => {
    const manifest = podManifest('web', {
      terminationGracePeriodSeconds: 3,
      containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '250m', memory: '64Mi' } } }],
    });
    expect(await ok(['apply', '-f', '-'], manifest)).toBe('pod/web created\n');
    const wait = await k(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s'], undefined, 40_000);
    expect(wait).toMatchObject({ code: 0, stdout: 'pod/web condition met\n' });

    const out = await ok(['get', 'pods', '-o', 'wide']);
    expect(out.split('\n')[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$/);
    const row = parseTable(out).find((r) => r.NAME === 'web')!;
    expect(row).toMatchObject({ READY: '1/1', STATUS: 'Running', RESTARTS: '0', 'NOMINATED NODE': '<none>', 'READINESS GATES': '<none>' });
    expect(NODES).toContain(row.NODE);
    webNode = row.NODE!;
    const cidr = await ok(['get', 'node', webNode, '-o', 'jsonpath={.spec.podCIDR}']);
    expect(row.IP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(ipInCidr(row.IP!, cidr), `${row.IP} in ${cidr}`).toBe(true);
    expect(await ok(['get', 'pod', 'web', '-o', 'jsonpath={.status.hostIP}'])).toBe(
      await ok(['get', 'node', webNode, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}']),
    );
  });

  it('kubectl logs returns the simulated container output', async () => {
    const res = await k(['logs', 'web']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('starting container "c" (image nginx:1.27) in pod default/web');

    expect(await ok(['run', 'hello', '--image=busybox', '--restart=Never', '--', 'echo', 'hello'])).toBe('pod/hello created\n');
    const logs = await until(
      'the logs of pod/hello',
      () => k(['logs', 'hello']),
      (r) => r.code === 0,
    );
    expect(logs.stdout).toBe('hello\n');
    // echo exits: the pod completes, as on a real cluster.
    await until(
      'pod/hello Succeeded',
      () => k(['get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}']),
      (r) => r.stdout === 'Succeeded',
    );
    expect(await ok(['get', 'pod', 'hello', '--no-headers'])).toMatch(/^hello +0\/1 +Completed +0 /);
  });

  it('describe pod: scheduled and started by the kubelet, with the default tolerations', async () => {
    const out = await ok(['describe', 'pod', 'web']);
    expect(out).toMatch(new RegExp(`^Node: +${webNode}/\\d+\\.\\d+\\.\\d+\\.\\d+$`, 'm'));
    expect(out).toMatch(/^Status: +Running$/m);
    expect(out).toMatch(/^Tolerations: +node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s\n +node\.kubernetes\.io\/unreachable:NoExecute op=Exists for 300s$/m);
    expect(out).toMatch(new RegExp(`Normal +Scheduled +\\S+ +default-scheduler +Successfully assigned default/web to ${webNode}`));
    expect(out).toMatch(/Normal +Pulling +\S+ +kubelet +Pulling image "nginx:1\.27"/);
    expect(out).toMatch(/Normal +Pulled +\S+ +kubelet +Successfully pulled image "nginx:1\.27" in /);
    expect(out).toMatch(/Normal +Created +\S+ +kubelet +Created container: c/);
    expect(out).toMatch(/Normal +Started +\S+ +kubelet +Started container c/);
  });

  it('describe node: conditions, addresses, capacity, system info, pod CIDR, pods and allocated resources', async () => {
    const out = await ok(['describe', 'node', webNode]);
    const cidr = await ok(['get', 'node', webNode, '-o', 'jsonpath={.spec.podCIDR}']);
    const cpuAlloc = await ok(['get', 'node', webNode, '-o', 'jsonpath={.status.allocatable.cpu}']);
    expect(out).toMatch(new RegExp(`^Name: +${webNode}$`, 'm'));
    expect(out).toMatch(/^Roles: +<none>$/m);
    expect(out).toMatch(/^Taints: +<none>$/m);
    expect(out).toMatch(/^Unschedulable: +false$/m);
    expect(out).toMatch(new RegExp(`^Lease:\\n +HolderIdentity: +${webNode}$`, 'm'));

    expect(out).toMatch(/^Conditions:\n +Type +Status +LastHeartbeatTime +LastTransitionTime +Reason +Message\n/m);
    const conditions = describedConditions(out);
    expect(conditions.get('MemoryPressure')).toEqual(['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available']);
    expect(conditions.get('DiskPressure')).toEqual(['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure']);
    expect(conditions.get('PIDPressure')).toEqual(['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available']);
    expect(conditions.get('Ready')).toEqual(['True', 'KubeletReady', 'kubelet is posting ready status']);
    // Set by the network plugin or route controller where there is one; optional.
    const network = conditions.get('NetworkUnavailable');
    if (network) expect(network).toEqual(['False', 'RouteCreated', 'RouteController created a route']);

    expect(out).toMatch(/^Addresses:\n +InternalIP: +\d+\.\d+\.\d+\.\d+\n/m);
    expect(out).toMatch(new RegExp(`^ +Hostname: +${webNode}$`, 'm'));
    for (const section of ['Capacity', 'Allocatable']) {
      const block = new RegExp(`^${section}:\\n((?: +.+\\n)+)`, 'm').exec(out)?.[1] ?? '';
      for (const res of ['cpu', 'ephemeral-storage', 'memory', 'pods']) expect(block, `${section} ${res}`).toMatch(new RegExp(`^ +${res}: +\\S+$`, 'm'));
    }
    expect(out).toMatch(/^System Info:\n/m);
    expect(out).toMatch(/^ +Operating System: +linux$/m);
    expect(out).toMatch(/^ +Architecture: +amd64$/m);
    expect(out).toMatch(/^ +Container Runtime Version: +containerd:\/\/\S+$/m);
    expect(out).toMatch(/^ +Kubelet Version: +v1\.32\.\S+$/m);
    expect(out).toMatch(/^ +Kernel Version: +\S+/m);
    expect(out).toMatch(/^ +OS Image: +\S+/m);
    expect(out).toMatch(new RegExp(`^PodCIDR: +${cidr.replace(/\./g, '\\.')}$`, 'm'));
    expect(out).toMatch(new RegExp(`^PodCIDRs: +${cidr.replace(/\./g, '\\.')}$`, 'm'));

    // kubectl's percentages: requests over allocatable, truncated.
    const cpuPct = Math.trunc((250 / (Number(cpuAlloc.replace(/m$/, '')) * (cpuAlloc.endsWith('m') ? 1 : 1000))) * 100);
    const pods = /^Non-terminated Pods: +\((\d+) in total\)\n +Namespace +Name +CPU Requests +CPU Limits +Memory Requests +Memory Limits +Age\n.+\n((?: +.+\n)*)/m.exec(out);
    expect(pods, out).not.toBeNull();
    expect(pods![2]).toMatch(new RegExp(`^ +default +web +250m \\(${cpuPct}%\\) +0 \\(0%\\) +64Mi \\(\\d+%\\) +0 \\(0%\\) +\\d+s$`, 'm'));
    const expectedPods = (await ok(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${webNode}`, '-o', 'name'])).split('\n').filter(Boolean);
    expect(Number(pods![1])).toBe(expectedPods.length);

    expect(out).toMatch(/^Allocated resources:\n +\(Total limits may be over 100 percent, i\.e\., overcommitted\.\)\n +Resource +Requests +Limits\n/m);
    // web is the only pod here with requests (hello, if it landed here too, has none).
    expect(out).toMatch(new RegExp(`^ +cpu +250m \\(${cpuPct}%\\) +0 \\(0%\\)$`, 'm'));
    expect(out).toMatch(/^ +memory +64Mi \(\d+%\) +0 \(0%\)$/m);
    expect(out).toMatch(new RegExp(`Normal +RegisteredNode +\\S+ +node-controller +Node ${webNode} event: Registered Node ${webNode} in Controller`));
  });

  it('describe node: Events show what the kubelet reported on start', async () => {
    // A kubelet records these on its Node when it starts and first posts its status.
    const out = await ok(['describe', 'node', webNode]);
    const events = out.slice(out.indexOf('\nEvents:'));
    expect(events).toMatch(/Normal +Starting +\S+ +kubelet +Starting kubelet\./);
    expect(events).toMatch(new RegExp(`Normal +NodeHasSufficientMemory +\\S+ +kubelet +Node ${webNode} status is now: NodeHasSufficientMemory`));
    expect(events).toMatch(new RegExp(`Normal +NodeHasNoDiskPressure +\\S+ +kubelet +Node ${webNode} status is now: NodeHasNoDiskPressure`));
    expect(events).toMatch(new RegExp(`Normal +NodeHasSufficientPID +\\S+ +kubelet +Node ${webNode} status is now: NodeHasSufficientPID`));
    expect(events).toMatch(new RegExp(`Normal +NodeReady +\\S+ +kubelet +Node ${webNode} status is now: NodeReady`));
  });

  it('a pod too big for every node stays Pending with kube’s FailedScheduling message', async () => {
    const manifest = podManifest('big', { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '1000' } } }] });
    expect(await ok(['apply', '-f', '-'], manifest)).toBe('pod/big created\n');
    const out = await until('the FailedScheduling event of pod/big', () => ok(['describe', 'pod', 'big']), (s) => s.includes('FailedScheduling'));
    expect(out).toMatch(
      /Warning +FailedScheduling +\S+ +default-scheduler +0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\.$/m,
    );
    expect(out).toMatch(/^Status: +Pending$/m);
    expect(out).toMatch(/^Node: +<none>$/m);
    expect(out).toMatch(/^Conditions:\n +Type +Status\n +PodScheduled +False *$/m);
    const row = (await podsWide()).find((r) => r.NAME === 'big');
    expect(row).toMatchObject({ READY: '0/1', STATUS: 'Pending', IP: '<none>', NODE: '<none>' });
    expect(await ok(['get', 'pod', 'big', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}'])).toBe('Unschedulable');
    expect(await ok(['delete', 'pod', 'big', '--wait=false'])).toBe('pod "big" deleted\n');
  });

  it('delete pod waits for the kubelet to stop it within its grace period', async () => {
    const watch = cluster().spawnKubectl([
      'get', 'pod', 'web', '-w', '--output-watch-events', '-o',
      'jsonpath={.type} {.object.metadata.deletionGracePeriodSeconds} {.object.status.containerStatuses[0].state}{"\\n"}',
    ]);
    try {
      await watch.waitFor(/^ADDED /m);
      const res = await k(['delete', 'pod', 'web']);
      expect(res).toMatchObject({ code: 0, stdout: 'pod "web" deleted\n' });
      // kubectl delete returned: the pod is gone, after a MODIFIED with the pod's grace
      // period (3 s, from terminationGracePeriodSeconds) and the kubelet's final delete.
      const seen = await watch.waitFor(/^DELETED /m, 10_000);
      expect(seen).toMatch(/^MODIFIED 3 /m);
      expect(seen).toMatch(/^(MODIFIED|DELETED) \d+ .*"terminated"/m);
    } finally {
      await watch.stop();
    }
    const gone = await k(['get', 'pod', 'web']);
    expect(gone.stderr).toBe('Error from server (NotFound): pods "web" not found\n');
    const killing = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web,reason=Killing', '-o', 'jsonpath={.items[*].message}']);
    expect(killing).toBe('Stopping container c');
    await ok(['delete', 'pod', 'hello']);
  });
});

describe('node maintenance', () => {
  it('cordon: SchedulingDisabled and new pods avoid the node; uncordon', async () => {
    const node = NODES[0]!;
    expect(await ok(['cordon', node])).toBe(`node/${node} cordoned\n`);
    const rows = parseTable(await ok(['get', 'nodes']));
    expect(rows.find((r) => r.NAME === node)?.STATUS).toBe('Ready,SchedulingDisabled');
    expect(await ok(['get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}'])).toBe('true');
    // The node lifecycle controller adds the matching taint (TaintNodesByCondition).
    const described = await until('the unschedulable taint', () => ok(['describe', 'node', node]), (d) => d.includes('node.kubernetes.io/unschedulable'));
    expect(described).toMatch(/^Taints: +node\.kubernetes\.io\/unschedulable:NoSchedule\nUnschedulable: +true$/m);

    expect(await ok(['apply', '-f', '-'], deploymentManifest('spread', 4))).toBe('deployment.apps/spread created\n');
    const pods = await runningPods('spread', 4);
    expect(pods.map((p) => p.NODE)).not.toContain(node);

    expect(await ok(['uncordon', node])).toBe(`node/${node} uncordoned\n`);
    const after = parseTable(await ok(['get', 'nodes']));
    expect(after.find((r) => r.NAME === node)?.STATUS).toBe('Ready');
    expect(await ok(['delete', 'deployment', 'spread'])).toBe('deployment.apps "spread" deleted\n');
  });

  it('taint key=value:NoSchedule keeps new pods off; key- removes it', async () => {
    const node = NODES[1]!;
    expect(await ok(['taint', 'nodes', node, 'dedicated=gpu:NoSchedule'])).toBe(`node/${node} tainted\n`);
    expect(await ok(['describe', 'node', node])).toMatch(/^Taints: +dedicated=gpu:NoSchedule$/m);
    expect(await ok(['get', 'node', node, '-o', 'jsonpath={.spec.taints}'])).toBe('[{"effect":"NoSchedule","key":"dedicated","value":"gpu"}]');

    expect(await ok(['apply', '-f', '-'], deploymentManifest('tainted', 4))).toBe('deployment.apps/tainted created\n');
    const pods = await runningPods('tainted', 4);
    expect(pods.map((p) => p.NODE)).not.toContain(node);

    expect(await ok(['taint', 'nodes', node, 'dedicated-'])).toBe(`node/${node} untainted\n`);
    expect(await ok(['describe', 'node', node])).toMatch(/^Taints: +<none>$/m);
    expect(await ok(['delete', 'deployment', 'tainted'])).toBe('deployment.apps "tainted" deleted\n');
    await until('the pods of tainted to go', () => podsWide('app=tainted'), (rs) => rs.length === 0);
  });

  it('drain evicts the node’s pods and the Deployment recreates them elsewhere', async () => {
    expect(await ok(['apply', '-f', '-'], deploymentManifest('drainme', 3))).toBe('deployment.apps/drainme created\n');
    const before = await runningPods('drainme', 3);
    const [node, count] = [...nodeOf(before)].sort((a, b) => b[1] - a[1])[0]!;
    const res = await k(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=30s'], undefined, 40_000);
    const said = res.stdout + res.stderr;
    expect(res.code, said).toBe(0);
    expect(said).toContain(`node/${node} cordoned`);
    for (const p of before.filter((r) => r.NODE === node)) {
      expect(said).toContain(`evicting pod default/${p.NAME}`);
      expect(said).toContain(`pod/${p.NAME} evicted`);
    }
    expect(said).toContain(`node/${node} drained`);
    expect(count).toBeGreaterThan(0);

    const after = await runningPods('drainme', 3, node);
    expect(after.every((p) => p.NODE !== node)).toBe(true);
    expect(await ok(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'name'])).toBe('');
    expect(await ok(['uncordon', node])).toBe(`node/${node} uncordoned\n`);
  });

  it('drain stops at a PodDisruptionBudget that allows no disruption', async () => {
    expect(await ok(['create', 'pdb', 'drainme', '--selector=app=drainme', '--min-available=3'])).toBe(
      'poddisruptionbudget.policy/drainme created\n',
    );
    const pods = await runningPods('drainme', 3);
    const node = pods[0]!.NODE!;
    const onNode = pods.filter((p) => p.NODE === node);
    const res = await k(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=5s'], undefined, 30_000);
    expect(res.code).toBe(1);
    for (const p of onNode) {
      expect(res.stderr).toContain(
        `error when evicting pods/"${p.NAME}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`,
      );
    }
    expect(res.stderr).toContain(`error: unable to drain node "${node}" due to error: `);
    expect(res.stderr).toContain(`error when evicting pods/"${onNode[0]!.NAME}" -n "default": global timeout reached: 5s`);
    expect(res.stderr).toContain(`There are pending nodes to be drained:\n ${node}\n`);
    // Nothing was evicted.
    const still = await podsWide('app=drainme');
    expect(still.filter((p) => p.STATUS === 'Running').map((p) => p.NAME).sort()).toEqual(pods.map((p) => p.NAME).sort());
    expect(await ok(['uncordon', node])).toBe(`node/${node} uncordoned\n`);
  });

  it('the disruption controller keeps the budget’s status', async () => {
    // kube's disruption controller: 3 healthy of 3 expected, 3 needed, 0 disruptions allowed.
    const status = await until(
      'the status of pdb/drainme',
      () => ok(['get', 'pdb', 'drainme', '-o', 'jsonpath={.status.currentHealthy} {.status.desiredHealthy} {.status.expectedPods} {.status.disruptionsAllowed} {.status.observedGeneration}']),
      (s) => s === '3 3 3 0 1',
      10_000,
    );
    expect(status).toBe('3 3 3 0 1');
    const row = parseTable(await ok(['get', 'pdb', 'drainme']))[0];
    expect(row).toMatchObject({ NAME: 'drainme', 'MIN AVAILABLE': '3', 'MAX UNAVAILABLE': 'N/A', 'ALLOWED DISRUPTIONS': '0' });
  });

  it('cleanup: delete the drain Deployment and budget', async () => {
    expect(await ok(['delete', 'pdb', 'drainme'])).toBe('poddisruptionbudget.policy "drainme" deleted\n');
    expect(await ok(['delete', 'deployment', 'drainme'])).toBe('deployment.apps "drainme" deleted\n');
    await until('the pods of drainme to go', () => podsWide('app=drainme'), (rs) => rs.length === 0);
  });
});

describe('node failure', () => {
  it('a failed node goes NotReady, its pods are evicted and recreated elsewhere; recovered, it is Ready again', async () => {
    expect(await ok(['apply', '-f', '-'], deploymentManifest('survivor', 3))).toBe('deployment.apps/survivor created\n');
    const before = await runningPods('survivor', 3);
    const [node] = [...nodeOf(before)].sort((a, b) => b[1] - a[1])[0]!;
    const victims = before.filter((p) => p.NODE === node).map((p) => p.NAME!);

    cluster().components!.kubeletSim!.failNode(node);

    const nodes = await until(
      `${node} NotReady`,
      async () => parseTable(await ok(['get', 'nodes'])),
      (rs) => rs.find((r) => r.NAME === node)?.STATUS === 'NotReady',
    );
    expect(nodes.filter((r) => r.NAME !== node).every((r) => r.STATUS === 'Ready')).toBe(true);
    expect(await readyStatus(node)).toBe('Unknown');
    const described = await ok(['describe', 'node', node]);
    const conditions = describedConditions(described);
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      expect(conditions.get(type), type).toEqual(['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    }
    expect(described).toMatch(new RegExp(`Normal +NodeNotReady +\\S+ +node-controller +Node ${node} status is now: NodeNotReady`));
    const taints = await until(
      `the unreachable taints on ${node}`,
      () => ok(['get', 'node', node, '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect}{"\\n"}{end}']),
      (s) => s.includes('node.kubernetes.io/unreachable:NoExecute'),
    );
    expect(taints.split('\n').filter(Boolean).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);

    // Evicted after their 2 s toleration and replaced on the healthy nodes.
    const after = await runningPods('survivor', 3, node);
    for (const v of victims) expect(after.map((p) => p.NAME)).not.toContain(v);
    for (const v of victims) {
      const events = await ok(['get', 'events', '--field-selector', `involvedObject.name=${v},reason=TaintManagerEviction`, '-o', 'jsonpath={.items[*].message}']);
      expect(events).toBe(`Marking for deletion Pod default/${v}`);
      // The pod waits on its dead kubelet: deleted, not Ready, marked as a disruption target.
      const state = await ok(['get', 'pod', v, '-o', 'jsonpath={.metadata.deletionTimestamp} {.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="DisruptionTarget")].reason}']);
      expect(state).toMatch(/^\d{4}-\S+ False DeletionByTaintManager$/);
    }
    const rows = await podsWide('app=survivor');
    for (const v of victims) expect(rows.find((r) => r.NAME === v)?.STATUS).toBe('Terminating');

    cluster().components!.kubeletSim!.recoverNode(node);
    await until(`${node} Ready again`, () => readyStatus(node), (s) => s === 'True');
    const back = parseTable(await ok(['get', 'nodes']));
    expect(back.find((r) => r.NAME === node)?.STATUS).toBe('Ready');
    await until(`the unreachable taints to leave ${node}`, () => ok(['get', 'node', node, '-o', 'jsonpath={.spec.taints}']), (s) => s === '');
    // The recovered kubelet finishes the deletions it missed.
    await until('the evicted pods to go', () => podsWide('app=survivor'), (rs) => rs.length === 3 && rs.every((r) => !victims.includes(r.NAME!)));
  });
});
