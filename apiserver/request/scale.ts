import type { KubeObject, ScaleSubresource } from '../../api/types.js';
import type { Registry } from '../registry/generic-registry.js';
import { conflict, internal, MODIFIED_CONFLICT } from '../errors.js';
import { admitSubresource, SCALE_KIND, type SubresourceAdmission } from '../admission/subresource-admission.js';
import { scaleFor, scaleSchema } from '../../api/autoscaling/scale.js';
import type { ResourceView } from './resource-view.js';

/** autoscaling/v1 Scale, the view the `scale` subresource gives of a Deployment or ReplicaSet. */
export function readScale(obj: KubeObject, spec: ScaleSubresource): KubeObject {
  const scale = scaleFor(obj, { spec: getPath(obj, spec.specReplicasPath), status: getPath(obj, spec.statusReplicasPath) }, { selectorIsLabelMap: spec.selectorIsLabelMap });
  // Custom resources name their selector by labelSelectorPath, a string there (kube's CR scale).
  const sel = spec.labelSelectorPath ? getPath(obj, spec.labelSelectorPath) : undefined;
  if (typeof sel === 'string') (scale.status as Record<string, unknown>).selector = sel;
  return scale;
}

export async function writeScale(
  reg: Registry,
  namespace: string | undefined,
  name: string,
  spec: ScaleSubresource,
  replicasFor: (live: KubeObject) => number,
  resourceVersion: string | undefined,
  dryRun: boolean,
  admission?: SubresourceAdmission,
  recordAs?: { manager: string; apiVersion: string; subresource: string },
): Promise<KubeObject> {
  return reg.guaranteedUpdate(
    namespace,
    name,
    async (live) => {
      if (resourceVersion && resourceVersion !== live.metadata.resourceVersion) {
        throw conflict({ group: reg.rt.group, plural: reg.rt.plural }, name, MODIFIED_CONFLICT);
      }
      let replicas = replicasFor(live);
      if (admission) {
        // Webhooks and policies see the Scale (autoscaling/v1) being written, old and new, as kube shows them.
        const oldScale = readScale(live, spec);
        const proposed = structuredClone(oldScale);
        (proposed.spec as Record<string, unknown>).replicas = replicas;
        const admitted = await admitSubresource(admission, {
          operation: 'UPDATE', rt: reg.rt, namespace, name, subresource: 'scale', kind: SCALE_KIND, object: proposed, oldObject: oldScale, dryRun,
        });
        const r = (admitted as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
        if (r !== undefined && (typeof r !== 'number' || !Number.isInteger(r))) throw internal('Scale in version "v1" cannot be handled as a Scale: spec.replicas: expected an integer');
        replicas = (r as number | undefined) ?? 0;
      }
      const next = structuredClone(live);
      setPath(next, spec.specReplicasPath, replicas);
      return next;
    },
    { dryRun, recordAs },
  );
}

/** A ResourceView for decoding Scale bodies. */
export function scaleView(): ResourceView {
  return {
    rt: { kind: 'Scale' } as ResourceView['rt'],
    group: 'autoscaling',
    version: 'v1',
    apiVersion: 'autoscaling/v1',
    schema: scaleSchema,
    toClient: (o) => o,
    fromClient: (o) => o,
    callsOut: false,
    toClientAll: async (objs) => objs,
    fromClientAsync: async (o) => o,
  };
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: unknown, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (cur[part] === null || typeof cur[part] !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}
