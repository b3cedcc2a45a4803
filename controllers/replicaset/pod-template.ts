import type { ReplicaSet } from '../../api/apps/schemas.js';
import type { Pod } from '../../api/core/pod.js';
import type { OwnerReference } from '../../api/types.js';

/**
 * kube's GetPodFromTemplate: a new pod from a ReplicaSet's template, named
 * `<rs-name>-<random>` through generateName, controlled by the ReplicaSet. Pure.
 */

/** A valid DNS subdomain prefix is `<name>-`; kube falls back to the bare name if that is too long. */
export function podNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  return prefix.length <= 253 - 5 ? prefix : ownerName;
}

export function podFromTemplate(rs: ReplicaSet, controllerRef: OwnerReference): Pod {
  const template = rs.spec?.template ?? {};
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(rs.metadata.name!),
      namespace: rs.metadata.namespace,
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  } as Pod;
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...(meta.finalizers as string[])];
  return pod;
}
