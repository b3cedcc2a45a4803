import { deploymentResource } from '../../api/apps/deployment.js';
import { replicaSetResource } from '../../api/apps/replicaset.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../api/apps/schemas.js';
import { ApiError, isAlreadyExists, isNotFound } from '../../client/api-error.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { RestClient } from '../../client/rest-client.js';
import { clone } from '../../client/store.js';
import type { Logger } from '../../lib/logger.js';
import { controllerOf, newControllerRef } from '../replicaset/controller-ref.js';
import { maxRevision, REVISION_ANNOTATION, replicasAnnotationsNeedUpdate, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { getCondition, hasProgressDeadline, newCondition, PROGRESSING, Reason, sameStatus, setCondition } from './deployment-status.js';
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { compareByCreation, maxSurge, newRSNewReplicas, replicasOf } from './replica-maths.js';
import type { ScaleStep } from './rollout-plan.js';

/**
 * The writes of one Deployment sync (kube's sync.go): finding or creating the new
 * ReplicaSet, keeping revisions and annotations, scaling ReplicaSets with
 * ScalingReplicaSet events, and writing the Deployment's status. One DeploymentSync
 * lives for one reconcile; it keeps the latest versions of the objects it wrote so
 * later writes in the same sync do not conflict with earlier ones.
 *
 * Kube writes the Deployment's revision annotation through UpdateStatus (its status
 * strategy keeps annotations); our status subresource keeps metadata as stored, so the
 * annotation goes in a separate merge patch of the Deployment.
 */

export interface SyncDeps {
  client: RestClient;
  recorder: EventRecorder;
  log: Logger;
  now(): number;
}

function namespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && !!err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's (hash label aside). */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(compareByCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export class DeploymentSync {
  /** The Deployment as last written (or read); status changes accumulate here. */
  d: Deployment;
  private readonly byName = new Map<string, ReplicaSet>();

  constructor(private readonly deps: SyncDeps, d: Deployment, readonly rsList: ReplicaSet[]) {
    this.d = clone(d);
    for (const rs of rsList) this.byName.set(rs.metadata.name!, rs);
  }

  /** The latest known version of a ReplicaSet this sync handles. */
  current(rs: ReplicaSet): ReplicaSet {
    return this.byName.get(rs.metadata.name!) ?? rs;
  }

  /** Writes d.status (as the status subresource) when it differs from `before`. */
  async writeStatus(status: DeploymentStatus, force = false): Promise<void> {
    if (!force && sameStatus(this.d.status, status)) return;
    const next = clone(this.d);
    next.status = status;
    this.d = await this.deps.client.updateStatus<Deployment>(deploymentResource, next);
  }

  /**
   * SetDeploymentRevision, written as kube writes it: an update of the Deployment at the
   * cached resourceVersion (system:controller:deployment-controller may update
   * deployments, not patch them); a concurrent change is a 409 and a requeue.
   */
  private async setRevision(revision: string): Promise<void> {
    if (this.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
    const status = this.d.status;
    const next = clone(this.d);
    next.metadata.annotations = { ...next.metadata.annotations, [REVISION_ANNOTATION]: revision };
    const patched = await this.deps.client.update<Deployment>(deploymentResource, next);
    // Keep status changes not yet written.
    this.d = { ...patched, status };
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when `create` and
   * missing) with its revision raised above every old one, and the old ReplicaSets.
   */
  async newAndOld(create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const existing = findNewReplicaSet(this.d, this.rsList);
    const oldRSs = this.rsList.filter((rs) => rs !== existing).map((rs) => this.current(rs));
    const newRS = await this.getNewReplicaSet(existing && this.current(existing), oldRSs, create);
    return { newRS, oldRSs };
  }

  private async getNewReplicaSet(existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = clone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge(d));
      const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyChanged) {
        copy.spec = { ...copy.spec, minReadySeconds: d.spec?.minReadySeconds };
        if (copy.spec.minReadySeconds === undefined) delete copy.spec.minReadySeconds;
        return this.updateRS(copy);
      }
      await this.setRevision(copy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(this.d.status, PROGRESSING)) {
        const status = clone(this.d.status ?? {});
        setCondition(status, newCondition(PROGRESSING, 'True', Reason.FoundNewReplicaSet, `Found new replica set "${copy.metadata.name}"`, this.deps.now()));
        await this.writeStatus(status, true);
      }
      return copy;
    }
    if (!create) return undefined;
    return this.createNewReplicaSet(oldRSs, newRevision);
  }

  private async createNewReplicaSet(oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const d = this.d;
    const { client, recorder } = this.deps;
    const template = clone(d.spec?.template ?? {});
    const hash = computeHash(d.spec?.template, d.status?.collisionCount ?? undefined);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = clone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const name = `${d.metadata.name}-${hash}`;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata.namespace,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, selector, template },
    };
    if (d.spec?.minReadySeconds !== undefined) rs.spec!.minReadySeconds = d.spec.minReadySeconds;
    const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false, maxSurge(d));

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await client.create<ReplicaSet>(replicaSetResource, rs);
    } catch (err) {
      if (isAlreadyExists(err)) {
        // A slow cache, or a hash collision with a ReplicaSet of another template.
        const found = await client.get<ReplicaSet>(replicaSetResource, name, { namespace: d.metadata.namespace });
        if (controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
          created = found;
          alreadyExists = true;
        } else {
          const status = clone(this.d.status ?? {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.writeStatus(status, true);
          this.deps.log.info({ deployment: d.metadata.name, collisionCount: status.collisionCount }, 'hash collision; bumped collisionCount');
          throw err;
        }
      } else if (namespaceTerminating(err)) {
        throw err;
      } else {
        const msg = `Failed to create new replica set "${name}": ${(err as Error).message}`;
        if (hasProgressDeadline(d)) {
          const status = clone(this.d.status ?? {});
          setCondition(status, newCondition(PROGRESSING, 'False', Reason.ReplicaSetCreateError, msg, this.deps.now()));
          await this.writeStatus(status).catch(() => undefined);
        }
        recorder.event(d, 'Warning', Reason.ReplicaSetCreateError, msg);
        throw err;
      }
    }
    this.byName.set(name, created);
    if (!this.rsList.some((r) => r.metadata.name === name)) this.rsList.push(created);
    if (!alreadyExists && replicas > 0) {
      recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`);
    }
    await this.setRevision(String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      const status = clone(this.d.status ?? {});
      setCondition(status, newCondition(PROGRESSING, 'True', Reason.NewReplicaSetCreated, `Created new replica set "${name}"`, this.deps.now()));
      await this.writeStatus(status, true);
    }
    return created;
  }

  private async updateRS(rs: ReplicaSet): Promise<ReplicaSet> {
    const updated = await this.deps.client.update<ReplicaSet>(replicaSetResource, rs);
    this.byName.set(updated.metadata.name!, updated);
    return updated;
  }

  /**
   * scaleReplicaSet: writes the size and the desired/max replicas annotations when either
   * differs, recording "Scaled up|down replica set <name> from <old> to <new>" when the
   * size changed. Returns whether the size changed.
   */
  async scale(rs: ReplicaSet, to: number): Promise<boolean> {
    const cur = this.current(rs);
    const replicas = replicasOf(this.d);
    const max = replicas + maxSurge(this.d);
    const from = replicasOf(cur);
    if (from === to && !replicasAnnotationsNeedUpdate(cur, replicas, max)) return false;
    const copy = clone(cur);
    copy.spec = { ...copy.spec, replicas: to };
    setReplicasAnnotations(copy, replicas, max);
    const updated = await this.updateRS(copy);
    if (from === to) return false;
    this.deps.recorder.event(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${from < to ? 'up' : 'down'} replica set ${updated.metadata.name} from ${from} to ${to}`);
    return true;
  }

  /** Applies planned steps in order; true when some size changed. */
  async apply(steps: readonly ScaleStep[]): Promise<boolean> {
    let scaled = false;
    for (const step of steps) {
      const rs = this.byName.get(step.name);
      if (!rs) continue;
      if (await this.scale(rs, step.to)) scaled = true;
    }
    return scaled;
  }

  /** Deletes old ReplicaSets named by planCleanup (NotFound is fine). */
  async deleteReplicaSets(names: readonly string[]): Promise<void> {
    for (const name of names) {
      this.deps.log.debug({ deployment: this.d.metadata.name, replicaSet: name }, 'cleaning up old replica set');
      try {
        await this.deps.client.delete(replicaSetResource, name, { namespace: this.d.metadata.namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
