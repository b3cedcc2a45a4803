import type { Clock } from '../../lib/clock.js';
import type { KindHooks } from '../registry/generic-registry.js';
import type { Registries } from '../registry/registries.js';
import { ApiError, forbidden } from '../errors.js';
import { mountServiceAccountToken, type PodSpecLike } from './service-account.js';
import { resourceByKind } from '../../api/registry.js';

const serviceAccountResource = resourceByKind('', 'ServiceAccount');

export interface ServiceAccountAdmissionOptions {
  /**
   * kube's behaviour (the default of a real apiserver): a pod whose ServiceAccount does
   * not exist is refused, 403 "error looking up service account NS/NAME: serviceaccount
   * \"NAME\" not found". Off: such a pod is admitted without the token volume — for
   * in-process apiservers that run no controller manager to create the `default`
   * ServiceAccount (kube's own integration framework turns the plugin off for that reason).
   */
  refuseMissing: boolean;
  clock: Clock;
}

/** kube retries the `default` account (the controller makes it soon after the namespace): 10 looks, 100–200 ms apart. */
const DEFAULT_ACCOUNT_ATTEMPTS = 10;

/** Hooks the ServiceAccount admission plugin into pod creation. */
export function serviceAccountAdmissionHooks(registries: Registries, o: ServiceAccountAdmissionOptions = { refuseMissing: false, clock: registries.clock }): KindHooks {
  const lookup = async (namespace: string, name: string) => {
    // The watched copy first, as kube's plugin reads its informer; a miss reads storage
    // (an account made a moment ago, possibly through another apiserver).
    const cached = registries.watchedObjects(serviceAccountResource)?.get(namespace, name);
    if (cached) return cached as { automountServiceAccountToken?: boolean };
    const attempts = o.refuseMissing && name === 'default' ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
    for (let i = 0; ; i++) {
      try {
        return (await registries.forKind('', 'ServiceAccount').get(namespace, name)) as { automountServiceAccountToken?: boolean };
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
        if (i + 1 >= attempts) return undefined;
      }
      const wait = 100 + Math.floor(Math.random() * 100);
      await new Promise<void>((done) => o.clock.setTimeout(done, wait));
    }
  };
  return {
    async beforeCreate(pod) {
      const spec = (pod as { spec?: PodSpecLike }).spec;
      const namespace = pod.metadata.namespace;
      if (!spec || !namespace) return;
      // Mirror pods (static pods) get no credentials and need no account, as in kube.
      if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) return;
      const name = spec.serviceAccountName || 'default';
      const sa = await lookup(namespace, name);
      if (!sa) {
        if (!o.refuseMissing) return;
        const shown = admissionName(pod.metadata);
        throw forbidden(`pods "${shown}" is forbidden: error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`, { name: shown, kind: 'pods' });
      }
      mountServiceAccountToken(spec, sa.automountServiceAccountToken);
    },
  };
}

/**
 * The name kube's admission.NewForbidden shows: admission runs before kube generates a
 * name, so a pod created with generateName is named by its prefix ("web-7d4b9-").
 */
function admissionName(meta: { name?: string; generateName?: string }): string {
  const { name = '', generateName } = meta;
  if (generateName && name.startsWith(generateName) && name.length === generateName.length + 5) return generateName;
  return name || generateName || 'Unknown';
}
