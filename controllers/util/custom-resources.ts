import { z } from 'zod';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { crdResource, type CRD } from '../../api/apiextensions/crd.js';
import type { RestClient } from '../../client/rest-client.js';

/**
 * The custom kinds a controller can reach through the API, read from the
 * CustomResourceDefinitions (Established ones, at their storage version) the way kube's
 * controllers find them through discovery. Only what a REST client needs is filled: a
 * custom kind is listed and deleted, never decoded by schema, here.
 */
export function customResourceRefs(crds: readonly KubeObject[]): ResourceType[] {
  const out: ResourceType[] = [];
  for (const obj of crds) {
    const crd = obj as unknown as CRD;
    const established = (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
    const storage = crd.spec?.versions?.find((v) => v.storage);
    if (!established || !storage || crd.metadata.deletionTimestamp) continue;
    out.push({
      group: crd.spec.group,
      version: storage.name,
      kind: crd.spec.names.kind,
      listKind: crd.spec.names.listKind ?? `${crd.spec.names.kind}List`,
      plural: crd.spec.names.plural,
      singular: crd.spec.names.singular ?? crd.spec.names.kind.toLowerCase(),
      shortNames: crd.spec.names.shortNames ?? [],
      categories: crd.spec.names.categories ?? [],
      namespaced: crd.spec.scope === 'Namespaced',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      schema: z.record(z.string(), z.unknown()),
      subresources: {},
      hasGeneration: true,
      defaults: () => undefined,
      validate: () => [],
      tableColumns: [],
      tableRow: () => [],
    });
  }
  return out;
}

/** customResourceRefs of the CRDs the API serves now (empty when CRDs cannot be listed). */
export async function listCustomResources(client: RestClient): Promise<ResourceType[]> {
  try {
    return customResourceRefs((await client.listAll(crdResource)).items);
  } catch {
    return [];
  }
}
