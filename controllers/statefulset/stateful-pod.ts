import type { StatefulSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import type { PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import type { Pod } from '../../api/core/pod.js';
import type { OwnerReference } from '../../api/types.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import { POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL } from './stateful-plan.js';

/**
 * A StatefulSet's pod and claims for one ordinal (kube's newVersionedStatefulSetPod and
 * getPersistentVolumeClaims): name `<set>-<ordinal>`, hostname the same and subdomain the
 * governing Service (so `web-0.nginx` resolves), identity labels, and one claim per
 * volumeClaimTemplate named `<template>-<set>-<ordinal>` mounted as the template's volume.
 */
export function statefulPodFor(set: StatefulSet, ref: OwnerReference, ordinal: number, revision: string): Pod {
  const pod = podFromTemplate(set as never, ref);
  const name = `${set.metadata.name}-${ordinal}`;
  delete pod.metadata.generateName;
  pod.metadata.name = name;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision };
  const spec = pod.spec!;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const volumes = [...(spec.volumes ?? [])];
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const vname = t.metadata?.name ?? '';
    const claimName = claimNameFor(set, vname, ordinal);
    const idx = volumes.findIndex((v) => v.name === vname);
    const vol = { name: vname, persistentVolumeClaim: { claimName } };
    if (idx >= 0) volumes[idx] = vol as never;
    else volumes.push(vol as never);
  }
  if (volumes.length > 0) spec.volumes = volumes;
  return pod;
}

export function claimNameFor(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name}-${ordinal}`;
}

/** The claims of one ordinal; labelled with the set's selector labels, as kube does. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const labels = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimNameFor(set, t.metadata?.name ?? '', ordinal),
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...labels },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: structuredClone(t.spec ?? {}) as PersistentVolumeClaim['spec'],
  }));
}
