import { execFile } from 'node:child_process';
import { deploymentResource } from '../../api/apps/deployment.js';
import { leaseResource, type Lease } from '../../api/coordination/lease.js';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { ApiError, isGone, isNotFound, type HttpRestClient, type WatchStream } from '../../client/rest-client.js';
import { LEASE_NAMES, type ComponentName, type Topology } from './topology.js';

/**
 * The pieces of the fault scenario (fault.e2e.test.ts) and of bench:distributed: a
 * Deployment workload that records which writes were acknowledged, a watch that checks
 * resourceVersion continuity across resumptions and relists, a kubectl probe through the
 * balancer, and leader failover measured on the Lease.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A failed call whose write may still have been applied (no answer, or a 5xx). */
export function ambiguous(err: unknown): boolean {
  return !(err instanceof ApiError) || err.code === 0 || err.code >= 500;
}

// ---------------------------------------------------------------------------------------
// Workload

export interface DeploymentRecord {
  name: string;
  /** Every replica count asked for, in order, the create's first (failed asks included). */
  asked: number[];
  /** What the last acknowledged write left: replicas, or deleted. */
  acked?: { replicas: number } | { deleted: true };
  /** A write after the last acknowledged one failed without a clear answer. */
  ambiguousAfterAck: boolean;
  /** The replica counts that an ambiguous write may have left. */
  maybe: Set<number | 'deleted'>;
  /** resourceVersions of acknowledged creates and scales (the watch must see each). */
  ackedRVs: number[];
}

export interface Workload {
  records: Map<string, DeploymentRecord>;
  counts: { ok: number; failed: number; ambiguous: number };
  stop(): Promise<void>;
}

export function deploymentManifest(namespace: string, name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { workload: 'ha-fault' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9' }] } },
    },
  } as KubeObject;
}

/**
 * Creates, scales and deletes Deployments in `namespace` one call at a time until
 * stopped, keeping 3–7 alive: every call's outcome (acknowledged, refused, or ambiguous)
 * is recorded per Deployment.
 */
