import type { KubeObject, ResourceType } from '../types.js';
import { parseQuantityOr } from '../quantity.js';
import type { ResourceQuota } from './resource-quota.js';

/**
 * kube's quota evaluators (pkg/quota/v1/evaluator/core) as pure functions, shared by the
 * ResourceQuota admission plugin and the resourcequota controller: what one object uses
 * of each quota resource, and whether a quota's scopes select it. Values are plain
 * numbers in base units (cores, bytes, objects).
 */

export type Usage = Record<string, number>;

interface ContainerLike {
  name: string;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}
interface PodLike {
  metadata: KubeObject['metadata'];
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[]; activeDeadlineSeconds?: number; priorityClassName?: string; overhead?: Record<string, string | number> };
  status?: { phase?: string };
}

/** The group-qualified resource name used by `count/<resource>.<group>`. */
export function countName(rt: Pick<ResourceType, 'group' | 'plural'>): string {
  return rt.group === '' ? `count/${rt.plural}` : `count/${rt.plural}.${rt.group}`;
}

/** Core kinds whose quota has a legacy bare name (`pods`, `services`, ...). */
const LEGACY_COUNT: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

/** A container-level sum of requests (or limits), with init containers taking the max, as PodRequests does. */
function podResources(pod: PodLike, which: 'requests' | 'limits'): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) sum[k] = (sum[k] ?? 0) + parseQuantityOr(v);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) sum[k] = Math.max(sum[k] ?? 0, parseQuantityOr(v));
  }
  for (const [k, v] of Object.entries(pod.spec?.overhead ?? {})) if (k in sum || which === 'requests') sum[k] = (sum[k] ?? 0) + parseQuantityOr(v);
  return sum;
}

/** A pod in a terminal phase uses no quota (kube's QuotaV1Pod). */
export function podCountsForQuota(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export function isBestEffort(pod: PodLike): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return all.every((c) => Object.keys(c.resources?.requests ?? {}).length === 0 && Object.keys(c.resources?.limits ?? {}).length === 0);
}

function podUsage(pod: PodLike): Usage {
  if (!podCountsForQuota(pod)) return {};
  const usage: Usage = { pods: 1, 'count/pods': 1 };
  const requests = podResources(pod, 'requests');
  const limits = podResources(pod, 'limits');
  for (const [k, v] of Object.entries(requests)) {
    usage[`requests.${k}`] = v;
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') usage[k] = v;
  }
  for (const [k, v] of Object.entries(limits)) usage[`limits.${k}`] = v;
  return usage;
}

function serviceUsage(svc: KubeObject): Usage {
  const spec = (svc.spec ?? {}) as { type?: string; ports?: Array<{ nodePort?: number }> };
  const usage: Usage = { services: 1, 'count/services': 1 };
  if (spec.type === 'LoadBalancer') usage['services.loadbalancers'] = 1;
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') usage['services.nodeports'] = (spec.ports ?? []).length;
  return usage;
}

