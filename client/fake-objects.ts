import { scaleFor } from '../api/autoscaling/scale.js';
import type { KubeObject } from '../api/types.js';
import { ApiError } from './api-error.js';
import type { ResourceRef } from './resource.js';

/**
 * Pure helpers behind the fake client: Kubernetes' error wording, field lookup for
 * field selectors, generation bumps and the Scale view of a scalable object.
 */

/** Duck-typed extras an api/registry ResourceType carries beyond ResourceRef. */
export interface RefExtras {
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;
  subresources?: { status?: boolean };
}

/** `pods` or `deployments.apps`, as Kubernetes names a resource in messages. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

export function notFoundError(ref: ResourceRef, name: string): ApiError {
  return ApiError.from(404, `${qualifiedResource(ref)} "${name}" not found`, 'NotFound', { name, group: ref.group, kind: ref.plural });
}

export function alreadyExistsError(ref: ResourceRef, name: string): ApiError {
  return ApiError.from(409, `${qualifiedResource(ref)} "${name}" already exists`, 'AlreadyExists', {
    name,
    group: ref.group,
    kind: ref.plural,
  });
}

export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflictError(ref: ResourceRef, name: string, why: string): ApiError {
  return ApiError.from(409, `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${why}`, 'Conflict', {
    name,
    group: ref.group,
    kind: ref.plural,
  });
}

export function badRequestError(err: unknown): ApiError {
  return ApiError.from(400, err instanceof Error ? err.message : String(err), 'BadRequest');
}

/** Whether anything but metadata and status differs (metadata.generation bumps then). */
export function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: KubeObject): unknown => rest;
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}

/**
 * A field's string value for field selectors: metadata.name/namespace always, then the
 * kind's registered getters (ResourceType.fieldSelectors), else the dotted path.
 */
export function fieldValue(ref: ResourceRef, obj: KubeObject, field: string): string | undefined {
  if (field === 'metadata.name') return obj.metadata.name ?? '';
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
  const getter = (ref as RefExtras).fieldSelectors?.[field];
  if (getter) return getter(obj);
  let v: unknown = obj;
  for (const part of field.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName's random suffix: five characters from Kubernetes' alphabet (no vowels). */
export function randomNameSuffix(random: () => number = Math.random): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(random() * NAME_CHARS.length)];
  return suffix;
}

/** metav1.Time: RFC 3339 in UTC, whole seconds. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** autoscaling/v1 Scale for an object with spec.replicas (Deployment, ReplicaSet, StatefulSet), as the apiserver answers. */
export function scaleOf(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: unknown };
  const status = (obj.status ?? {}) as { replicas?: unknown };
  return scaleFor(obj, { spec: spec.replicas, status: status.replicas });
}
