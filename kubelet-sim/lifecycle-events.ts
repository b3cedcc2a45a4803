import type { ObjectReference } from '../api/meta.js';
import type { Pod } from '../api/core/pod.js';
import { hexId } from './ids.js';
import type { PodSim } from './pod-lifecycle.js';
import { podDescription } from './pod-status.js';

/**
 * The events a kubelet records as a pod moves between simulated states, with kubelet's
 * reasons and wording (pkg/kubelet/events): Pulling/Pulled per image, Created/Started
 * per container, BackOff in a crash loop, Killing on termination. Pure.
 */

export interface SimEvent {
  ref: ObjectReference;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

function containerRef(pod: Pod, container: string, init = false): ObjectReference {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
    resourceVersion: pod.metadata.resourceVersion,
    fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${container}}`,
  };
}

/** A plausible, stable image size in bytes (10–200 MB). */
export function imageSizeOf(image: string): number {
  return 10_000_000 + (parseInt(hexId(`size:${image}`, 8), 16) % 190_000_000);
}

export function lifecycleEvents(pod: Pod, before: PodSim, after: PodSim, now: number): SimEvent[] {
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const all = [...inits.map((c) => ({ c, init: true })), ...containers.map((c) => ({ c, init: false }))];
  const out: SimEvent[] = [];
  const each = (list: typeof all, type: SimEvent['type'], reason: string, message: (name: string, image: string) => string) => {
    for (const { c, init } of list) out.push({ ref: containerRef(pod, c.name, init), type, reason, message: message(c.name, c.image ?? '') });
  };
  if (before.state === after.state && before.restartCount === after.restartCount) return out;
  switch (after.state) {
    case 'SandboxReady':
      each(all, 'Normal', 'Pulling', (_n, image) => `Pulling image "${image}"`);
      break;
    case 'Pulled': {
      const secs = ((now - (after.sandboxAt ?? now)) / 1000).toFixed(3).replace(/\.?0+$/, '') || '0';
      each(all, 'Normal', 'Pulled', (_n, image) => `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${imageSizeOf(image)} bytes.`);
      break;
    }
    case 'Running': {
      const restarted = before.state === 'BackOff';
      const list = restarted ? all.filter((x) => !x.init) : all;
      if (restarted) each(list, 'Normal', 'Pulled', (_n, image) => `Container image "${image}" already present on machine`);
      each(list, 'Normal', 'Created', (name) => `Created container: ${name}`);
      each(list, 'Normal', 'Started', (name) => `Started container ${name}`);
      break;
    }
    case 'BackOff':
      if (after.backoffStep > 0) {
        each(all.filter((x) => !x.init), 'Warning', 'BackOff', (name) => `Back-off restarting failed container ${name} in pod ${podDescription(pod)}`);
      }
      break;
    case 'Stopped':
      if (before.state === 'Running') each(all.filter((x) => !x.init), 'Normal', 'Killing', (name) => `Stopping container ${name}`);
      break;
    default:
      break;
  }
  return out;
}
