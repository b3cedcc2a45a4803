import { z } from 'zod';
import { objectSchema } from '../meta.js';
import { labelSelectorToString, selectorFromSet } from '../selector.js';
import type { KubeObject } from '../types.js';

/**
 * autoscaling/v1 Scale, the body of every `…/scale` subresource (Deployment, ReplicaSet,
 * StatefulSet, ReplicationController). status.selector is the selector in query-string
 * form (`app=web,tier in (fe)`).
 */
export const scaleSchema = objectSchema({
  spec: z
    .object({
      replicas: z.number().int().optional(),
    })
    .optional(),
  status: z
    .object({
      replicas: z.number().int().optional(),
      selector: z.string().optional(),
    })
    .optional(),
});
export type Scale = z.infer<typeof scaleSchema>;

/**
 * The Scale view of an object whose replica counts are given (read from the kind's scale
 * paths): its identity, spec.replicas and status.replicas (0 when not a number), and
 * status.selector from spec.selector when it has one (a label map when the kind says so). The apiserver's scale subresource
 * and the fake client both answer with it.
 */
export function scaleFor(obj: KubeObject, replicas: { spec: unknown; status: unknown }, opts: { selectorIsLabelMap?: boolean } = {}): KubeObject {
  const selector = (obj as { spec?: { selector?: Parameters<typeof labelSelectorToString>[0] } }).spec?.selector;
  const status: Record<string, unknown> = { replicas: typeof replicas.status === 'number' ? replicas.status : 0 };
  // A ReplicationController's selector is a label map: labels.SelectorFromSet(...).String().
  if (selector) status.selector = labelSelectorToString(opts.selectorIsLabelMap ? selectorFromSet(selector as Record<string, string>) : selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: typeof replicas.spec === 'number' ? replicas.spec : 0 },
    status,
  };
}
