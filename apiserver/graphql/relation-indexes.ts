import type { KubeObject, OwnerReference, ResourceType } from '../../api/types.js';
import { resourceByKind } from '../../api/registry.js';

/**
 * The kinds relation fields read, and the lookups they make on them. One table serves
 * both ways of answering: the apiserver's watch-fed RelationCache keeps each index up to
 * date as events arrive, and a request that reads storage instead (a query asking for
 * managedFields, a cache that cannot catch up) builds the same index from its one list.
 * So both give the same objects in the same order.
 */

export type KeyOf = (o: KubeObject) => string | undefined;

export interface RelationIndex {
  keyOf: KeyOf;
  /** Order inside one key's group (after storage order, which is kept for ties). */
  order?: (a: KubeObject, b: KubeObject) => number;
}

/** The controller among ownerReferences (the object that manages this one). */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

function lastSeen(e: KubeObject): string {
  const ev = e as { lastTimestamp?: string; eventTime?: string; metadata: { creationTimestamp?: string } };
  return ev.lastTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp ?? '';
}

export const newestFirst = (a: KubeObject, b: KubeObject): number => lastSeen(b).localeCompare(lastSeen(a));

const controllerUid: KeyOf = (o) => controllerOf(o)?.uid;

/** Index names by kind (`group/Kind`). */
export const RELATION_INDEXES: Record<string, Record<string, RelationIndex>> = {
  '/Pod': {
    nodeName: { keyOf: (o) => (o as { spec?: { nodeName?: string } }).spec?.nodeName || undefined },
    controller: { keyOf: controllerUid },
  },
  'apps/ReplicaSet': { controller: { keyOf: controllerUid } },
  '/Event': {
    involvedObject: { keyOf: (o) => (o as { involvedObject?: { uid?: string } }).involvedObject?.uid || undefined, order: newestFirst },
  },
  'discovery.k8s.io/EndpointSlice': { service: { keyOf: (o) => o.metadata.labels?.['kubernetes.io/service-name'] } },
  'autoscaling/HorizontalPodAutoscaler': {
    scaleTarget: {
      keyOf: (o) => {
        const ref = (o as { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }).spec?.scaleTargetRef;
        return ref?.kind && ref.name ? `${ref.kind}/${ref.name}` : undefined;
      },
    },
  },
};

/**
 * Kinds the watch-fed cache holds (started lazily, on a relation's first read of each).
 * Other kinds (the generic owner/dependents walk over every kind) are read from storage
 * once per request.
 */
export const CACHED_KINDS: ResourceType[] = [
  resourceByKind('', 'Pod'),
  resourceByKind('', 'Node'),
  resourceByKind('', 'Event'),
  resourceByKind('', 'Service'),
  resourceByKind('', 'Endpoints'),
  resourceByKind('apps', 'ReplicaSet'),
  resourceByKind('apps', 'Deployment'),
  resourceByKind('discovery.k8s.io', 'EndpointSlice'),
  resourceByKind('autoscaling', 'HorizontalPodAutoscaler'),
  resourceByKind('coordination.k8s.io', 'Lease'),
];

export function indexOf(rt: ResourceType, name: string): RelationIndex {
  const index = RELATION_INDEXES[`${rt.group}/${rt.kind}`]?.[name];
  if (!index) throw new Error(`no relation index ${name} on ${rt.group}/${rt.kind}`);
  return index;
}

/** Storage order: the key after `/registry/<plural>/`, i.e. `namespace/name` or `name`. */
export function objectKey(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? '');
}

/** Compares as the store orders keys (bytewise; names are ASCII). */
export function byKey(a: KubeObject, b: KubeObject): number {
  const x = objectKey(a);
  const y = objectKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
