import {
  GraphQLBoolean,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  GraphQLUnionType,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  GraphQLObjectType,
  type GraphQLOutputType,
} from './graphql-js.js';
import type { KubeObject, OwnerReference, ResourceType } from '../../api/types.js';
import { findResourceByKind, resourceByKind, resources } from '../../api/registry.js';
import { labelSelectorFromObject, matchesLabels, selectorFromSet, type LabelSelectorObject } from '../../api/selector.js';
import { parseQuantity } from '../../api/quantity.js';
import { compileFilter } from '../registry/filter.js';
import { GraphQLJSON } from './scalars.js';
import { andThen, type MaybePromise, type RelationReads } from './relation-reads.js';
import { byKey, controllerOf } from './relation-indexes.js';
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from './graphql-js.js';

/**
 * Relation fields: the object graph REST makes a client walk by hand (Deployment →
 * ReplicaSets → Pods → Node, Service → EndpointSlices → Pods, …), as fields of the kind
 * types. Every resolver reads through RelationReads: kinds the apiserver's watch-fed
 * RelationCache holds are looked up in its indexes (relation-indexes.ts), other kinds are
 * listed from storage once per request and filtered in memory, so the number of storage
 * reads is bounded by the number of kinds a query touches, never by the number of parents.
 */

export interface RelationContext {
  reads(): RelationReads;
}

interface Ctx {
  kube: RelationContext;
}

type Resolver = (obj: KubeObject, args: RelationArgs, ctx: Ctx, info: GraphQLResolveInfo) => unknown;

export interface RelationArgs {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number | null;
  tailLines?: number | null;
  container?: string | null;
  limitBytes?: number | null;
  previous?: boolean | null;
}

/** Finds the GraphQL type of a kind, and the union of every kind. */
export interface RelationTypes {
  typeOf(group: string, kind: string): GraphQLObjectType | undefined;
  anyObject: GraphQLUnionType;
}

const listArgs: GraphQLFieldConfigArgumentMap = {
  labelSelector: { type: GraphQLString },
  fieldSelector: { type: GraphQLString },
  limit: { type: GraphQLInt, description: 'At most this many items.' },
};


const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** Applies the list arguments of a relation field to the related objects. */
function select(rt: ResourceType, items: KubeObject[], args: RelationArgs): KubeObject[] {
  const filter = compileFilter(rt, args.labelSelector ?? undefined, args.fieldSelector ?? undefined);
  const kept = filter ? items.filter(filter) : items;
  return args.limit != null && args.limit >= 0 ? kept.slice(0, args.limit) : kept;
}

function resolveRef(reads: RelationReads, ref: OwnerReference, namespace: string | undefined): MaybePromise<KubeObject | undefined> {
  const rt = findResourceByKind(groupOf(ref.apiVersion), ref.kind);
  if (!rt) return undefined;
  // An owner reference names a uid: a recreated object of the same name is not the owner.
  return andThen(reads.get(rt, namespace, ref.name), (found) => (found && found.metadata.uid === ref.uid ? found : undefined));
}

/** Objects of a kind whose controller is one of `uids`, in storage order (through the `controller` index). */
async function ownedBy(reads: RelationReads, rt: ResourceType, namespace: string | undefined, uids: Set<string>): Promise<KubeObject[]> {
  // No owner: nothing to look up, but the caller must still be allowed to list the kind (RBAC answers as a list would).
  if (uids.size === 0) return andThen(reads.prepare(rt, namespace), () => []);
  const groups = await Promise.all([...uids].map((uid) => reads.lookup(rt, namespace, 'controller', uid)));
  if (groups.length === 1) return groups[0]!;
  return groups.flat().sort(byKey);
}

function eventsAbout(reads: RelationReads, obj: KubeObject): MaybePromise<KubeObject[]> {
  // Node events live in `default`, as kubelet and the node controllers record them.
  const ns = obj.metadata.namespace ?? 'default';
  const uid = obj.metadata.uid;
  return reads.lookup(resourceByKind('', 'Event'), ns, 'involvedObject', uid ?? '');
}

