/**
 * The default scheduler profile: kube-scheduler's default plugin set, reduced to the
 * plugins Kubeling implements, in kube's order and with kube's score weights
 * (TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, BalancedAllocation 1).
 * Not implemented (they need objects Kubeling's scheduler does not model yet):
 * PodTopologySpread and InterPodAffinity (weight 2 each), the volume plugins but
 * VolumeBinding (added by startScheduler, see withVolumeBinding),
 * ImageLocality, and DefaultPreemption, which is stood in for only in the FitError
 * message (`preemption: true`, see fit-error.ts).
 */
import type { PreFilterPlugin, Profile } from './framework.js';
import type { PodLike } from './types.js';
import { balancedAllocationPlugin } from './plugins/balanced-allocation.js';
import { nodeAffinityPlugin } from './plugins/node-affinity.js';
import { nodeNamePlugin } from './plugins/node-name.js';
import { nodePortsPlugin } from './plugins/node-ports.js';
import { nodeResourcesFitPlugin } from './plugins/node-resources-fit.js';
import { nodeUnschedulablePlugin } from './plugins/node-unschedulable.js';
import { taintTolerationPlugin } from './plugins/taint-toleration.js';
import type { VolumeBindingPlugin } from './plugins/volume-binding.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export function defaultProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    schedulerName: DEFAULT_SCHEDULER_NAME,
    preFilter: [nodeAffinityPlugin, nodePortsPlugin, nodeResourcesFitPlugin],
    filter: [
      nodeUnschedulablePlugin,
      nodeNamePlugin,
      taintTolerationPlugin,
      nodeAffinityPlugin,
      nodePortsPlugin,
      nodeResourcesFitPlugin,
    ],
    preScore: [taintTolerationPlugin, nodeAffinityPlugin, nodeResourcesFitPlugin, balancedAllocationPlugin],
    score: [
      { plugin: taintTolerationPlugin, weight: 3 },
      { plugin: nodeAffinityPlugin, weight: 2 },
      { plugin: nodeResourcesFitPlugin, weight: 1 },
      { plugin: balancedAllocationPlugin, weight: 1 },
    ],
    preemption: true,
    ...overrides,
  };
}

/**
 * The profile with VolumeBinding (and VolumeRestrictions' PreFilter before it) at kube's places: PreFilter and Filter after
 * NodeResourcesFit, and PreBind (which needs the scheduler's caches and client, so the
 * plugin is built by startScheduler).
 */
export function withVolumeBinding(profile: Profile, plugin: VolumeBindingPlugin, restrictions?: PreFilterPlugin): Profile {
  return {
    ...profile,
    preFilter: [...profile.preFilter, ...(restrictions ? [restrictions] : []), plugin],
    filter: [...profile.filter, plugin],
    preBind: [...(profile.preBind ?? []), plugin],
  };
}

/**
 * The profile for a pod's spec.schedulerName (unset means default-scheduler), or
 * undefined when this scheduler does not own the pod — kube-scheduler leaves such pods to
 * whichever scheduler claims that name.
 */
export function profileForPod(pod: PodLike, profiles: readonly Profile[]): Profile | undefined {
  const name = pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME;
  return profiles.find((p) => p.schedulerName === name);
}
