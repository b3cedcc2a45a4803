import type { Node } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import type { Endpoint, EndpointPort, EndpointSlice } from '../../api/discovery/endpointslice.js';
import { clone } from '../../client/store.js';
import { shouldPodBeInEndpoints } from '../endpoints/pod-endpoint-util.js';
import { formatRFC3339Nano, LAST_CHANGE_TRIGGER_TIME_ANNOTATION } from '../endpoints/trigger-time-tracker.js';
import { endpointKey, endpointPortsFor, endpointsEqual, podToEndpoint, portMapKey, type AddressType } from './slice-endpoint.js';
import { addressTypesForService, isSamePlaceholder, newEndpointSlice, ownedBy, sliceLabels } from './slice-meta.js';

/**
 * kube's EndpointSlice reconciler as a pure planner: from a Service, the pods its selector
 * matches and the slices it already has, which slices to create, update and delete.
 *
 * - Pods (terminating ones included) are grouped by the set of ports they offer; each
 *   group fills slices of at most maxEndpointsPerSlice endpoints, per address type.
 * - Minimal churn: endpoints stay in the slice that holds them; a slice is rewritten only
 *   when one of its endpoints changed or left (or its labels drifted); new endpoints fill
 *   the slices being rewritten anyway, fullest first, then the unchanged slice they fit
 *   best, and only then new slices. A slice left empty is deleted — or reused in place of
 *   a slice about to be created.
 * - A Service with no endpoints keeps one placeholder slice (no ports, no endpoints).
 * - Slices of address types the Service no longer has, or not owned by this Service
 *   (a previous Service of the same name), are deleted.
 * - A pod on a node the cache does not know is left out and reported in `errors` (the
 *   caller retries), unless publishNotReadyAddresses.
 * Creates and updates carry the last-change-trigger-time annotation (or lose it).
 */

export interface SliceReconcileInput {
  service: Service;
  pods: readonly Pod[];
  /** The Service's slices managed by this controller, not pending deletion. */
  existing: readonly EndpointSlice[];
  node(name: string): Node | undefined;
  maxEndpointsPerSlice: number;
  triggerTime: number | undefined;
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  errors: string[];
}

interface PortGroup {
  ports: EndpointPort[];
  desired: Map<string, Endpoint>;
}

export function planSlices(input: SliceReconcileInput): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], errors: [] };
  const types = addressTypesForService(input.service);
  const byType = new Map<string, EndpointSlice[]>();
  for (const s of input.existing) {
    if (!types.includes(s.addressType as AddressType)) plan.delete.push(s);
    else byType.set(s.addressType!, [...(byType.get(s.addressType!) ?? []), s]);
  }
  for (const t of types) {
    const p = planAddressType(input, t, byType.get(t) ?? []);
    plan.create.push(...p.create);
    plan.update.push(...p.update);
    plan.delete.push(...p.delete);
    plan.errors.push(...p.errors);
  }
  return plan;
}

function planAddressType(input: SliceReconcileInput, addressType: AddressType, existing: readonly EndpointSlice[]): SlicePlan {
  const { service: svc } = input;
  const errors: string[] = [];
  let toCreate: EndpointSlice[] = [];
  const toUpdate: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    if (!ownedBy(s, svc)) {
      toDelete.push(s);
      continue;
    }
    const k = portMapKey(s.ports);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }

  const groups = new Map<string, PortGroup>();
  for (const pod of input.pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPortsFor(svc, pod);
    const k = portMapKey(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, desired: new Map() }));
    const nodeName = pod.spec?.nodeName ?? '';
    const node = input.node(nodeName);
    if (!node && svc.spec?.publishNotReadyAddresses !== true) {
      errors.push(`skipping Pod ${pod.metadata.name} for Service ${svc.metadata.namespace}/${svc.metadata.name}: Node ${nodeName} Not Found`);
      continue;
    }
    const ep = podToEndpoint(pod, node, svc, addressType);
    if ((ep.addresses ?? []).length > 0) g.desired.set(endpointKey(ep), ep);
  }

  for (const [k, g] of groups) {
    const r = planPortGroup(svc, existingByPorts.get(k) ?? [], g, addressType, input.maxEndpointsPerSlice);
    toCreate.push(...r.create);
    toUpdate.push(...r.update);
    toDelete.push(...r.delete);
  }
  for (const [k, slices] of existingByPorts) if (!groups.has(k)) toDelete.push(...slices);

  // No endpoints at all: keep (or make) one placeholder slice.
  if (existing.length === toDelete.length && toCreate.length === 0) {
    const placeholder = newEndpointSlice(svc, [], addressType);
    if (toDelete.length === 1 && isSamePlaceholder(toDelete[0]!, placeholder)) toDelete.length = 0;
    else toCreate.push(placeholder);
  }

  // Rather than create one slice and delete another, rewrite the one to be deleted.
  for (let i = 0; i < toDelete.length && toCreate.length > 0; ) {
    const victim = toDelete[i]!;
    if (victim.addressType === addressType && ownedBy(victim, svc)) {
      const slice = toCreate.pop()!;
      slice.metadata.name = victim.metadata.name;
      delete slice.metadata.generateName;
      slice.metadata.resourceVersion = victim.metadata.resourceVersion;
      slice.metadata.uid = victim.metadata.uid;
      toUpdate.push(slice);
      toDelete.splice(i, 1);
    } else {
      i++;
    }
  }
  toCreate = toCreate.map((s) => withTriggerTime(s, input.triggerTime));
  return { create: toCreate, update: toUpdate.map((s) => withTriggerTime(s, input.triggerTime)), delete: toDelete, errors };
}

