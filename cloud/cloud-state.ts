import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * What the simulated cloud remembers, as one JSON document in the data directory
 * (`DIR/cloud.json`): instances, group target sizes, load balancers and routes. Written
 * whole after every change (write a temporary file, then rename, so a crash never leaves
 * half a file) and read back at start: the cloud's machines survive a restart of
 * `kubeling up` as a real cloud's survive a restart of the control plane.
 */

export const INSTANCE_STATES = ['Creating', 'Running', 'Deleting', 'Failed'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

const instanceSchema = z.object({
  id: z.string(),
  group: z.string(),
  /** The Node name its kubelet registers with. */
  nodeName: z.string(),
  /** Sequence number, unique in this cloud: drives the machine's addresses. */
  seq: z.number().int(),
  state: z.enum(INSTANCE_STATES),
  createdAt: z.number(),
  /** When Creating ends (Running, or Failed when the group's creates fail). */
  readyAt: z.number(),
  /** When Deleting ends (the instance is gone). */
  goneAt: z.number().optional(),
  /** Whether its kubelet registered (the Node object was written). */
  booted: z.boolean().default(false),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export type Instance = z.infer<typeof instanceSchema>;

export const cloudStateSchema = z.object({
  version: z.literal(1),
  nextSeq: z.number().int(),
  targetSizes: z.record(z.string(), z.number().int()),
  instances: z.array(instanceSchema),
  /** Service key (namespace/name) → the address given to its load balancer. */
  loadBalancers: z.record(z.string(), z.string()),
  /** Node name → the pod CIDR routed to it. */
  routes: z.record(z.string(), z.string()),
});

export type CloudState = z.infer<typeof cloudStateSchema>;

export function emptyCloudState(): CloudState {
  return { version: 1, nextSeq: 0, targetSizes: {}, instances: [], loadBalancers: {}, routes: {} };
}

/** Reads the state file; a missing file is an empty cloud, a corrupt one an error naming it. */
export function readCloudState(path: string): CloudState {
  if (!existsSync(path)) return emptyCloudState();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cloud state is not JSON: ${(err as Error).message}`);
  }
  const parsed = cloudStateSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: invalid cloud state: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function writeCloudState(path: string, state: CloudState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 1));
  renameSync(tmp, path);
}
