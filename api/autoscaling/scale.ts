import { z } from 'zod';
import { objectSchema } from '../meta.js';

/**
 * autoscaling/v1 Scale, the body of every `…/scale` subresource (Deployment, ReplicaSet,
 * StatefulSet, ReplicationController). status.selector is the selector in query-string
 * form (`app=web,tier in (fe)`).
 */
export const scaleSchema = objectSchema({
  spec: z
    .object({
      replicas: z.number().int().optional(),
    })
    .optional(),
  status: z
    .object({
      replicas: z.number().int().optional(),
      selector: z.string().optional(),
    })
    .optional(),
});
export type Scale = z.infer<typeof scaleSchema>;
