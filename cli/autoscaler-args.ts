import { NodeGroupConfigError, parseAutoscaleNodes } from '../cloud/node-groups.js';
import { EXPANDERS, type AutoscalingOptions, type ExpanderName } from '../cluster-autoscaler/options.js';
import { parseDuration } from './duration.js';
import type { Command, FlagSpec } from './flags.js';
import { InvalidValue, parseBool, parsePath } from './values.js';

/**
 * The autoscaling flags: `up`'s --autoscale-nodes / --node-groups, and the cluster
 * autoscaler's own flags under CA's names, which `up` passes through. Kept apart from
 * args.ts so the autoscaler's flags live in one place.
 */

export interface AutoscalerFlagOptions {
  /** --autoscale-nodes MIN:MAX: one group of the default machine (`default-pool`). */
  autoscaleNodes?: { min: number; max: number };
  /** --node-groups FILE: the cloud's node groups (cloud/node-groups.ts). */
  nodeGroupsPath?: string;
  /** The CA flags given (absent ones keep CA's defaults). */
  ca: Partial<AutoscalingOptions>;
}

type Values = Record<string, string | boolean | undefined>;

const CA_COMMANDS: readonly Command[] = ['up'];

export const AUTOSCALER_FLAGS: readonly FlagSpec[] = [
  { name: 'autoscale-nodes', value: 'MIN:MAX', help: 'autoscale the nodes: one cloud node group (default-pool) of MIN..MAX nodes; --nodes N then is its initial size', commands: ['up'] },
  { name: 'node-groups', value: 'FILE', help: 'JSON or YAML node groups of the simulated cloud, autoscaled (min, max, machine, delays, price…)', commands: ['up'] },
  { name: 'scan-interval', value: 'DURATION', help: 'cluster autoscaler: how often the cluster is re-evaluated (default 10s)', commands: CA_COMMANDS },
  { name: 'expander', value: 'NAME[,NAME]', help: `cluster autoscaler: node group choice, ${EXPANDERS.join(', ')} (default least-waste)`, commands: CA_COMMANDS },
  { name: 'max-nodes-total', value: 'N', help: 'cluster autoscaler: most nodes in the cluster, 0 for no limit (default 0)', commands: CA_COMMANDS },
  { name: 'max-node-provision-time', value: 'DURATION', help: 'cluster autoscaler: a node not ready by then fails its scale-up (default 15m)', commands: CA_COMMANDS },
  { name: 'scale-down-enabled', negatable: true, help: 'cluster autoscaler: remove unneeded nodes (default true)', commands: CA_COMMANDS },
  { name: 'scale-down-utilization-threshold', value: 'F', help: 'cluster autoscaler: requested cpu and memory share under which a node is unneeded (default 0.5)', commands: CA_COMMANDS },
  { name: 'scale-down-unneeded-time', value: 'DURATION', help: 'cluster autoscaler: how long a node is unneeded before it goes (default 10m)', commands: CA_COMMANDS },
  { name: 'scale-down-delay-after-add', value: 'DURATION', help: 'cluster autoscaler: no scale-down this long after a scale-up (default 10m)', commands: CA_COMMANDS },
  { name: 'scale-down-delay-after-delete', value: 'DURATION', help: 'cluster autoscaler: no scale-down this long after a node removal (default: the scan interval)', commands: CA_COMMANDS },
  { name: 'scale-down-delay-after-failure', value: 'DURATION', help: 'cluster autoscaler: no scale-down this long after a failed one (default 3m)', commands: CA_COMMANDS },
  { name: 'max-pod-eviction-time', value: 'DURATION', help: 'cluster autoscaler: how long to retry evictions a PodDisruptionBudget refuses (default 2m)', commands: CA_COMMANDS },
];

function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

export function autoscalerOptions(v: Values, cwd: string): AutoscalerFlagOptions {
  const out: AutoscalerFlagOptions = { ca: {} };
  const auto = str(v, 'autoscale-nodes');
  if (auto !== undefined) {
    try {
      out.autoscaleNodes = parseAutoscaleNodes(auto);
    } catch (err) {
      if (err instanceof NodeGroupConfigError) throw new InvalidValue(err.message);
      throw err;
    }
  }
  const groups = str(v, 'node-groups');
  if (groups !== undefined) out.nodeGroupsPath = parsePath('node-groups', groups, cwd);
  if (auto !== undefined && groups !== undefined) throw new InvalidValue('--autoscale-nodes and --node-groups exclude each other: put the default group in the file');
  const ca = out.ca;
  const dur = (flag: string, key: keyof AutoscalingOptions) => {
    const raw = str(v, flag);
    if (raw !== undefined) (ca as Record<string, unknown>)[key] = parseDuration(flag, raw);
  };
  dur('scan-interval', 'scanIntervalMs');
  dur('max-node-provision-time', 'maxNodeProvisionTimeMs');
  dur('scale-down-unneeded-time', 'scaleDownUnneededTimeMs');
  dur('scale-down-delay-after-add', 'scaleDownDelayAfterAddMs');
  dur('scale-down-delay-after-delete', 'scaleDownDelayAfterDeleteMs');
  dur('scale-down-delay-after-failure', 'scaleDownDelayAfterFailureMs');
  dur('max-pod-eviction-time', 'maxPodEvictionTimeMs');
  if (ca.scanIntervalMs !== undefined && ca.scanIntervalMs <= 0) throw new InvalidValue('invalid --scan-interval: must be greater than 0');
  // CA: --scale-down-delay-after-delete defaults to the scan interval.
  if (ca.scanIntervalMs !== undefined && ca.scaleDownDelayAfterDeleteMs === undefined) ca.scaleDownDelayAfterDeleteMs = ca.scanIntervalMs;
  const expander = str(v, 'expander');
  if (expander !== undefined) {
    const names = expander.split(',').map((s) => s.trim());
    for (const n of names) {
      if (!(EXPANDERS as readonly string[]).includes(n)) throw new InvalidValue(`invalid --expander "${expander}": "${n}" is not one of ${EXPANDERS.join(', ')}`);
    }
    ca.expander = names as ExpanderName[];
  }
  const total = str(v, 'max-nodes-total');
  if (total !== undefined) {
    if (!/^\d+$/.test(total)) throw new InvalidValue(`invalid --max-nodes-total "${total}": must be a non-negative integer`);
    ca.maxNodesTotal = Number(total);
  }
  const threshold = str(v, 'scale-down-utilization-threshold');
  if (threshold !== undefined) {
    const t = Number(threshold);
    if (threshold.trim() === '' || !Number.isFinite(t) || t < 0 || t > 1) throw new InvalidValue(`invalid --scale-down-utilization-threshold "${threshold}": must be a number from 0 to 1`);
    ca.scaleDownUtilizationThreshold = t;
  }
  const enabled = v['scale-down-enabled'];
  if (typeof enabled === 'boolean') ca.scaleDownEnabled = enabled;
  else if (typeof enabled === 'string') ca.scaleDownEnabled = parseBool('scale-down-enabled', enabled);
  return out;
}
