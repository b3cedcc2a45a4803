import type { KindHooks } from '../registry/generic-registry.js';
import type { Registries } from '../registry/registries.js';
import { ApiError } from '../errors.js';
import { mountServiceAccountToken, type PodSpecLike } from './service-account.js';

/**
 * Hooks the ServiceAccount admission plugin into pod creation. Unlike kube, a pod whose
 * ServiceAccount does not exist (yet) is admitted, without the volume: kube refuses it
 * ("error looking up service account"), but here in-process callers create pods in
 * namespaces whose `default` ServiceAccount the controller manager has not made yet.
 */
export function serviceAccountAdmissionHooks(registries: Registries): KindHooks {
  return {
    async beforeCreate(pod) {
      const spec = (pod as { spec?: PodSpecLike }).spec;
      const namespace = pod.metadata.namespace;
      if (!spec || !namespace) return;
      // Mirror pods (static pods) get no credentials, as in kube.
      if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) return;
      let sa: { automountServiceAccountToken?: boolean } | undefined;
      try {
        sa = (await registries.forKind('', 'ServiceAccount').get(namespace, spec.serviceAccountName || 'default')) as typeof sa;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return;
        throw err;
      }
      mountServiceAccountToken(spec, sa?.automountServiceAccountToken);
    },
  };
}
