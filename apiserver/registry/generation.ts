import type { KubeObject } from '../../api/types.js';
import { deepEqual } from '../../api/validation.js';
import { specPart } from './object-meta.js';

/**
 * Whether an update bumps metadata.generation. Kubernetes bumps it when the desired state
 * changes: the spec for every kind with a generation, and for Deployments also the
 * annotations (deployment strategy PrepareForUpdate): a Deployment's annotations are
 * copied onto its ReplicaSets, so changing them is a change the controller must act on
 * and report through status.observedGeneration.
 */
export function bumpsGeneration(target: { group: string; kind: string }, next: KubeObject, live: KubeObject): boolean {
  if (!deepEqual(specPart(next), specPart(live))) return true;
  if (target.group === 'apps' && target.kind === 'Deployment') {
    return !deepEqual(next.metadata.annotations ?? {}, live.metadata.annotations ?? {});
  }
  return false;
}
