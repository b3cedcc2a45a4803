import type { KubeObject, ResourceType } from '../../api/types.js';

/** meta.k8s.io Table output, as kube-apiserver's TableConvertor builds it for kubectl. */

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  includeObject: 'None' | 'Metadata' | 'Object';
  /** Omit columnDefinitions (watch events after the first). */
  noHeaders?: boolean;
}

export function partialObjectMetadata(obj: KubeObject, version: 'v1' | 'v1beta1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export function buildTable(
  rt: ResourceType,
  objects: KubeObject[],
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  opts: TableOptions,
  now: number,
  render: (obj: KubeObject) => KubeObject,
): Record<string, unknown> {
  const rows = objects.map((obj) => {
    const row: Record<string, unknown> = { cells: rt.tableRow(obj, now) };
    const conditions = rt.tableRowConditions?.(obj);
    if (conditions && conditions.length > 0) row.conditions = conditions;
    if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(obj, opts.version);
    else if (opts.includeObject === 'Object') row.object = render(obj);
    return row;
  });
  const metadata: Record<string, unknown> = {};
  if (listMeta.resourceVersion) metadata.resourceVersion = listMeta.resourceVersion;
  if (listMeta.continue) metadata.continue = listMeta.continue;
  if (listMeta.remainingItemCount !== undefined) metadata.remainingItemCount = listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata,
    columnDefinitions: opts.noHeaders ? null : rt.tableColumns,
    rows,
  };
}
