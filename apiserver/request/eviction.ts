import type { KubeObject } from '../../api/types.js';
import type { Registries } from '../registry/registries.js';
import type { Clock } from '../../lib/clock.js';
import type { DeleteOptions } from '../registry/generic-registry.js';
import { ApiError, badRequest, internal } from '../errors.js';
import { labelSelectorFromObject, matchesLabels } from '../../api/selector.js';
import { formatTime } from '../registry/object-meta.js';
import { admitSubresource, EVICTION_KIND, type SubresourceAdmission } from '../admission/subresource-admission.js';

interface EvictionBody {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptions & { kind?: string };
}

interface PdbLike extends KubeObject {
  spec?: { selector?: unknown };
  status?: {
    observedGeneration?: number;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    disruptedPods?: Record<string, string>;
  };
}

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

/**
 * POST pods/<name>/eviction (policy/v1 Eviction): deletes the pod unless a
 * PodDisruptionBudget forbids it (429 TooManyRequests, as kube-apiserver answers, so
 * `kubectl drain` retries). The budget's disruptionsAllowed is taken down by one and the
 * pod recorded in disruptedPods, as the eviction REST does.
 */
export async function evictPod(registries: Registries, namespace: string, name: string, raw: unknown, dryRun: boolean, clock: Clock, admission?: SubresourceAdmission): Promise<void> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Eviction in version "v1" cannot be handled as a Eviction: the object provided is not a JSON object');
  const body = raw as EvictionBody;
  if (body.kind !== undefined && body.kind !== 'Eviction') {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (Eviction)`);
  }
  if (body.metadata?.name && body.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const pods = registries.forKind('', 'Pod');
  // Webhooks and policies see the policy/v1 Eviction (CREATE pods/eviction), before the pod is read.
  if (admission) {
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', ...structuredClone(body), metadata: { ...(body.metadata ?? {}), name, namespace } } as KubeObject;
    const admitted = await admitSubresource(admission, { operation: 'CREATE', rt: pods.rt, namespace, name, subresource: 'eviction', kind: EVICTION_KIND, object: eviction, oldObject: null, dryRun });
    if (admitted) body.deleteOptions = (admitted as EvictionBody).deleteOptions;
  }
  const pod = await pods.get(namespace, name);
  const opts: DeleteOptions = {
    gracePeriodSeconds: body.deleteOptions?.gracePeriodSeconds,
    propagationPolicy: body.deleteOptions?.propagationPolicy,
    preconditions: body.deleteOptions?.preconditions,
    dryRun,
  };
  const phase = (pod as { status?: { phase?: string } }).status?.phase;
  // Terminal or already-terminating pods disrupt nothing.
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') {
    await pods.delete(namespace, name, opts);
    return;
  }
  const pdbs = registries.forKind('policy', 'PodDisruptionBudget');
  const { items } = await pdbs.list(namespace);
  const matching = (items as PdbLike[]).filter((pdb) => {
    const reqs = labelSelectorFromObject(pdb.spec?.selector as Parameters<typeof labelSelectorFromObject>[0]);
    // policy/v1: an empty selector matches every pod in the namespace, a null one none.
    return reqs !== 'nothing' && matchesLabels(reqs, pod.metadata.labels ?? {});
  });
  if (matching.length > 1) {
    throw internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  if (matching.length === 1) {
    const pdb = matching[0];
    await pdbs.guaranteedUpdate(
      namespace,
      pdb.metadata.name!,
      (live) => {
        const p = live as PdbLike;
        const status = p.status ?? {};
        if ((status.observedGeneration ?? 0) < (p.metadata.generation ?? 1)) {
          throw tooManyRequests(`The disruption budget ${p.metadata.name} is still being processed by the server.`);
        }
        if ((status.disruptionsAllowed ?? 0) < 1) {
          throw tooManyRequests(
            `The disruption budget ${p.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
          );
        }
        p.status = {
          ...status,
          disruptionsAllowed: (status.disruptionsAllowed ?? 0) - 1,
          disruptedPods: { ...(status.disruptedPods ?? {}), [name]: formatTime(clock.now()) },
        };
        return p;
      },
      { dryRun, subresource: 'status' },
    );
  }
  await pods.delete(namespace, name, opts);
}

function tooManyRequests(cause: string): ApiError {
  return new ApiError(429, 'TooManyRequests', VIOLATION, {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
  });
}
