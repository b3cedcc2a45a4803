import { parseQuantityOr } from '../quantity.js';
import type { PodSpec } from './pod-spec.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const qosResources = ['cpu', 'memory'];

/**
 * The pod's QoS class as Kubernetes computes it (pkg/apis/core/v1/helper/qos): only cpu
 * and memory count; BestEffort with no positive request or limit; Guaranteed when every
 * container limits both and the summed requests equal the summed limits.
 */
export function computeQOSClass(spec: PodSpec): QOSClass {
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  let guaranteed = true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    // A limit without a request counts as the request (SetDefaults_Pod), so the class is
    // right even before defaulting (the apiserver prepares a create before defaults).
    const effectiveRequests = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    for (const [name, q] of Object.entries(effectiveRequests)) {
      if (!qosResources.includes(name)) continue;
      const v = parseQuantityOr(q);
      if (v > 0) requests[name] = (requests[name] ?? 0) + v;
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(c.resources?.limits ?? {})) {
      if (!qosResources.includes(name)) continue;
      const v = parseQuantityOr(q);
      if (v > 0) {
        found.add(name);
        limits[name] = (limits[name] ?? 0) + v;
      }
    }
    if (!qosResources.every((r) => found.has(r))) guaranteed = false;
  }
  const nReq = Object.keys(requests).length;
  const nLim = Object.keys(limits).length;
  if (nReq === 0 && nLim === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of Object.entries(requests)) {
      const lim = limits[name];
      if (lim === undefined || Math.abs(lim - req) > 1e-9 * Math.max(1, lim)) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && nReq === nLim ? 'Guaranteed' : 'Burstable';
}
