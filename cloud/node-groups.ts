import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isValidQuantity, parseQuantity } from '../api/quantity.js';
import { allocatableOf, defaultNodeTemplate, type NodeTemplate } from '../kubelet-sim/node-template.js';

/**
 * The simulated cloud's node groups (an AWS ASG / GCE MIG each): what the cloud can
 * create, read from a YAML/JSON file (`--node-groups FILE`) or built from
 * `--autoscale-nodes MIN:MAX` (one group with the default machine). Validated once, at
 * start-up: a bad file is a clear error naming the group, never a crash later.
 *
 * File shape:
 *
 *   nodeGroups:
 *   - name: pool-a
 *     minSize: 1
 *     maxSize: 5
 *     machine: { capacity: { cpu: "4", memory: 16Gi }, labels: {…}, taints: […],
 *                zone: europe-west1-b, region: europe-west1, instanceType: e2-standard-4 }
 *     provisioning: { delay: 20s, jitter: 5s, deleteDelay: 5s }
 *     price: 0.134          # per node-hour, for the price expander
 *     failures: { create: QuotaExceeded }   # or OutOfResources (stockout); testing error paths
 */

const durationRe = /^(\d+(\.\d+)?(ms|s|m|h))+$|^0$/;
const duration = z.string().regex(durationRe, 'must be a duration such as 20s, 1m or 500ms');

/** Resources a machine may declare: kube's native ones and extended (domain/name) resources. */
const NATIVE_RESOURCES = new Set(['cpu', 'memory', 'pods', 'ephemeral-storage']);
export function isKnownResource(name: string): boolean {
  if (NATIVE_RESOURCES.has(name)) return true;
  if (/^hugepages-\d+(Ki|Mi|Gi)$/.test(name)) return true;
  // Extended resources: a DNS-prefixed name outside kubernetes.io, e.g. nvidia.com/gpu.
  return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name) && !name.includes('kubernetes.io/');
}

const taintSchema = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

const machineSchema = z.object({
  capacity: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  labels: z.record(z.string(), z.string()).default({}),
  taints: z.array(taintSchema).default([]),
  zone: z.string().default('kubeling-zone-a'),
  region: z.string().default('kubeling-region-1'),
  instanceType: z.string().default('kubeling.standard'),
});

export const CREATE_FAILURES = ['QuotaExceeded', 'OutOfResources'] as const;
export type CreateFailure = (typeof CREATE_FAILURES)[number];

const groupSchema = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, 'must be a lower-case DNS label of at most 40 characters'),
  minSize: z.number().int().min(0),
  maxSize: z.number().int().min(0),
  machine: machineSchema.default(() => machineSchema.parse({})),
  provisioning: z
    .object({ delay: duration.default('10s'), jitter: duration.default('2s'), deleteDelay: duration.default('3s') })
    .default({ delay: '10s', jitter: '2s', deleteDelay: '3s' }),
  price: z.number().min(0).optional(),
  failures: z.object({ create: z.enum(CREATE_FAILURES).optional() }).default({}),
});

export const nodeGroupsFileSchema = z.object({ nodeGroups: z.array(groupSchema).min(1) });

export interface MachineTemplate {
  capacity: Record<string, string>;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }>;
  zone: string;
  region: string;
  instanceType: string;
}

export interface NodeGroupSpec {
  name: string;
  minSize: number;
  maxSize: number;
  machine: MachineTemplate;
  provisioningDelayMs: number;
  provisioningJitterMs: number;
  deleteDelayMs: number;
  price?: number;
  createFailure?: CreateFailure;
}

export class NodeGroupConfigError extends Error {}

function durationMs(raw: string): number {
  if (raw === '0') return 0;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of raw.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return Math.round(total);
}

/** The machine's capacity over the default machine's (cpu 8, memory 32Gi, pods 110…). */
function machineOf(m: z.output<typeof machineSchema>): MachineTemplate {
  const capacity: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaultNodeTemplate.capacity)) capacity[k] = String(v);
  for (const [k, v] of Object.entries(m.capacity)) capacity[k] = String(v);
  return { capacity, labels: m.labels, taints: m.taints, zone: m.zone, region: m.region, instanceType: m.instanceType };
}