const podsOnNode = (reads: RelationReads, node: KubeObject): MaybePromise<KubeObject[]> =>
  reads.lookup(resourceByKind('', 'Pod'), undefined, 'nodeName', node.metadata.name ?? '');

function podSelector(obj: KubeObject): ReturnType<typeof labelSelectorFromObject> {
  const spec = (obj as { spec?: { selector?: LabelSelectorObject } }).spec;
  return labelSelectorFromObject(spec?.selector);
}

async function podsOfWorkload(reads: RelationReads, workload: KubeObject): Promise<KubeObject[]> {
  if (workload.kind === 'Deployment') {
    const rss = await ownedBy(reads, resourceByKind('apps', 'ReplicaSet'), workload.metadata.namespace, new Set([workload.metadata.uid!]));
    return ownedBy(reads, resourceByKind('', 'Pod'), workload.metadata.namespace, new Set(rss.map((r) => r.metadata.uid!)));
  }
  if (workload.metadata.uid) {
    const owned = await ownedBy(reads, resourceByKind('', 'Pod'), workload.metadata.namespace, new Set([workload.metadata.uid]));
    if (owned.length > 0) return owned;
  }
  const sel = podSelector(workload);
  const pods = await reads.list(resourceByKind('', 'Pod'), workload.metadata.namespace);
  return pods.filter((p) => matchesLabels(sel, p.metadata.labels));
}

/** What a node's pods request against what it can give, as `kubectl describe node` sums it. */
export function allocatedResources(node: KubeObject, pods: KubeObject[]): Record<string, { requested: string; allocatable: string; fraction: number }> {
  const allocatable = ((node as { status?: { allocatable?: Record<string, string> } }).status?.allocatable ?? {}) as Record<string, string>;
  const running = pods.filter((p) => {
    const phase = (p as { status?: { phase?: string } }).status?.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
  const sum = (resource: string): number => {
    let total = 0;
    for (const p of running) {
      const containers = (p as { spec?: { containers?: Array<{ resources?: { requests?: Record<string, string> } }> } }).spec?.containers ?? [];
      for (const c of containers) {
        const q = c.resources?.requests?.[resource];
        if (q !== undefined) total += quantityValue(q);
      }
    }
    return total;
  };
  const out: Record<string, { requested: string; allocatable: string; fraction: number }> = {};
  for (const resource of ['cpu', 'memory']) {
    const cap = allocatable[resource] !== undefined ? quantityValue(allocatable[resource]!) : 0;
    const used = sum(resource);
    out[resource] = {
      requested: resource === 'cpu' ? `${Math.round(used * 1000)}m` : `${Math.round(used / 1024 / 1024)}Mi`,
      allocatable: allocatable[resource] ?? '0',
      fraction: cap > 0 ? Math.round((used / cap) * 1000) / 1000 : 0,
    };
  }
  const podCap = allocatable.pods !== undefined ? quantityValue(allocatable.pods) : 0;
  out.pods = { requested: String(running.length), allocatable: allocatable.pods ?? '0', fraction: podCap > 0 ? Math.round((running.length / podCap) * 1000) / 1000 : 0 };
  return out;
}

function quantityValue(q: string): number {
  try {
    return Number(parseQuantity(q));
  } catch {
    return 0;
  }
}

/** The DNS names a Service answers to (cluster domain cluster.local), as CoreDNS serves them. */
export function serviceDnsNames(svc: KubeObject, domain = 'cluster.local'): string[] {
  const name = svc.metadata.name!;
  const ns = svc.metadata.namespace!;
  const spec = (svc as { spec?: { ports?: Array<{ name?: string; protocol?: string }> } }).spec;
  const names = [`${name}.${ns}.svc.${domain}`];
  for (const p of spec?.ports ?? []) {
    if (p.name) names.push(`_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${name}.${ns}.svc.${domain}`);
  }
  return names;
}

/**
 * The lists a relation field of a kind reads for one parent. A list relation (Deployment
 * → pods) reads these for all its children at once before answering them, so that each
 * child's own relations (pod → node, pod → events) find their lists already read and
 * resolve without a promise: 1,000 pods then cost 1,000 lookups, not 2,000 awaits.
 */
type Needs = (o: KubeObject) => [ResourceType, string | undefined] | undefined;
const eventsOf: Needs = (o) => [resourceByKind('', 'Event'), o.metadata.namespace ?? 'default'];
const podsOf: Needs = (o) => [resourceByKind('', 'Pod'), o.metadata.namespace];
const PREFETCH: Record<string, Record<string, Needs>> = {
  '/Pod': {
    node: () => [resourceByKind('', 'Node'), undefined],
    events: eventsOf,
    services: (o) => [resourceByKind('', 'Service'), o.metadata.namespace],
  },
  '/Node': {
    pods: () => [resourceByKind('', 'Pod'), undefined],
    allocated: () => [resourceByKind('', 'Pod'), undefined],
    lease: () => [resourceByKind('coordination.k8s.io', 'Lease'), 'kube-node-lease'],
    events: eventsOf,
  },
  'apps/ReplicaSet': { pods: podsOf, events: eventsOf },
  'apps/Deployment': { events: eventsOf },
  '/Service': { events: eventsOf },
  'autoscaling/HorizontalPodAutoscaler': { events: eventsOf },
};

/** The field names selected on a list's items (inline fragments included). */
function selectedFields(info: GraphQLResolveInfo | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) out.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
    }
  };
  for (const node of (info?.fieldNodes ?? []) as FieldNode[]) walk(node.selectionSet);
  return out;
}

