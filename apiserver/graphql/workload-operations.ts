import type { KubeObject, ResourceType } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { Clock } from '../../lib/clock.js';
import { resourceByKind } from '../../api/registry.js';
import { ApiError, badRequest } from '../errors.js';
import { evictResource, scaleResource } from '../request/subresources.js';
import { admission } from './operations.js';
import type { UserInfo } from '../auth/authenticator.js';

/**
 * The mutations kubectl builds out of plain API calls, done in one GraphQL call: scale,
 * cordon/uncordon, drain, rollout restart and rollout undo. Each makes the same writes
 * kubectl makes (the scale subresource, a patch of spec.unschedulable, evictions through
 * the policy/v1 Eviction subresource so PodDisruptionBudgets hold, the restartedAt
 * annotation, a ReplicaSet's template copied back), through the registries, so storage
 * validation and admission apply as for REST.
 */

export interface WorkloadContext {
  registries: Registries;
  clock: Clock;
  /** Who asks: patches go through the dynamic admission chain as this user, as kubectl's would. */
  user?: UserInfo;
}

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/**
 * Sets spec.replicas through the scale subresource's handler (request/subresources.ts
 * scaleResource), the one REST's PUT …/scale calls, as `kubectl scale` does. Answers the scaled object.
 */
export async function scaleObject(ctx: WorkloadContext, rt: ResourceType, namespace: string, name: string, replicas: number, dryRun: boolean): Promise<KubeObject> {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`, {
      name,
      group: 'autoscaling',
      kind: 'Scale',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }],
    });
  }
  return scaleResource(ctx, rt, rt.namespaced ? namespace : undefined, name, { replicas, dryRun, admission: admission(ctx, rt, 'UpdateOptions', dryRun) });
}

/** `kubectl cordon` / `uncordon`: spec.unschedulable. */
export async function setUnschedulable(ctx: WorkloadContext, name: string, unschedulable: boolean, dryRun: boolean): Promise<KubeObject> {
  const rt = resourceByKind('', 'Node');
  return ctx.registries.for(rt).guaranteedUpdate(
    undefined,
    name,
    (live) => {
      const next = structuredClone(live) as KubeObject & { spec?: { unschedulable?: boolean } };
      next.spec = { ...(next.spec ?? {}) };
      if (unschedulable) next.spec.unschedulable = true;
      else delete next.spec.unschedulable;
      return next;
    },
    { dryRun, admission: admission(ctx, rt, 'PatchOptions', dryRun) },
  );
}

export interface DrainOptions {
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  force: boolean;
  gracePeriodSeconds?: number;
  dryRun: boolean;
}

export interface DrainPod {
  namespace: string;
  name: string;
  reason?: string;
}

export interface DrainResult {
  node: KubeObject;
  /** Pods whose eviction was accepted (they terminate as their grace period allows). */
  evicted: DrainPod[];
  /** Pods left alone on purpose (DaemonSet pods with ignoreDaemonSets, mirror pods, finished pods). */
  skipped: DrainPod[];
  /** Pods that could not be evicted, with the reason (a disruption budget, for instance). */
  failed: DrainPod[];
}

interface PodLike extends KubeObject {
  spec?: { nodeName?: string; volumes?: Array<{ emptyDir?: unknown }> };
  status?: { phase?: string };
}

/**
 * `kubectl drain`: cordon, then evict every pod on the node, with kubectl's filters. A pod
 * kubectl would refuse to touch (no controller without force, a DaemonSet pod without
 * ignoreDaemonSets, emptyDir data without deleteEmptyDirData) makes the whole drain fail
 * before any eviction, with kubectl's message, as kubectl does; the node stays cordoned.
 * Unlike kubectl, evictions refused by a budget are reported, not retried.
 */
export async function drainNode(ctx: WorkloadContext, name: string, opts: DrainOptions): Promise<DrainResult> {
  const node = await setUnschedulable(ctx, name, true, opts.dryRun);
  const pods = (await ctx.registries.for(resourceByKind('', 'Pod')).list(undefined, { filter: (o) => (o as PodLike).spec?.nodeName === name })).items as PodLike[];
  const skipped: DrainPod[] = [];
  const toEvict: PodLike[] = [];
  const problems: Record<string, string[]> = {};
  const problem = (kind: string, pod: PodLike) => (problems[kind] ??= []).push(`${pod.metadata.namespace}/${pod.metadata.name}`);
  for (const pod of pods) {
    const ref = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name! };
    if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) {
      skipped.push({ ...ref, reason: 'mirror pod' });
      continue;
    }
    if (pod.metadata.deletionTimestamp) {
      skipped.push({ ...ref, reason: 'already terminating' });
      continue;
    }
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    const controller = pod.metadata.ownerReferences?.find((r) => r.controller === true);
    if (controller?.kind === 'DaemonSet' && !finished) {
      if (opts.ignoreDaemonSets) skipped.push({ ...ref, reason: 'DaemonSet-managed' });
      else problem('cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)', pod);
      if (opts.ignoreDaemonSets) continue;
    }
    if (!controller && !finished && !opts.force) {
      problem('cannot delete Pods that declare no controller (use --force to override)', pod);
    }
    if ((pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined) && !finished && !opts.deleteEmptyDirData) {
      problem('cannot delete Pods with local storage (use --delete-emptydir-data to override)', pod);
    }
    toEvict.push(pod);
  }
  const kinds = Object.entries(problems);
  if (kinds.length > 0) {
    throw badRequest(`error when evicting pods from node "${name}": ` + kinds.map(([k, list]) => `${k}: ${list.join(', ')}`).join('; '));
  }
  const evicted: DrainPod[] = [];
  const failed: DrainPod[] = [];
  for (const pod of toEvict) {
    const ref = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name! };
    const body = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: ref,
      ...(opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds >= 0 ? { deleteOptions: { gracePeriodSeconds: opts.gracePeriodSeconds } } : {}),
    };
    try {
      await evictResource(ctx, ref.namespace, ref.name, body, { dryRun: opts.dryRun, admission: admission(ctx, resourceByKind('', 'Pod'), 'CreateOptions', opts.dryRun) });
      evicted.push(ref);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) continue; // gone meanwhile
      failed.push({ ...ref, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { node, evicted, skipped, failed };
}

/** `kubectl rollout restart`: a new restartedAt annotation on the pod template. */
export async function rolloutRestart(ctx: WorkloadContext, rt: ResourceType, namespace: string, name: string, dryRun: boolean): Promise<KubeObject> {
  const at = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return ctx.registries.for(rt).guaranteedUpdate(
    namespace,
    name,
    (live) => {
      const next = structuredClone(live) as KubeObject & { spec?: { paused?: boolean; template?: { metadata?: { annotations?: Record<string, string> } } } };
      if (next.spec?.paused) throw badRequest(`can't restart paused ${rt.kind.toLowerCase()} (run rollout resume first)`);
      const template = (next.spec ??= {}).template ?? (next.spec.template = {});
      template.metadata ??= {};
      template.metadata.annotations = { ...(template.metadata.annotations ?? {}), [RESTARTED_AT]: at };
      return next;
    },
    { dryRun, admission: admission(ctx, rt, 'PatchOptions', dryRun) },
  );
}

