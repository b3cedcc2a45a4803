import type { ResourceType } from '../../api/types.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, validatePathSegmentName, type NameValidator } from '../../api/validation.js';

/**
 * Which name rule each kind's metadata.name follows, as Kubernetes' validation picks it:
 * DNS-1123 subdomain unless said otherwise; Namespaces are DNS labels, Services DNS-1035
 * labels, and RBAC objects only need to be a path segment (so `system:foo` is allowed).
 */
export function nameValidatorFor(rt: ResourceType): NameValidator {
  if (rt.group === '' && rt.kind === 'Namespace') return nameIsDNSLabel;
  if (rt.group === '' && rt.kind === 'Service') return nameIsDNS1035Label;
  if (rt.group === 'rbac.authorization.k8s.io') return validatePathSegmentName;
  // kube-aggregator: a path segment; validateAPIService then insists on version.group.
  if (rt.group === 'apiregistration.k8s.io') return validatePathSegmentName;
  return nameIsDNSSubdomain;
}
