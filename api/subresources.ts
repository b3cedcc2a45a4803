import type { ResourceType } from './types.js';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceSpec {
  /** `status`, `scale`, `binding`, `eviction`, `finalize`, `log`. */
  name: string;
  /** REST verbs: get, update, patch, create. */
  verbs: string[];
  /** The kind discovery names for it (Scale for scale, the kind itself for status). */
  kind: Gvk;
  /** False where the body is not an object of `kind` (pods/log answers plain text). */
  objectBody: boolean;
}

interface KindSubresource {
  name: string;
  verbs: string[];
  /** The kind of its body; the owning kind itself (in the served version) when unset. */
  kind?: Gvk;
  objectBody: boolean;
  /**
   * Served but not listed by discovery (nor OpenAPI), as Kubeling has always answered:
   * pods/ephemeralcontainers and the streamed exec, attach and portforward.
   */
  undiscovered?: true;
}

/**
 * The subresources each kind has besides status and scale (which any kind may declare in
 * its ResourceType): one table, keyed by `group/Kind`, in the order discovery lists them.
 */
const BY_KIND: Record<string, KindSubresource[]> = {
  '/Pod': [
    { name: 'binding', verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' }, objectBody: true },
    { name: 'eviction', verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, objectBody: true },
    { name: 'log', verbs: ['get'], objectBody: false },
    { name: 'ephemeralcontainers', verbs: ['get', 'update', 'patch'], objectBody: true, undiscovered: true },
    { name: 'exec', verbs: ['get', 'create'], objectBody: false, undiscovered: true },
    { name: 'attach', verbs: ['get', 'create'], objectBody: false, undiscovered: true },
    { name: 'portforward', verbs: ['get', 'create'], objectBody: false, undiscovered: true },
  ],
  '/ServiceAccount': [
    { name: 'token', verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, objectBody: true },
  ],
  'certificates.k8s.io/CertificateSigningRequest': [{ name: 'approval', verbs: ['get', 'update'], objectBody: true }],
  '/Namespace': [{ name: 'finalize', verbs: ['update'], objectBody: true }],
};

type KindOf = Pick<ResourceType, 'group' | 'kind' | 'version' | 'subresources'>;

function all(rt: KindOf, version: string): Array<SubresourceSpec & { undiscovered?: true }> {
  const self: Gvk = { group: rt.group, version, kind: rt.kind };
  const out: Array<SubresourceSpec & { undiscovered?: true }> = [];
  if (rt.subresources.status) out.push({ name: 'status', verbs: ['get', 'patch', 'update'], kind: self, objectBody: true });
  if (rt.subresources.scale) {
    out.push({ name: 'scale', verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, objectBody: true });
  }
  for (const sub of BY_KIND[`${rt.group}/${rt.kind}`] ?? []) out.push({ ...sub, kind: sub.kind ?? self });
  return out;
}

/**
 * The subresources Kubeling lists for a kind, seen through one served version. The one
 * list that discovery, OpenAPI and the REST handlers agree on.
 */
export function subresourcesOf(rt: KindOf, version = rt.version): SubresourceSpec[] {
  return all(rt, version)
    .filter((s) => !s.undiscovered)
    .map(({ undiscovered: _, ...s }) => s);
}

/** A subresource the kind serves (listed or not), or undefined. */
export function servedSubresource(rt: KindOf, name: string, version = rt.version): SubresourceSpec | undefined {
  const found = all(rt, version).find((s) => s.name === name);
  if (!found) return undefined;
  const { undiscovered: _, ...spec } = found;
  return spec;
}