interface ReplicaSetLike extends KubeObject {
  spec?: { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } };
}

/**
 * `kubectl rollout undo deployment`: the template of the ReplicaSet at `toRevision` (0:
 * the revision before the current one) becomes the Deployment's template again, without
 * its pod-template-hash label, as kubectl's rollbacker does.
 */
export async function rolloutUndoDeployment(ctx: WorkloadContext, namespace: string, name: string, toRevision: number, dryRun: boolean): Promise<KubeObject> {
  const deployments = ctx.registries.for(resourceByKind('apps', 'Deployment'));
  const deployment = await deployments.get(namespace, name);
  const uid = deployment.metadata.uid;
  const owned = (await ctx.registries.for(resourceByKind('apps', 'ReplicaSet')).list(namespace)).items.filter((rs) =>
    rs.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === uid),
  ) as ReplicaSetLike[];
  const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);
  const byRevision = owned.filter((rs) => revisionOf(rs) > 0).sort((a, b) => revisionOf(b) - revisionOf(a));
  let target: ReplicaSetLike | undefined;
  if (toRevision === 0) {
    if (byRevision.length < 2) throw badRequest('no rollout history found for deployment "' + name + '"');
    target = byRevision[1];
  } else {
    target = byRevision.find((rs) => revisionOf(rs) === toRevision);
    if (!target) throw badRequest(`unable to find specified revision ${toRevision} in history`);
  }
  const template = structuredClone(target!.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  return deployments.guaranteedUpdate(
    namespace,
    name,
    (live) => {
      const next = structuredClone(live) as KubeObject & { spec?: { paused?: boolean; template?: unknown } };
      if (next.spec?.paused) throw badRequest(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again`);
      next.spec = { ...(next.spec ?? {}), template };
      const cause = target!.metadata.annotations?.[CHANGE_CAUSE];
      const annotations = { ...(next.metadata.annotations ?? {}) };
      if (cause) annotations[CHANGE_CAUSE] = cause;
      else delete annotations[CHANGE_CAUSE];
      next.metadata = { ...next.metadata, annotations };
      return next;
    },
    { dryRun, admission: admission(ctx, resourceByKind('apps', 'Deployment'), 'PatchOptions', dryRun) },
  );
}