export function startWorkload(client: HttpRestClient, namespace: string, opts: { pauseMs?: number; seed?: number } = {}): Workload {
  const records = new Map<string, DeploymentRecord>();
  const counts = { ok: 0, failed: 0, ambiguous: 0 };
  let stopped = false;
  let seq = 0;
  let rnd = opts.seed ?? 42;
  const random = () => ((rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const live = () => [...records.values()].filter((r) => !(r.acked && 'deleted' in r.acked));

  const outcome = (rec: DeploymentRecord, result: { replicas: number } | { deleted: true }, err: unknown, rv?: string): void => {
    if (err === undefined) {
      counts.ok++;
      rec.acked = result;
      rec.ambiguousAfterAck = false;
      rec.maybe.clear();
      if (rv && !('deleted' in result)) rec.ackedRVs.push(Number(rv));
    } else if (ambiguous(err)) {
      counts.ambiguous++;
      rec.ambiguousAfterAck = true;
      rec.maybe.add('deleted' in result ? 'deleted' : result.replicas);
    } else {
      counts.failed++;
    }
  };

  const step = async (): Promise<void> => {
    const alive = live();
    const r = random();
    if (alive.length < 3 || (alive.length < 7 && r < 0.35)) {
      const name = `web-${seq++}`;
      const replicas = 1 + Math.floor(random() * 3);
      const rec: DeploymentRecord = { name, asked: [replicas], ambiguousAfterAck: false, maybe: new Set(), ackedRVs: [] };
      records.set(name, rec);
      try {
        const created = await client.create(deploymentResource, deploymentManifest(namespace, name, replicas));
        outcome(rec, { replicas }, undefined, created.metadata.resourceVersion);
      } catch (err) {
        outcome(rec, { replicas }, err);
      }
    } else if (alive.length > 5 || r > 0.9) {
      const rec = alive[Math.floor(random() * alive.length)]!;
      try {
        await client.delete(deploymentResource, rec.name, { namespace, propagationPolicy: 'Background' });
        outcome(rec, { deleted: true }, undefined);
      } catch (err) {
        // Deleting what an ambiguous create never made: nothing to delete.
        outcome(rec, { deleted: true }, isNotFound(err) ? undefined : err);
      }
    } else {
      const rec = alive[Math.floor(random() * alive.length)]!;
      const replicas = 1 + Math.floor(random() * 3);
      rec.asked.push(replicas);
      try {
        const updated = await client.patch(deploymentResource, rec.name, { spec: { replicas } }, { namespace, type: 'merge' });
        outcome(rec, { replicas }, undefined, updated.metadata.resourceVersion);
      } catch (err) {
        outcome(rec, { replicas }, isNotFound(err) ? new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, code: 404 }, 404) : err);
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      await step();
      await sleep(opts.pauseMs ?? 250);
    }
  })();

  return {
    records,
    counts,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Watch with continuity checks

export interface WatchRecorder {
  /** The watcher's view: uid → object. */
  objects: Map<string, KubeObject>;
  /** Every uid ever seen, with the first object seen for it. */
  firstSeen: Map<string, KubeObject>;
  /** resourceVersions of every event received. */
  seenRVs: Set<number>;
  events: number;
  /** Watches resumed from the last resourceVersion after the stream ended or broke. */
  resumes: number;
  /** Relists after 410 Gone: [last rv before, list rv]. */
  relists: Array<[number, number]>;
  /** Events whose resourceVersion did not increase. */
  violations: string[];
  lastRV: number;
  stop(): Promise<void>;
}

export function startWatchRecorder(client: HttpRestClient, ref: ResourceType, namespace: string): WatchRecorder {
  const rec: WatchRecorder = {
    objects: new Map(),
    firstSeen: new Map(),
    seenRVs: new Set(),
    events: 0,
    resumes: 0,
    relists: [],
    violations: [],
    lastRV: 0,
    stop: async () => {},
  };
  let stopped = false;
  let stream: WatchStream | undefined;

  const relist = async (): Promise<void> => {
    const list = await client.list(ref, { namespace });
    const rv = Number(list.metadata?.resourceVersion ?? 0);
    if (rec.lastRV) rec.relists.push([rec.lastRV, rv]);
    rec.objects.clear();
    for (const o of list.items) {
      rec.objects.set(o.metadata.uid!, o);
      if (!rec.firstSeen.has(o.metadata.uid!)) rec.firstSeen.set(o.metadata.uid!, o);
    }
    rec.lastRV = rv;
  };

  const loop = (async () => {
    let needList = true;
    while (!stopped) {
      try {
        if (needList) {
          await relist();
          needList = false;
        }
        stream = await client.watch(ref, { namespace, resourceVersion: String(rec.lastRV), allowWatchBookmarks: true, timeoutSeconds: 30 });
        for await (const ev of stream) {
          const rv = Number(ev.object.metadata.resourceVersion);
          if (ev.type === 'BOOKMARK') {
            if (rv > rec.lastRV) rec.lastRV = rv;
            continue;
          }
          rec.events++;
          if (rv <= rec.lastRV) rec.violations.push(`${ev.type} ${ev.object.metadata.name} at ${rv} after ${rec.lastRV}`);
          rec.lastRV = Math.max(rec.lastRV, rv);
          rec.seenRVs.add(rv);
          const uid = ev.object.metadata.uid!;
          if (!rec.firstSeen.has(uid)) rec.firstSeen.set(uid, ev.object);
          if (ev.type === 'DELETED') rec.objects.delete(uid);
          else rec.objects.set(uid, ev.object);
        }
        if (!stopped) rec.resumes++;
      } catch (err) {
        if (stopped) break;
        if (isGone(err)) needList = true;
        else rec.resumes++;
        await sleep(300);
      }
    }
  })();

  rec.stop = async () => {
    stopped = true;
    stream?.close();
    await loop;
  };
  return rec;
}

/** Acknowledged resourceVersions the watch neither delivered nor covered with a relist. */
export function missedByWatch(acked: number[], w: WatchRecorder): number[] {
  return acked.filter((rv) => !w.seenRVs.has(rv) && !w.relists.some(([from, to]) => rv > from && rv <= to));
}

// ---------------------------------------------------------------------------------------
// kubectl through the balancer

export interface ProbeRecord {
  start: number;
  end: number;
  /** ok: exit 0; status: an HTTP answer that is an error; none: no answer. */
  outcome: 'ok' | 'status' | 'none';
  output: string;
}

export interface KubectlProbe {
  records: ProbeRecord[];
  stop(): Promise<void>;
}

export function startKubectlProbe(kubeconfig: string, namespace: string, pauseMs = 500): KubectlProbe {
  const records: ProbeRecord[] = [];
  let stopped = false;
  const once = () =>
    new Promise<ProbeRecord>((res) => {
      const start = Date.now();
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, 'get', 'deployments', '-n', namespace, '-o', 'name', '--request-timeout=10s'],
        { timeout: 15_000 },
        (err, stdout, stderr) => {
          const output = `${stdout}${stderr}`.trim();
          const outcome = !err ? 'ok' : /Error from server/.test(output) ? 'status' : 'none';
          res({ start, end: Date.now(), outcome, output: output.slice(0, 300) });
        },
      );
    });
  const loop = (async () => {
    while (!stopped) {
      records.push(await once());
      await sleep(pauseMs);
    }
  })();
  return {
    records,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * The longest time kubectl went without a good answer within [from, to): from the end of
 * the last successful call before a failure to the end of the next successful one.
 */
export function longestUnavailability(records: ProbeRecord[], from = 0, to = Infinity): { ms: number; at: number; failures: ProbeRecord[] } {
  let best = { ms: 0, at: 0, failures: [] as ProbeRecord[] };
  let lastOk: number | undefined;
  let failures: ProbeRecord[] = [];
  for (const r of records) {
    if (r.start < from || r.start >= to) continue;
    if (r.outcome === 'ok') {
      if (failures.length) {
        const since = lastOk ?? failures[0]!.start;
        if (r.end - since > best.ms) best = { ms: r.end - since, at: since, failures };
      }
      failures = [];
      lastOk = r.end;
    } else {
      failures.push(r);
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Leader election

export async function leaseHolder(client: HttpRestClient, component: ComponentName): Promise<Lease['spec'] | undefined> {
  try {
    const lease = await client.get<Lease>(leaseResource, LEASE_NAMES[component]!, { namespace: 'kube-system' });
    return lease.spec;
  } catch {
    return undefined;
  }
}

/** The replica index holding the component's Lease (by the identities the instances log). */
export async function leaderIndex(topo: Topology, client: HttpRestClient, component: ComponentName): Promise<{ index: number; identity: string } | undefined> {
  const holder = (await leaseHolder(client, component))?.holderIdentity;
  if (!holder || !topo.leaseIdentity) return undefined;
  for (let i = 0; i < topo.replicas(component); i++) {
    if ((await topo.leaseIdentity(component, i)) === holder) return { index: i, identity: holder };
  }
  return undefined;
}

export interface Failover {
  component: ComponentName;
  killedIndex: number;
  oldHolder: string;
  newHolder: string;
  /** From the SIGKILL to the Lease naming another holder. */
  ms: number;
}

/** SIGKILLs the component's leader and waits for the Lease to name another holder. */
export async function killLeaderAndMeasure(topo: Topology, client: HttpRestClient, component: ComponentName, timeoutMs = 40_000): Promise<Failover> {
  const deadline0 = Date.now() + 20_000;
  let leader = await leaderIndex(topo, client, component);
  while (!leader && Date.now() < deadline0) {
    await sleep(250);
    leader = await leaderIndex(topo, client, component);
  }
  if (!leader) throw new Error(`no ${component} leader found among its replicas`);
  const killedAt = Date.now();
  await topo.kill(component, leader.index);
  const deadline = killedAt + timeoutMs;
  for (;;) {
    const holder = (await leaseHolder(client, component))?.holderIdentity;
    if (holder && holder !== leader.identity) {
      return { component, killedIndex: leader.index, oldHolder: leader.identity, newHolder: holder, ms: Date.now() - killedAt };
    }
    if (Date.now() > deadline) throw new Error(`${component}: no new leader within ${timeoutMs} ms of killing ${leader.identity}`);
    await sleep(100);
  }
}
