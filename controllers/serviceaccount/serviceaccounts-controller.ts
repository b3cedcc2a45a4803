import { namespaceResource, type Namespace } from '../../api/core/namespace.js';
import { serviceAccountResource } from '../../api/core/serviceaccount.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError, isAlreadyExists, isNotFound } from '../../client/api-error.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';

/**
 * kube's serviceaccounts controller: every active namespace has a `default`
 * ServiceAccount. It is created when a namespace appears and re-created when deleted;
 * Terminating namespaces are left alone (the apiserver would refuse the create anyway).
 */

export const SERVICEACCOUNT_CONTROLLER_NAME = 'serviceaccount-controller';
export const DEFAULT_SERVICE_ACCOUNTS = ['default'] as const;

/** The names of `wanted` missing in an active namespace (none for a Terminating one). */
export function serviceAccountsToCreate(ns: Pick<Namespace, 'status' | 'metadata'>, has: (name: string) => boolean, wanted: readonly string[] = DEFAULT_SERVICE_ACCOUNTS): string[] {
  if (ns.metadata.deletionTimestamp || (ns.status?.phase && ns.status.phase !== 'Active')) return [];
  return wanted.filter((n) => !has(n));
}

/**
 * The apiserver refused because the namespace is being deleted: kube marks that with the
 * status cause NamespaceTerminating; the message is matched too, for servers without it.
 */
export function isNamespaceTerminating(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.code !== 403) return false;
  if ((err.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return true;
  return /because it is being terminated/.test(err.message);
}

export function startServiceAccountsController(ctx: ControllerContext, wanted: readonly string[] = DEFAULT_SERVICE_ACCOUNTS): RunningController {
  const { client } = ctx;
  const namespaces = ctx.informers.informerFor<KubeObject>(namespaceResource);
  const accounts = ctx.informers.informerFor<KubeObject>(serviceAccountResource);

  const reconcile = async (name: string): Promise<void> => {
    const ns = namespaces.store.get(name) as unknown as Namespace | undefined;
    if (!ns) return;
    for (const sa of serviceAccountsToCreate(ns, (n) => accounts.store.has(`${name}/${n}`), wanted)) {
      try {
        await client.create(serviceAccountResource, { metadata: { name: sa, namespace: name } });
        ctx.logger.info({ namespace: name, serviceAccount: sa }, 'created service account');
      } catch (err) {
        // Already there (cache lag), or the namespace went away or began terminating.
        if (isAlreadyExists(err) || isNotFound(err) || isNamespaceTerminating(err)) continue;
        throw err;
      }
    }
  };

  const ctl = startQueueController(ctx, { name: SERVICEACCOUNT_CONTROLLER_NAME, reconcile, waitFor: [namespaces, accounts] });
  const enqueueNs = (ns: KubeObject): void => ctl.queue.add(ns.metadata.name!);
  namespaces.addEventHandler({ onAdd: enqueueNs, onUpdate: (_old, ns) => enqueueNs(ns) });
  accounts.addEventHandler({
    onDelete: (sa) => {
      if (wanted.includes(sa.metadata.name!) && sa.metadata.namespace) ctl.queue.add(sa.metadata.namespace);
    },
  });
  return ctl;
}

export const serviceAccountsController: ControllerDescriptor = {
  name: SERVICEACCOUNT_CONTROLLER_NAME,
  serviceAccounts: ['service-account-controller'],
  start: (ctx) => startServiceAccountsController(ctx),
};