function withTriggerTime(slice: EndpointSlice, triggerTime: number | undefined): EndpointSlice {
  const annotations = { ...(slice.metadata.annotations ?? {}) };
  if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = formatRFC3339Nano(triggerTime);
  else delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  slice.metadata.annotations = annotations;
  return slice;
}

/** reconcileByPortMapping: one port set's slices against its desired endpoints. */
function planPortGroup(svc: Service, existing: readonly EndpointSlice[], group: PortGroup, addressType: AddressType, max: number) {
  const desired = new Map(group.desired);
  const byName = new Map<string, EndpointSlice>();
  const unchanged: string[] = [];
  const toUpdate: string[] = [];
  const toDelete: string[] = [];

  // 1. Keep the endpoints still wanted where they are; note slices that must change.
  for (const s of existing) {
    const name = s.metadata.name!;
    byName.set(name, s);
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of s.endpoints ?? []) {
      const k = endpointKey(ep);
      const want = desired.get(k);
      if (!want) continue;
      kept.push(clone(want));
      if (!endpointsEqual(want, ep)) changed = true;
      desired.delete(k);
    }
    const { labels, changed: labelsChanged } = sliceLabels(s.metadata.labels, svc);
    if (changed || kept.length !== (s.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.push(name);
      else {
        const copy = clone(s);
        copy.endpoints = kept;
        copy.metadata.labels = labels;
        byName.set(name, copy);
        toUpdate.push(name);
      }
    } else if (labelsChanged) {
      const copy = clone(s);
      copy.metadata.labels = labels;
      byName.set(name, copy);
      toUpdate.push(name);
    } else {
      unchanged.push(name);
    }
  }

  const pop = (): Endpoint => {
    const [k, ep] = desired.entries().next().value as [string, Endpoint];
    desired.delete(k);
    return ep;
  };
  const fill = (slice: EndpointSlice): void => {
    const eps = (slice.endpoints ??= []);
    while (desired.size > 0 && eps.length < max) eps.push(pop());
  };

  // 2. Top up the slices being rewritten anyway, fullest first.
  if (desired.size > 0) {
    const slices = toUpdate.map((n) => byName.get(n)!).sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
    for (const s of slices) fill(s);
  }

  // 3. The rest: into the unchanged slice they fit best, else new slices.
  const create: EndpointSlice[] = [];
  while (desired.size > 0) {
    let target: EndpointSlice | undefined;
    if (desired.size < max && unchanged.length > 0) {
      const best = sliceToFill(unchanged.map((n) => byName.get(n)!), desired.size, max);
      if (best) {
        target = clone(best);
        byName.set(target.metadata.name!, target);
        unchanged.splice(unchanged.indexOf(target.metadata.name!), 1);
        toUpdate.push(target.metadata.name!);
      }
    }
    if (!target) {
      target = newEndpointSlice(svc, group.ports, addressType);
      create.push(target);
    }
    fill(target);
  }
  return { create, update: toUpdate.map((n) => byName.get(n)!), delete: toDelete.map((n) => byName.get(n)!) };
}

/** getSliceToFill: the slice closest to full once n endpoints are added, if any fits. */
function sliceToFill(slices: EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  let bestDiff = max;
  for (const s of slices) {
    const diff = max - (n + (s.endpoints?.length ?? 0));
    if (diff >= 0 && diff < bestDiff) {
      bestDiff = diff;
      best = s;
      if (diff === 0) break;
    }
  }
  return best;
}
