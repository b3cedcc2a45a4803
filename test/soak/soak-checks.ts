import { seededRandom } from '../../lib/random.js';
/**
 * Pure checks of the controllers soak test: given what the API holds at the end (and the
 * ReplicaSet creations seen through a watch), list every way the cluster differs from
 * what the controllers promise. An empty list means converged and consistent.
 *
 * Objects are read loosely (only the fields the checks need), so the soak test can pass
 * what the REST client returns without casts.
 */

interface OwnerRef {
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface SoakObject {
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerRef[];
    deletionTimestamp?: string;
  };
  spec?: unknown;
  status?: unknown;
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';

/** A seeded PRNG, so a failing soak run can be replayed with its seed. */
export { seededRandom };

function controllerOf(obj: SoakObject): OwnerRef | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

function field<T>(obj: unknown, path: string[]): T | undefined {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur as T | undefined;
}

function images(obj: SoakObject): string {
  const containers = field<Array<{ image?: string }>>(obj.spec, ['template', 'spec', 'containers']) ?? [];
  return containers.map((c) => c.image ?? '').join(',');
}

/**
 * The ReplicaSet that holds a Deployment's current template: owned by it (controller
 * reference with its uid), with the Deployment's revision and the same images. (The soak
 * only ever changes replicas and images, so images identify the template.)
 */
export function currentReplicaSet(d: SoakObject, replicaSets: readonly SoakObject[]): SoakObject | undefined {
  const owned = replicaSets.filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
  const revision = d.metadata.annotations?.[REVISION];
  return owned.find((rs) => images(rs) === images(d) && (revision === undefined || rs.metadata.annotations?.[REVISION] === revision));
}

/**
 * Every way the cluster is not converged: per Deployment, exactly spec.replicas live pods
 * owned by its current ReplicaSet, none left on older ones, status caught up
 * (observedGeneration, replicas, updated/ready/available); no pod terminating; no pod or
 * ReplicaSet without a controller reference to an existing owner of the right kind.
 */
export function convergenceProblems(deployments: readonly SoakObject[], replicaSets: readonly SoakObject[], pods: readonly SoakObject[]): string[] {
  const problems: string[] = [];
  const rsByUid = new Map(replicaSets.map((rs) => [rs.metadata.uid, rs]));
  const deployByUid = new Map(deployments.map((d) => [d.metadata.uid, d]));
  const podsByRs = new Map<string, SoakObject[]>();

  for (const pod of pods) {
    const name = `pod ${pod.metadata.name}`;
    if (pod.metadata.deletionTimestamp) problems.push(`${name} is still terminating`);
    const ref = controllerOf(pod);
    if (!ref) {
      problems.push(`${name} has no controller reference (orphan)`);
      continue;
    }
    const rs = rsByUid.get(ref.uid);
    if (ref.kind !== 'ReplicaSet' || !rs) {
      problems.push(`${name} is owned by ${ref.kind}/${ref.name} (uid ${ref.uid}), which does not exist (orphan)`);
      continue;
    }
    const list = podsByRs.get(ref.uid!) ?? [];
    list.push(pod);
    podsByRs.set(ref.uid!, list);
  }
  for (const rs of replicaSets) {
    const ref = controllerOf(rs);
    if (!ref || ref.kind !== 'Deployment' || !deployByUid.has(ref.uid)) {
      problems.push(`replicaset ${rs.metadata.name} has no existing Deployment as controller (orphan)`);
    }
  }

  for (const d of deployments) {
    const name = `deployment ${d.metadata.name}`;
    const want = field<number>(d.spec, ['replicas']) ?? 1;
    const status = (d.status ?? {}) as Record<string, number | undefined>;
    if (status.observedGeneration !== d.metadata.generation) {
      problems.push(`${name}: observedGeneration ${status.observedGeneration} != generation ${d.metadata.generation}`);
    }
    const current = currentReplicaSet(d, replicaSets);
    if (!current) {
      problems.push(`${name}: no ReplicaSet holds its current template`);
      continue;
    }
    const live = (podsByRs.get(current.metadata.uid!) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    if (live.length !== want) problems.push(`${name}: ${live.length} live pods of its current ReplicaSet ${current.metadata.name}, want ${want}`);
    const rsReplicas = field<number>(current.spec, ['replicas']);
    if (rsReplicas !== want) problems.push(`${name}: current ReplicaSet ${current.metadata.name} has spec.replicas ${rsReplicas}, want ${want}`);
    for (const rs of replicaSets) {
      if (rs === current || controllerOf(rs)?.uid !== d.metadata.uid) continue;
      const n = podsByRs.get(rs.metadata.uid!)?.length ?? 0;
      const r = field<number>(rs.spec, ['replicas']) ?? 0;
      if (n > 0 || r > 0) problems.push(`${name}: old ReplicaSet ${rs.metadata.name} still has ${r} replicas and ${n} pods`);
    }
    for (const key of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) {
      const got = status[key] ?? 0;
      if (got !== want) problems.push(`${name}: status.${key} ${got}, want ${want}`);
    }
  }
  return problems;
}

/** A ReplicaSet seen created (an ADDED event) by the soak's watch. */
export interface RsCreation {
  uid: string;
  name: string;
  /** The controlling Deployment's uid ('' when none). */
  owner: string;
  hash: string;
}

/**
 * ReplicaSets created more than once for the same Deployment and pod-template-hash: the
 * deployment controller must adopt or reuse the existing one, never make a second.
 * Repeated ADDED events of one uid (a relist replays them) count once.
 */
export function duplicateReplicaSets(creations: readonly RsCreation[]): string[] {
  const seen = new Map<string, Map<string, string>>();
  for (const c of creations) {
    const key = `${c.owner}/${c.hash}`;
    const uids = seen.get(key) ?? new Map<string, string>();
    uids.set(c.uid, c.name);
    seen.set(key, uids);
  }
  const out: string[] = [];
  for (const [key, uids] of seen) {
    if (uids.size > 1) out.push(`deployment uid ${key.split('/')[0]} hash ${key.split('/')[1]}: ${uids.size} ReplicaSets (${[...uids.values()].join(', ')})`);
  }
  return out;
}

/** Reads what duplicateReplicaSets needs from a ReplicaSet. */
export function rsCreation(rs: SoakObject): RsCreation {
  return {
    uid: rs.metadata.uid ?? '',
    name: rs.metadata.name ?? '',
    owner: controllerOf(rs)?.uid ?? '',
    hash: rs.metadata.labels?.[POD_TEMPLATE_HASH] ?? '',
  };
}
