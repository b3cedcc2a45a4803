import type { KubeObject } from '../../api/types.js';

/**
 * kube's DefaultIngressClass admission plugin, as a pure decision: an Ingress created
 * without `spec.ingressClassName` (and without the legacy `kubernetes.io/ingress.class`
 * annotation) gets the name of the IngressClass marked
 * `ingressclass.kubernetes.io/is-default-class: "true"`; with several marked, the newest
 * (as kube ≥ 1.30 chooses). Updates are left alone.
 */

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export function defaultIngressClassName(ingress: KubeObject, classes: readonly KubeObject[]): string | undefined {
  const spec = (ingress as { spec?: { ingressClassName?: string } }).spec;
  if (spec?.ingressClassName) return undefined;
  if (ingress.metadata.annotations?.[LEGACY_CLASS_ANNOTATION] !== undefined) return undefined;
  let newest: KubeObject | undefined;
  for (const c of classes) {
    if (c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] !== 'true') continue;
    const at = c.metadata.creationTimestamp ?? '';
    const best = newest?.metadata.creationTimestamp ?? '';
    if (!newest || at > best || (at === best && (c.metadata.name ?? '') < (newest.metadata.name ?? ''))) newest = c;
  }
  return newest?.metadata.name;
}
