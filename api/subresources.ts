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

/**
 * The subresources Kubeling serves for a kind, seen through one served version. The one
 * list that discovery, OpenAPI and the REST handlers agree on.
 */
export function subresourcesOf(rt: Pick<ResourceType, 'group' | 'kind' | 'version' | 'subresources'>, version = rt.version): SubresourceSpec[] {
  const self: Gvk = { group: rt.group, version, kind: rt.kind };
  const out: SubresourceSpec[] = [];
  if (rt.subresources.status) out.push({ name: 'status', verbs: ['get', 'patch', 'update'], kind: self, objectBody: true });
  if (rt.subresources.scale) {
    out.push({ name: 'scale', verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, objectBody: true });
  }
  if (rt.group === '' && rt.kind === 'Pod') {
    out.push({ name: 'binding', verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' }, objectBody: true });
    out.push({ name: 'eviction', verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, objectBody: true });
    out.push({ name: 'log', verbs: ['get'], kind: self, objectBody: false });
  }
  if (rt.group === '' && rt.kind === 'ServiceAccount') {
    out.push({ name: 'token', verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, objectBody: true });
  }
  if (rt.group === 'certificates.k8s.io' && rt.kind === 'CertificateSigningRequest') {
    out.push({ name: 'approval', verbs: ['get', 'update'], kind: self, objectBody: true });
  }
  if (rt.group === '' && rt.kind === 'Namespace') out.push({ name: 'finalize', verbs: ['update'], kind: self, objectBody: true });
  return out;
}
