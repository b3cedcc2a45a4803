import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import type { ResourceRef } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { clone } from '../../client/store.js';

/**
 * Writes `status` through the status subresource of the cached object `cached`, as the
 * workload controllers do after a reconcile: one PUT, and on a conflict one fresh GET and
 * a second PUT (a third writer in between means the next sync computes again).
 *
 * Resolves 'gone' when the object was deleted under us (the caller stops its sync),
 * 'written' otherwise; other errors, and a second conflict, reject.
 */
export async function writeStatus<T extends KubeObject & { status?: unknown }>(
  client: RestClient,
  ref: ResourceRef,
  cached: T,
  status: T['status'],
): Promise<'written' | 'gone'> {
  let target = clone(cached);
  for (let attempt = 0; ; attempt++) {
    target.status = status;
    try {
      await client.updateStatus(ref, target);
      return 'written';
    } catch (err) {
      if (isNotFound(err)) return 'gone';
      if (attempt >= 1 || !isConflict(err)) throw err;
      target = await client.get<T>(ref, cached.metadata.name!, { namespace: cached.metadata.namespace });
    }
  }
}
