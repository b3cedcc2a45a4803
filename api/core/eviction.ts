import type { z } from 'zod';
import { deleteOptionsSchema, objectSchema } from '../meta.js';

/**
 * policy/v1 Eviction: the body of POST pods/{name}/eviction (`kubectl drain`). metadata
 * names the pod; deleteOptions carry the grace period and preconditions. Not stored.
 */
export const evictionSchema = objectSchema({
  deleteOptions: deleteOptionsSchema.optional(),
});
export type Eviction = z.infer<typeof evictionSchema>;