function prefetch(reads: RelationReads, rt: ResourceType, items: KubeObject[], info: GraphQLResolveInfo | undefined): MaybePromise<KubeObject[]> {
  const needs = PREFETCH[`${rt.group}/${rt.kind}`];
  if (!needs || items.length === 0) return items;
  const pending: Promise<unknown>[] = [];
  const seen = new Map<ResourceType, Set<string | undefined>>();
  for (const field of selectedFields(info)) {
    const need = needs[field];
    if (!need) continue;
    for (const o of items) {
      const read = need(o);
      if (!read) continue;
      let namespaces = seen.get(read[0]);
      if (!namespaces) seen.set(read[0], (namespaces = new Set()));
      if (namespaces.has(read[1])) continue;
      namespaces.add(read[1]);
      const got = reads.prepare(read[0], read[1]);
      if (got instanceof Promise) pending.push(got);
    }
  }
  return pending.length === 0 ? items : Promise.all(pending).then(() => items, () => items);
}

/**
 * The relation fields of one kind (empty for kinds without special relations, apart from
 * the generic owner walk every kind has).
 */
export function relationFields(rt: ResourceType, types: RelationTypes, opts: { events?: boolean } = {}): GraphQLFieldConfigMap<KubeObject, Ctx> {
  const t = (group: string, kind: string): GraphQLOutputType => {
    const type = types.typeOf(group, kind);
    if (!type) throw new Error(`no GraphQL type for ${group}/${kind}`);
    return type;
  };
  // Nullable: a relation the caller may not read (RBAC) is null with an error, and the rest of the answer stands.
  const list = (group: string, kind: string): GraphQLOutputType => new GraphQLList(new GraphQLNonNull(t(group, kind)));
  const many = (group: string, kind: string, description: string, fn: (obj: KubeObject, reads: RelationReads) => MaybePromise<KubeObject[]>) => {
    const target = resourceByKind(group, kind);
    return {
      type: list(group, kind),
      description,
      args: listArgs,
      resolve: ((obj, args, ctx, info) => {
        const reads = ctx.kube.reads();
        return andThen(fn(obj, reads), (items) => prefetch(reads, target, select(target, items, args), info));
      }) as Resolver,
    };
  };
  const one = (group: string, kind: string, description: string, fn: (obj: KubeObject, reads: RelationReads) => MaybePromise<KubeObject | undefined>) => ({
    type: t(group, kind),
    description,
    resolve: ((obj, _args, ctx) => fn(obj, ctx.kube.reads())) as Resolver,
  });
  const any = types.anyObject;
  const events = many('', 'Event', 'Events about this object, newest first.', (o, r) => eventsAbout(r, o));

  const fields: GraphQLFieldConfigMap<KubeObject, Ctx> = {
    owner: {
      type: any,
      description: 'The controller among ownerReferences (the object that manages this one), if it still exists.',
      resolve: ((obj, _a, ctx) => {
        const ref = controllerOf(obj);
        return ref ? resolveRef(ctx.kube.reads(), ref, obj.metadata.namespace) : null;
      }) as Resolver,
    },
    owners: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(any))),
      description: 'Every object in ownerReferences that still exists.',
      resolve: (async (obj, _a, ctx) => {
        const found = await Promise.all((obj.metadata.ownerReferences ?? []).map((ref) => resolveRef(ctx.kube.reads(), ref, obj.metadata.namespace)));
        return found.filter((o) => o !== undefined);
      }) as Resolver,
    },
  };

  // Kinds a generic walk reads: those with a GraphQL type that can be listed. Kinds the
  // caller may not list are left out of the walk rather than failing it.
  const walkable = (namespaced: boolean | undefined): ResourceType[] =>
    resources.filter((r) => r.verbs.includes('list') && types.typeOf(r.group, r.kind) && (namespaced === undefined || r.namespaced === namespaced));
  const readable = async (reads: RelationReads, kinds: ResourceType[], ns: string | undefined): Promise<Array<[ResourceType, KubeObject[]]>> => {
    const settled = await Promise.allSettled(kinds.map(async (k) => [k, await reads.list(k, ns)] as [ResourceType, KubeObject[]]));
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  };
  fields.dependents = {
    type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(any))),
    description:
      "Objects whose ownerReferences name this one (what the garbage collector deletes with it): in its namespace, or anywhere for a cluster-scoped object; kinds the caller may not list are left out.",
    resolve: (async (obj, _a, ctx) => {
      const uid = obj.metadata.uid;
      if (!uid) return [];
      const ns = obj.metadata.namespace;
      const lists = await readable(ctx.kube.reads(), walkable(ns ? true : undefined), ns);
      return lists.flatMap(([, items]) => items.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid)));
    }) as Resolver,
  };

  switch (`${rt.group}/${rt.kind}`) {
    case '/Namespace':
      fields.objects = {
        type: GraphQLJSON,
        description: 'How many objects of each namespaced kind the namespace holds, by kind (kinds the caller may not list are left out).',
        resolve: (async (obj, _a, ctx) => {
          const lists = await readable(ctx.kube.reads(), walkable(true), obj.metadata.name);
          const counts: Record<string, number> = {};
          for (const [k, items] of lists) if (items.length > 0) counts[k.group ? `${k.kind}.${k.group}` : k.kind] = items.length;
          return counts;
        }) as Resolver,
      };
      break;
    case 'apps/Deployment':
      Object.assign(fields, {
        replicaSets: many('apps', 'ReplicaSet', 'The ReplicaSets this Deployment controls (old and new).', (o, r) =>
          ownedBy(r, resourceByKind('apps', 'ReplicaSet'), o.metadata.namespace, new Set([o.metadata.uid!])),
        ),
        pods: many('', 'Pod', "The pods of this Deployment's ReplicaSets.", (o, r) => podsOfWorkload(r, o)),
        events,
        hpa: many('autoscaling', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscalers that scale this Deployment.', (o, r) =>
          r.lookup(resourceByKind('autoscaling', 'HorizontalPodAutoscaler'), o.metadata.namespace, 'scaleTarget', `Deployment/${o.metadata.name}`),
        ),
      });
      break;
    case 'apps/ReplicaSet':
      Object.assign(fields, {
        pods: many('', 'Pod', 'The pods this ReplicaSet controls.', (o, r) => podsOfWorkload(r, o)),
        events,
      });
      break;
    case '/Pod':
      Object.assign(fields, {
        metrics: {
          type: GraphQLJSON,
          description: "The pod's usage from metrics.k8s.io (timestamp, window, containers [{ name, usage }]), as `kubectl top pod` reads it; null without a metrics server.",
          resolve: (async (obj, _a, ctx) => (await ctx.kube.reads().metrics('pods', obj.metadata.namespace ?? 'default')).get(obj.metadata.name ?? '') ?? null) as Resolver,
        },
        node: one('', 'Node', 'The node the pod is bound to.', (o, r) => {
          const name = (o as { spec?: { nodeName?: string } }).spec?.nodeName;
          return name ? r.get(resourceByKind('', 'Node'), undefined, name) : undefined;
        }),
        events,
        logs: {
          type: GraphQLString,
          description: "A container's log, as `kubectl logs` reads it (the only container unless `container` is given); at most 1 MiB.",
          args: { container: { type: GraphQLString }, tailLines: { type: GraphQLInt }, limitBytes: { type: GraphQLInt }, previous: { type: GraphQLBoolean } },
          resolve: ((obj, args, ctx) =>
            ctx.kube.reads().podLog(obj.metadata.namespace ?? 'default', obj.metadata.name!, {
              ...(args.container ? { container: args.container } : {}),
              ...(args.tailLines != null ? { tailLines: args.tailLines } : {}),
              ...(args.limitBytes != null ? { limitBytes: args.limitBytes } : {}),
              ...(args.previous ? { previous: true } : {}),
            })) as Resolver,
        },
        services: many('', 'Service', "Services of the pod's namespace whose selector matches its labels.", async (o, r) => {
          const svcs = await r.list(resourceByKind('', 'Service'), o.metadata.namespace);
          return svcs.filter((s) => {
            const sel = (s as { spec?: { selector?: Record<string, string> } }).spec?.selector;
            return sel !== undefined && Object.keys(sel).length > 0 && matchesLabels(selectorFromSet(sel), o.metadata.labels);
          });
        }),
      });
      break;
    case '/Node':
      Object.assign(fields, {
        metrics: {
          type: GraphQLJSON,
          description: "The node's usage from metrics.k8s.io (timestamp, window, usage { cpu, memory }), as `kubectl top node` reads it; null without a metrics server.",
          resolve: (async (obj, _a, ctx) => (await ctx.kube.reads().metrics('nodes')).get(obj.metadata.name ?? '') ?? null) as Resolver,
        },
        pods: many('', 'Pod', 'Pods bound to this node, all namespaces.', (o, r) => podsOnNode(r, o)),
        lease: one('coordination.k8s.io', 'Lease', "The node's heartbeat Lease in kube-node-lease.", (o, r) =>
          r.get(resourceByKind('coordination.k8s.io', 'Lease'), 'kube-node-lease', o.metadata.name!),
        ),
        events,
        allocated: {
          type: GraphQLJSON,
          description: 'Requests of the pods on the node against its allocatable cpu, memory and pods, as `kubectl describe node` sums them.',
          resolve: (async (o, _a, ctx) => {
            return allocatedResources(o, await podsOnNode(ctx.kube.reads(), o));
          }) as Resolver,
        },
      });
      break;
    case '/Service':
      Object.assign(fields, {
        endpoints: one('', 'Endpoints', "The Service's Endpoints object.", (o, r) => r.get(resourceByKind('', 'Endpoints'), o.metadata.namespace, o.metadata.name!)),
        endpointSlices: many('discovery.k8s.io', 'EndpointSlice', "The Service's EndpointSlices.", (o, r) =>
          r.lookup(resourceByKind('discovery.k8s.io', 'EndpointSlice'), o.metadata.namespace, 'service', o.metadata.name ?? ''),
        ),
        pods: many('', 'Pod', "Pods the Service's selector matches.", async (o, r) => {
          const sel = (o as { spec?: { selector?: Record<string, string> } }).spec?.selector;
          if (sel === undefined || Object.keys(sel).length === 0) return [];
          return (await r.list(resourceByKind('', 'Pod'), o.metadata.namespace)).filter((p) => matchesLabels(selectorFromSet(sel), p.metadata.labels));
        }),
        dnsNames: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))),
          description: 'The names cluster DNS answers for this Service (A and SRV).',
          resolve: ((o) => serviceDnsNames(o)) as Resolver,
        },
        events,
      });
      break;
    case 'autoscaling/HorizontalPodAutoscaler':
      Object.assign(fields, {
        scaleTarget: {
          type: any,
          description: 'The object scaleTargetRef names.',
          resolve: (async (o, _a, ctx) => {
            const ref = (o as { spec?: { scaleTargetRef?: { apiVersion?: string; kind: string; name: string } } }).spec?.scaleTargetRef;
            if (!ref) return null;
            const target = findResourceByKind(groupOf(ref.apiVersion ?? ''), ref.kind);
            return target ? ((await ctx.kube.reads().get(target, o.metadata.namespace, ref.name)) ?? null) : null;
          }) as Resolver,
        },
        pods: many('', 'Pod', "The pods of the scale target (by its selector).", async (o, r) => {
          const ref = (o as { spec?: { scaleTargetRef?: { apiVersion?: string; kind: string; name: string } } }).spec?.scaleTargetRef;
          const target = ref && findResourceByKind(groupOf(ref.apiVersion ?? ''), ref.kind);
          const workload = target ? await r.get(target, o.metadata.namespace, ref.name) : undefined;
          return workload ? podsOfWorkload(r, workload) : [];
        }),
        events,
      });
      break;
    case '/Event': {
      const involved = (o: KubeObject): EventReference | undefined => (o as { involvedObject?: EventReference }).involvedObject;
      fields.involvedObject = {
        type: involvedObjectType(any),
        description: 'The object this event is about: its reference (kind, namespace, name, uid, …) and, under `object`, the object itself.',
        resolve: ((o) => involved(o) ?? null) as Resolver,
      };
      fields.involved = {
        type: any,
        description: 'The object the event is about, if it still exists.',
        deprecationReason: 'Use `involvedObject { object }`.',
        resolve: ((o, _a, ctx) => {
          const ref = involved(o);
          return ref ? referencedObject(ctx.kube.reads(), ref) : null;
        }) as Resolver,
      };
      break;
    }
  }
  // Custom kinds (CRDs) have the generic events relation too.
  if (opts.events && !fields.events) fields.events = events;
  return fields;
}