function claimUsage(pvc: KubeObject): Usage {
  const spec = (pvc.spec ?? {}) as { storageClassName?: string; resources?: { requests?: Record<string, string | number> } };
  const storage = parseQuantityOr(spec.resources?.requests?.storage);
  const usage: Usage = { persistentvolumeclaims: 1, 'count/persistentvolumeclaims': 1, 'requests.storage': storage };
  if (spec.storageClassName) {
    usage[`${spec.storageClassName}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
    usage[`${spec.storageClassName}.storageclass.storage.k8s.io/requests.storage`] = storage;
  }
  return usage;
}

/** What one object of kind rt uses. */
export function objectUsage(rt: Pick<ResourceType, 'group' | 'plural'>, obj: KubeObject): Usage {
  if (rt.group === '') {
    if (rt.plural === 'pods') return podUsage(obj as PodLike);
    if (rt.plural === 'services') return serviceUsage(obj);
    if (rt.plural === 'persistentvolumeclaims') return claimUsage(obj);
    const legacy = LEGACY_COUNT[rt.plural];
    if (legacy) return { [legacy]: 1, [countName(rt)]: 1 };
  }
  return { [countName(rt)]: 1 };
}

/** Quota resource names that concern kind rt (so a quota with none of them ignores it). */
export function concernsKind(rt: Pick<ResourceType, 'group' | 'plural'>, name: string): boolean {
  if (name === countName(rt)) return true;
  if (rt.group !== '') return false;
  switch (rt.plural) {
    case 'pods':
      return name === 'pods' || name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('requests.') && name !== 'requests.storage' || name.startsWith('limits.');
    case 'services':
      return name === 'services' || name === 'services.loadbalancers' || name === 'services.nodeports';
    case 'persistentvolumeclaims':
      return name === 'persistentvolumeclaims' || name === 'requests.storage' || name.includes('.storageclass.storage.k8s.io/');
    default:
      return LEGACY_COUNT[rt.plural] === name;
  }
}

/** Scopes apply to pods only; a scoped quota ignores other kinds' objects (but count/ names). */
const POD_COMPUTE = (name: string) => name !== 'pods' && name !== 'count/pods';

/** Whether the quota's scopes (and scopeSelector) select the object (kube's Matches). */
export function quotaSelects(rq: ResourceQuota, rt: Pick<ResourceType, 'group' | 'plural'>, obj: KubeObject): boolean {
  const selectors: Array<{ scopeName: string; operator: string; values?: string[] }> = [
    ...(rq.spec?.scopes ?? []).map((s) => ({ scopeName: s, operator: 'Exists' })),
    ...(rq.spec?.scopeSelector?.matchExpressions ?? []),
  ];
  if (selectors.length === 0) return true;
  if (!(rt.group === '' && rt.plural === 'pods')) return false;
  const pod = obj as PodLike;
  return selectors.every((s) => {
    switch (s.scopeName) {
      case 'Terminating':
        return pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
      case 'NotTerminating':
        return pod.spec?.activeDeadlineSeconds === undefined || pod.spec.activeDeadlineSeconds < 0;
      case 'BestEffort':
        return isBestEffort(pod);
      case 'NotBestEffort':
        return !isBestEffort(pod);
      case 'PriorityClass': {
        const pc = pod.spec?.priorityClassName ?? '';
        if (s.operator === 'Exists') return pc !== '';
        if (s.operator === 'DoesNotExist') return pc === '';
        if (s.operator === 'In') return (s.values ?? []).includes(pc);
        if (s.operator === 'NotIn') return !(s.values ?? []).includes(pc);
        return false;
      }
      default:
        return false;
    }
  });
}

/** BestEffort-scoped quotas track only pod counts (kube rejects compute resources there). */
export function trackedByScopes(rq: ResourceQuota, name: string): boolean {
  const scopes = [...(rq.spec?.scopes ?? []), ...(rq.spec?.scopeSelector?.matchExpressions ?? []).map((e) => e.scopeName)];
  if (scopes.includes('BestEffort')) return !POD_COMPUTE(name);
  return true;
}

/**
 * kube's pod evaluator Constraints: a quota on cpu or memory (requests or limits) makes
 * every container state that resource. Returns the "must specify" detail or undefined.
 */
export function podConstraintViolation(pod: KubeObject, hardNames: readonly string[]): string | undefined {
  const p = pod as PodLike;
  const missing = new Map<string, Set<string>>();
  const needs = (name: string): { which: 'requests' | 'limits'; res: string } | undefined => {
    if (name === 'cpu' || name === 'memory') return { which: 'requests', res: name };
    if (name === 'requests.cpu' || name === 'requests.memory') return { which: 'requests', res: name.slice('requests.'.length) };
    if (name === 'limits.cpu' || name === 'limits.memory') return { which: 'limits', res: name.slice('limits.'.length) };
    return undefined;
  };
  for (const name of hardNames) {
    const need = needs(name);
    if (!need) continue;
    for (const c of [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])]) {
      if (c.resources?.[need.which]?.[need.res] === undefined) {
        let set = missing.get(name);
        if (!set) missing.set(name, (set = new Set()));
        set.add(c.name);
      }
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((k) => `${k} for: ${[...missing.get(k)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}
