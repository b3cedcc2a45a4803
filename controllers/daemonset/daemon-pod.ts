import type { DaemonSet } from '../../api/apps/daemonset-statefulset-schemas.js';
import type { Pod } from '../../api/core/pod.js';
import type { OwnerReference } from '../../api/types.js';
import { podFromTemplate } from '../replicaset/pod-template.js';
import { withDaemonTolerations } from './daemon-placement.js';
import { REVISION_HASH_LABEL } from './daemon-plan.js';

/**
 * A daemon pod for one node (kube's daemon controller syncNodes): the template, the
 * revision hash and template generation as labels, the daemon tolerations, and required
 * node affinity `metadata.name In [node]` (replacing other required terms) so the
 * scheduler places it on exactly that node. Pure.
 */
export function daemonPodFor(ds: DaemonSet, ref: OwnerReference, nodeName: string, hash: string): Pod {
  const pod = podFromTemplate(ds as never, ref);
  pod.metadata.labels = {
    ...(pod.metadata.labels ?? {}),
    [REVISION_HASH_LABEL]: hash,
    'pod-template-generation': String(ds.metadata.generation ?? 1),
  };
  const spec = pod.spec!;
  spec.tolerations = withDaemonTolerations(spec.tolerations, spec.hostNetwork === true);
  const affinity = (spec.affinity ??= {});
  const nodeAffinity = (affinity.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return pod;
}

/** The node a daemon pod is for: where it is bound, else its matchFields target. */
export function daemonPodNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