/** An event's involvedObject as stored (core/v1 ObjectReference). */
interface EventReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
}

/** The object a reference names, if it still exists with the reference's uid. */
function referencedObject(reads: RelationReads, ref: EventReference): MaybePromise<KubeObject | null> {
  if (!ref.kind || !ref.name) return null;
  const target = findResourceByKind(groupOf(ref.apiVersion ?? 'v1'), ref.kind);
  if (!target) return null;
  return andThen(reads.get(target, ref.namespace, ref.name), (found) => (found && (!ref.uid || found.metadata.uid === ref.uid) ? found : null));
}

/**
 * `Event.involvedObject`: the reference fields kube stores (as ObjectReference has them,
 * so `involvedObject { kind name }` reads as before) plus the relation `object`.
 */
function involvedObjectType(any: GraphQLUnionType): GraphQLObjectType {
  const str = { type: GraphQLString };
  return new GraphQLObjectType({
    name: 'InvolvedObjectReference',
    description: "The object an event is about (core/v1 ObjectReference), with the object itself under `object`.",
    fields: {
      kind: str,
      namespace: str,
      name: str,
      uid: str,
      apiVersion: str,
      resourceVersion: str,
      fieldPath: str,
      object: {
        type: any,
        description: 'The object the reference names, if it still exists (same uid) and the caller may list its kind; null otherwise.',
        resolve: ((ref: EventReference, _a: unknown, ctx: Ctx) => referencedObject(ctx.kube.reads(), ref)) as never,
      },
    },
  });
}

/** `AnyObject`: any kind's object, for relations whose target kind varies (owners, scale targets). */
export function anyObjectUnion(kindTypes: () => Array<{ rt: ResourceType; type: GraphQLObjectType }>): GraphQLUnionType {
  return new GraphQLUnionType({
    name: 'AnyObject',
    description: 'An object of any kind; select its fields with `... on Kind { }`.',
    types: () => kindTypes().map((k) => k.type),
    resolveType: (value: unknown) => {
      const obj = value as KubeObject;
      const group = groupOf(obj.apiVersion ?? '');
      return kindTypes().find((k) => k.rt.group === group && k.rt.kind === obj.kind)?.type.name;
    },
  });
}
