import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import type { ResourceRef } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';

/**
 * Read-modify-write of one live object, compare-and-swap on its resourceVersion and
 * retried on conflict (client-go's RetryOnConflict around a GET and an UPDATE).
 *
 * mutate gets a fresh copy of the live object and returns the object to write, or null
 * when nothing needs to change. The object must still have `uid` (when given): an object
 * deleted and re-created under the same name is not touched.
 *
 * Resolves the written object, or null when there was nothing to do (no change needed,
 * object gone, or another uid). Other errors reject.
 */
export async function updateWithRetry<T extends KubeObject>(
  client: RestClient,
  ref: ResourceRef,
  target: { namespace?: string; name: string; uid?: string },
  mutate: (live: T) => T | null,
  opts: {
    /** The live object if the caller just read it (saves the first GET). */
    first?: T;
    attempts?: number;
    /** How to write; default a PUT of the object (client.update). */
    write?: (next: T) => Promise<T>;
  } = {},
): Promise<T | null> {
  const attempts = opts.attempts ?? 5;
  let live = opts.first;
  for (let i = 0; ; i++) {
    if (!live) {
      try {
        live = await client.get<T>(ref, target.name, { namespace: target.namespace });
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    }
    if (target.uid && live.metadata.uid !== target.uid) return null;
    const next = mutate(structuredClone(live));
    if (!next) return null;
    try {
      return await (opts.write ? opts.write(next) : client.update<T>(ref, next, { namespace: target.namespace }));
    } catch (err) {
      if (isNotFound(err)) return null;
      if (!isConflict(err) || i + 1 >= attempts) throw err;
      live = undefined;
    }
  }
}
