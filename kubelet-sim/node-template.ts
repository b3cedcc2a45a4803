import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatQuantity, parseQuantity } from '../api/quantity.js';

/**
 * What every simulated node looks like: resources, labels, taints and what its "machine"
 * reports (OS, kernel, runtime). A data object, loadable from JSON or YAML, so a
 * simulated cluster is described, not coded. Names and defaults follow kind/kwok nodes.
 */

/** The sandbox image containerd runs for every pod (kubeadm 1.32's default), on every node. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

const taintSchema = z.object({
  key: z.string(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

export const nodeTemplateSchema = z.object({
  /** Capacity: cpu, memory, pods, ephemeral-storage… (Kubernetes quantities). */
  capacity: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** Allocatable; absent entries are capacity minus the kubelet's defaults (see allocatableOf). */
  allocatable: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  taints: z.array(taintSchema).default([]),
  instanceType: z.string().default('kubeling.standard'),
  architecture: z.string().default('amd64'),
  operatingSystem: z.string().default('linux'),
  osImage: z.string().default('Debian GNU/Linux 12 (bookworm)'),
  kernelVersion: z.string().default('6.1.0-28-amd64'),
  containerRuntimeVersion: z.string().default('containerd://1.7.24'),
  kubeletVersion: z.string().default('v1.32.0-kubeling'),
  /** Topology labels, when set: topology.kubernetes.io/region and /zone (zones round-robin over nodes). */
  region: z.string().optional(),
  zones: z.array(z.string()).default([]),
  /**
   * Images already on the machine (a baked node image): pods using them skip the pull
   * from the first one on. Replaces the default, which holds the sandbox (pause) image.
   */
  images: z.array(z.string()).default([PAUSE_IMAGE]),
});

export type NodeTemplate = z.input<typeof nodeTemplateSchema>;
export type ResolvedNodeTemplate = z.output<typeof nodeTemplateSchema>;

export const defaultNodeTemplate: ResolvedNodeTemplate = nodeTemplateSchema.parse({
  capacity: { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
});

/** Fills defaults; capacity entries given replace the defaults' one by one. */
export function resolveNodeTemplate(t: NodeTemplate = {}): ResolvedNodeTemplate {
  const parsed = nodeTemplateSchema.parse(t);
  return { ...parsed, capacity: { ...defaultNodeTemplate.capacity, ...parsed.capacity } };
}

/** Reads a template from a .json, .yaml or .yml file. Throws with the file name on errors. */
export function loadNodeTemplate(path: string): ResolvedNodeTemplate {
  const text = readFileSync(path, 'utf8');
  const raw: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  const result = nodeTemplateSchema.safeParse(raw ?? {});
  if (!result.success) throw new Error(`${path}: invalid node template: ${z.prettifyError(result.error)}`);
  return resolveNodeTemplate(result.data);
}

const MEMORY_EVICTION_HARD = 100 * 1024 * 1024; // memory.available<100Mi
const STORAGE_EVICTION_HARD = 0.1; // nodefs.available<10%

/**
 * Allocatable as a kubelet with default flags reports it: capacity minus the hard
 * eviction thresholds (no kube-reserved/system-reserved), unless the template says.
 */
export function allocatableOf(t: ResolvedNodeTemplate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, q] of Object.entries(t.capacity)) {
    let v = String(q);
    if (name === 'memory') v = formatQuantity(Math.max(0, parseQuantity(q) - MEMORY_EVICTION_HARD), 'BinarySI');
    else if (name === 'ephemeral-storage') v = String(Math.floor(parseQuantity(q) * (1 - STORAGE_EVICTION_HARD)));
    out[name] = v;
  }
  for (const [name, q] of Object.entries(t.allocatable ?? {})) out[name] = String(q);
  return out;
}

/** Capacity as strings (quantities kept as written). */
export function capacityOf(t: ResolvedNodeTemplate): Record<string, string> {
  return Object.fromEntries(Object.entries(t.capacity).map(([k, v]) => [k, String(v)]));
}

/** The labels a kubelet sets on its Node, then the template's (which win). */
export function nodeLabels(t: ResolvedNodeTemplate, name: string, index: number): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': t.architecture,
    'beta.kubernetes.io/os': t.operatingSystem,
    'kubernetes.io/arch': t.architecture,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': t.operatingSystem,
    'node.kubernetes.io/instance-type': t.instanceType,
    'beta.kubernetes.io/instance-type': t.instanceType,
  };
  if (t.region) labels['topology.kubernetes.io/region'] = t.region;
  if (t.zones.length > 0) labels['topology.kubernetes.io/zone'] = t.zones[index % t.zones.length]!;
  return { ...labels, ...t.labels };
}

/**
 * Realistic, never-loopback addresses derived from the node's index: InternalIP in
 * 10.0.0.0/16 (skipping .0 and .255), ExternalIP in the benchmarking range 198.18.0.0/15.
 * Fake: nothing listens there; the apiserver reaches this process through the
 * kubeling.io/kubelet-endpoint annotation instead.
 */
export function nodeAddresses(name: string, index: number): { internalIP: string; externalIP: string; hostname: string } {
  const i = index + 9; // 10.0.0.10 onward (cloud VPCs reserve the first few); .0 and .255 skipped
  const internalIP = `10.${Math.floor(i / (254 * 256))}.${Math.floor(i / 254) % 256}.${(i % 254) + 1}`;
  const externalIP = `198.${18 + Math.floor(index / 65024)}.${Math.floor(index / 254) % 256}.${(index % 254) + 1}`;
  return { internalIP, externalIP, hostname: name };
}
