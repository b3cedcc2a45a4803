import type { KubeObject } from '../../api/types.js';
import type { Registry } from '../registry/generic-registry.js';
import { ApiError, badRequest, conflict } from '../errors.js';
import { formatTime } from '../registry/object-meta.js';
import { admitSubresource, BINDING_KIND, type SubresourceAdmission } from '../admission/subresource-admission.js';

interface BindingBody {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  target?: { kind?: string; name?: string };
}

interface PodLike {
  spec?: { nodeName?: string };
  status?: { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string | null; lastProbeTime?: string | null; reason?: string; message?: string }> };
}

/**
 * POST pods/<name>/binding: assigns a pending pod to a node, as the scheduler does. A pod
 * already assigned is a 409, as kube-apiserver answers.
 */
export async function bindPod(pods: Registry, namespace: string, name: string, raw: unknown, dryRun: boolean, admission?: SubresourceAdmission): Promise<KubeObject> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Binding in version "v1" cannot be handled as a Binding: the object provided is not a JSON object');
  const body = raw as BindingBody;
  if (body.kind !== undefined && body.kind !== 'Binding') {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (Binding)`);
  }
  if (body.metadata?.name && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  // Webhooks and policies see the v1 Binding (CREATE pods/binding); a mutating one may change its target.
  if (admission) {
    const binding = { apiVersion: 'v1', kind: 'Binding', ...structuredClone(body), metadata: { ...(body.metadata ?? {}), name, namespace } } as KubeObject;
    const admitted = await admitSubresource(admission, { operation: 'CREATE', rt: pods.rt, namespace, name, subresource: 'binding', kind: BINDING_KIND, object: binding, oldObject: null, dryRun });
    if (admitted) body.target = (admitted as BindingBody).target;
  }
  const node = body.target?.name;
  if (!node) {
    throw new ApiError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`, {
      name,
      kind: 'Binding',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }],
    });
  }
  if (body.target?.kind && body.target.kind !== 'Node') {
    throw new ApiError(422, 'Invalid', `Binding "${name}" is invalid: target.kind: Unsupported value: "${body.target.kind}": supported values: "Node"`);
  }
  const now = formatTime(Date.now());
  return pods.guaranteedUpdate(
    namespace,
    name,
    (live) => {
      const pod = live as KubeObject & PodLike;
      if (live.metadata.deletionTimestamp) {
        throw conflict({ group: '', plural: 'pods/binding' }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      }
      if (pod.spec?.nodeName) {
        throw conflict({ group: '', plural: 'pods/binding' }, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      }
      pod.spec = { ...(pod.spec ?? {}), nodeName: node };
      const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
      pod.status = { ...(pod.status ?? {}), conditions };
      return pod;
    },
    { dryRun, subresource: 'binding' },
  );
}
