import {
  GraphQLBoolean,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  type GraphQLNullableType,
} from './graphql-js.js';
import type { ResourceType } from '../../api/types.js';
import { realClock } from '../../lib/clock.js';
import type { KindNames } from './naming.js';
import { access, guard, type GraphqlContext } from './schema.js';
import { drainNode, rolloutRestart, rolloutUndoDeployment, scaleObject, setUnschedulable, type WorkloadContext } from './workload-operations.js';

/**
 * GraphQL fields for workload-operations.ts: `scale<Kind>` for every kind with a scale
 * subresource, `cordonNode`/`uncordonNode`/`drainNode`, `rolloutRestart<Kind>` for
 * Deployments, DaemonSets and StatefulSets, and `rolloutUndoDeployment`. Each is
 * authorized as the requests kubectl would make for it.
 */

type Field = GraphQLFieldConfig<unknown, GraphqlContext, any>;

const nonNull = <T extends GraphQLNullableType>(t: T): GraphQLNonNull<T> => new GraphQLNonNull(t);
const reqStr = { type: nonNull(GraphQLString) };
const dryRun = { type: GraphQLBoolean, defaultValue: false, description: 'Validate and answer without storing.' };
const namespaceArg = { type: nonNull(GraphQLString), defaultValue: 'default' };

const RESTARTABLE = new Set(['apps/Deployment', 'apps/DaemonSet', 'apps/StatefulSet']);

const DrainPodType = new GraphQLObjectType({
  name: 'DrainPod',
  fields: { namespace: reqStr, name: reqStr, reason: { type: GraphQLString } },
});

function workloadCtx(ctx: GraphqlContext): WorkloadContext {
  return { registries: ctx.kube.registries, clock: ctx.kube.clock ?? realClock, ...(ctx.kube.user ? { user: ctx.kube.user } : {}) };
}

export function workloadMutations(
  rts: readonly ResourceType[],
  names: Map<ResourceType, KindNames>,
  typeOf: (rt: ResourceType) => GraphQLObjectType | undefined,
): GraphQLFieldConfigMap<unknown, GraphqlContext> {
  const out: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};
  for (const rt of rts) {
    const type = typeOf(rt);
    const typeName = names.get(rt)?.type;
    if (!type || !typeName) continue;
    if (rt.subresources.scale) {
      out[`scale${typeName}`] = {
        type: nonNull(type),
        description: `Sets the replicas of a ${rt.kind} through its scale subresource (\`kubectl scale\`).`,
        args: { ...(rt.namespaced ? { namespace: namespaceArg } : {}), name: reqStr, replicas: { type: nonNull(GraphQLInt) }, dryRun },
        resolve: (_src, args, ctx) =>
          guard(ctx, () => scaleObject(workloadCtx(ctx), rt, args.namespace, args.name, args.replicas, args.dryRun), access(rt, 'patch', args.namespace, args.name, 'scale')),
      } satisfies Field;
    }
    if (RESTARTABLE.has(`${rt.group}/${rt.kind}`)) {
      out[`rolloutRestart${typeName}`] = {
        type: nonNull(type),
        description: `Restarts every pod of a ${rt.kind} with a rollout (\`kubectl rollout restart\`: a new kubectl.kubernetes.io/restartedAt template annotation).`,
        args: { namespace: namespaceArg, name: reqStr, dryRun },
        resolve: (_src, args, ctx) => guard(ctx, () => rolloutRestart(workloadCtx(ctx), rt, args.namespace, args.name, args.dryRun), access(rt, 'patch', args.namespace, args.name)),
      } satisfies Field;
    }
    if (rt.group === 'apps' && rt.kind === 'Deployment') {
      const replicaSets = rts.find((r) => r.group === 'apps' && r.kind === 'ReplicaSet');
      out.rolloutUndoDeployment = {
        type: nonNull(type),
        description: "Rolls a Deployment back to a revision's pod template (`kubectl rollout undo`; toRevision 0: the previous one).",
        args: { namespace: namespaceArg, name: reqStr, toRevision: { type: GraphQLInt, defaultValue: 0 }, dryRun },
        resolve: (_src, args, ctx) =>
          guard(
            ctx,
            () => rolloutUndoDeployment(workloadCtx(ctx), args.namespace, args.name, args.toRevision ?? 0, args.dryRun),
            [access(rt, 'patch', args.namespace, args.name), ...(replicaSets ? [access(replicaSets, 'list', args.namespace)] : [])],
          ),
      } satisfies Field;
    }
    if (rt.group === '' && rt.kind === 'Node') {
      const pods = rts.find((r) => r.group === '' && r.kind === 'Pod');
      for (const [field, unschedulable, what] of [
        ['cordonNode', true, 'Marks a node unschedulable (`kubectl cordon`).'],
        ['uncordonNode', false, 'Marks a node schedulable again (`kubectl uncordon`).'],
      ] as const) {
        out[field] = {
          type: nonNull(type),
          description: what,
          args: { name: reqStr, dryRun },
          resolve: (_src, args, ctx) => guard(ctx, () => setUnschedulable(workloadCtx(ctx), args.name, unschedulable, args.dryRun), access(rt, 'patch', undefined, args.name)),
        } satisfies Field;
      }
      const drainType = new GraphQLObjectType({
        name: 'DrainResult',
        fields: {
          node: { type: nonNull(type) },
          evicted: { type: nonNull(new GraphQLList(nonNull(DrainPodType))), description: 'Pods whose eviction was accepted.' },
          skipped: { type: nonNull(new GraphQLList(nonNull(DrainPodType))), description: 'Pods left alone (DaemonSet-managed with ignoreDaemonSets, mirror pods, terminating).' },
          failed: { type: nonNull(new GraphQLList(nonNull(DrainPodType))), description: 'Pods whose eviction was refused (a PodDisruptionBudget, for one); not retried.' },
        },
      });
      out.drainNode = {
        type: nonNull(drainType),
        description:
          'Cordons a node and evicts its pods through the Eviction subresource, with `kubectl drain`\'s checks (pods without a controller need force, DaemonSet pods ignoreDaemonSets, emptyDir data deleteEmptyDirData). Evictions refused by a budget are reported, not retried.',
        args: {
          name: reqStr,
          ignoreDaemonSets: { type: GraphQLBoolean, defaultValue: false },
          deleteEmptyDirData: { type: GraphQLBoolean, defaultValue: false },
          force: { type: GraphQLBoolean, defaultValue: false },
          gracePeriodSeconds: { type: GraphQLInt, description: 'For every evicted pod; unset: each pod’s own.' },
          dryRun,
        },
        resolve: (_src, args, ctx) =>
          guard(
            ctx,
            () =>
              drainNode(workloadCtx(ctx), args.name, {
                ignoreDaemonSets: args.ignoreDaemonSets,
                deleteEmptyDirData: args.deleteEmptyDirData,
                force: args.force,
                ...(args.gracePeriodSeconds != null ? { gracePeriodSeconds: args.gracePeriodSeconds } : {}),
                dryRun: args.dryRun,
              }),
            [access(rt, 'patch', undefined, args.name), ...(pods ? [access(pods, 'list', undefined), access(pods, 'create', undefined, undefined, 'eviction')] : [])],
          ),
      } satisfies Field;
    }
  }
  return out;
}