/** The kubelet-sim template that a machine of this group boots with. */
export function kubeletTemplateOf(machine: MachineTemplate): NodeTemplate {
  return {
    capacity: machine.capacity,
    labels: machine.labels,
    taints: machine.taints,
    instanceType: machine.instanceType,
    region: machine.region,
    zones: [machine.zone],
  };
}

/**
 * Checks what the schema cannot: sizes, names, resources, and that a machine can hold a
 * pod at all (allocatable cpu, memory and pods above zero once the kubelet's reserve is
 * taken). Answers every problem, one per line; empty when the groups are usable.
 */
export function nodeGroupProblems(groups: readonly NodeGroupSpec[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    const at = `node group "${g.name}"`;
    if (seen.has(g.name)) problems.push(`${at}: duplicate name`);
    seen.add(g.name);
    if (g.minSize > g.maxSize) problems.push(`${at}: minSize ${g.minSize} is greater than maxSize ${g.maxSize}`);
    for (const [name, q] of Object.entries(g.machine.capacity)) {
      if (!isKnownResource(name)) problems.push(`${at}: unknown resource "${name}" in machine capacity`);
      else if (!isValidQuantity(q)) problems.push(`${at}: invalid quantity "${q}" for ${name}`);
    }
    if (problems.length > 0) continue;
    const alloc = allocatableOf({ ...defaultNodeTemplate, capacity: g.machine.capacity });
    const tooSmall = ['cpu', 'memory', 'pods'].filter((r) => !(parseQuantity(alloc[r] ?? '0') > 0));
    if (tooSmall.length > 0) problems.push(`${at}: machine too small for any pod: no allocatable ${tooSmall.join(', ')}`);
  }
  return problems;
}

/** Parses and validates a node groups document; throws NodeGroupConfigError with every problem. */
export function parseNodeGroups(raw: unknown, source = 'node groups'): NodeGroupSpec[] {
  const parsed = nodeGroupsFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new NodeGroupConfigError(`${source}: invalid node groups: ${z.prettifyError(parsed.error)}`);
  const groups = parsed.data.nodeGroups.map((g) => ({
    name: g.name,
    minSize: g.minSize,
    maxSize: g.maxSize,
    machine: machineOf(g.machine),
    provisioningDelayMs: durationMs(g.provisioning.delay),
    provisioningJitterMs: durationMs(g.provisioning.jitter),
    deleteDelayMs: durationMs(g.provisioning.deleteDelay),
    ...(g.price !== undefined ? { price: g.price } : {}),
    ...(g.failures.create ? { createFailure: g.failures.create } : {}),
  }));
  const problems = nodeGroupProblems(groups);
  if (problems.length > 0) throw new NodeGroupConfigError(`${source}: ${problems.join('; ')}`);
  return groups;
}

export function loadNodeGroups(path: string): NodeGroupSpec[] {
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new NodeGroupConfigError(`${path}: ${(err as Error).message}`);
  }
  return parseNodeGroups(raw, path);
}

/** The group `--autoscale-nodes MIN:MAX` stands for: the default machine, name `default-pool`. */
export const DEFAULT_GROUP_NAME = 'default-pool';

export function parseAutoscaleNodes(raw: string): { min: number; max: number } {
  const m = /^(\d+):(\d+)$/.exec(raw);
  if (!m) throw new NodeGroupConfigError(`invalid --autoscale-nodes "${raw}": must be MIN:MAX, e.g. 1:5`);
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min > max) throw new NodeGroupConfigError(`invalid --autoscale-nodes "${raw}": MIN ${min} is greater than MAX ${max}`);
  if (max > 1000) throw new NodeGroupConfigError(`invalid --autoscale-nodes "${raw}": MAX must be at most 1000`);
  return { min, max };
}

export function defaultGroup(min: number, max: number, machine?: Partial<MachineTemplate>): NodeGroupSpec {
  return parseNodeGroups({ nodeGroups: [{ name: DEFAULT_GROUP_NAME, minSize: min, maxSize: max, machine: machine ?? {} }] })[0]!;
}
