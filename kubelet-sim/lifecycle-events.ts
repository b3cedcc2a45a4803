import type { ObjectReference } from '../api/meta.js';
import type { Pod } from '../api/core/pod.js';
import { imageSizeOf } from './image-cache.js';
import { alreadyPresentMessage, hasBit, neverPullMessage } from './image-pull.js';
import type { PodSim } from './pod-lifecycle.js';
import { podDescription } from './pod-status.js';

/**
 * The events a kubelet records as a pod moves between simulated states, with kubelet's
 * reasons and wording (pkg/kubelet/events): Pulling/Pulled per image (or Pulled "already
 * present", or ErrImageNeverPull), Created/Started per container, BackOff in a crash
 * loop, Killing on termination. Pure.
 */

export interface SimEvent {
  ref: ObjectReference;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export function containerRef(pod: Pod, container: string, init = false): ObjectReference {
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

/** Go's time.Duration String() for whole milliseconds, as kubelet prints pull times: 250ms, 1.5s, 1m2.5s. */
export function goDurationMs(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = `${+((ms % 60_000) / 1000).toFixed(3)}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  return m > 0 ? `${m}m${s}` : s;
}

export function lifecycleEvents(pod: Pod, before: PodSim, after: PodSim, now: number): SimEvent[] {
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const all = [...inits.map((c) => ({ c, init: true })), ...containers.map((c) => ({ c, init: false }))];
  const out: SimEvent[] = [];
  const each = (list: typeof all, type: SimEvent['type'], reason: string, message: (name: string, image: string) => string) => {
    for (const { c, init } of list) out.push({ ref: containerRef(pod, c.name, init), type, reason, message: message(c.name, c.image ?? '') });
  };
  // SandboxReady again: a pod blocked by imagePullPolicy Never looked at anew.
  const retry = before.state === 'SandboxReady' && after.state === 'SandboxReady';
  if (!retry && before.state === after.state && before.restartCount === after.restartCount) return out;
  // Which containers fetch their image (no plan: a pod adopted mid-start, or a stage config
  // without image stages: every image is pulled, as before image caching).
  const pulls = all.map((_x, i) => after.image === undefined || hasBit(after.imageMask, i));
  switch (after.state) {
    case 'SandboxReady':
      if (after.image === 'never-missing') {
        for (const [i, { c, init }] of all.entries()) {
          if (!hasBit(after.imageMask, i)) continue;
          const ref = containerRef(pod, c.name, init);
          out.push({ ref, type: 'Warning', reason: 'ErrImageNeverPull', message: neverPullMessage(c.image ?? '') });
          out.push({ ref, type: 'Warning', reason: 'Failed', message: 'Error: ErrImageNeverPull' });
        }
      } else if (!retry) {
        each(all.filter((_x, i) => pulls[i]), 'Normal', 'Pulling', (_n, image) => `Pulling image "${image}"`);
      }
      break;
    case 'Pulled': {
      const took = goDurationMs(now - (after.sandboxAt ?? now));
      for (const [i, { c, init }] of all.entries()) {
        const image = c.image ?? '';
        const message = pulls[i]
          ? `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${imageSizeOf(image)} bytes.`
          : alreadyPresentMessage(image);
        out.push({ ref: containerRef(pod, c.name, init), type: 'Normal', reason: 'Pulled', message });
      }
      break;
    }
    case 'Running': {
      const restarted = before.state === 'BackOff';
      // Init containers ran before (their events came as each started: simulator.advanceInit).
      const list = restarted || after.init ? all.filter((x) => !x.init) : all;
      if (restarted) each(list, 'Normal', 'Pulled', (_n, image) => alreadyPresentMessage(image));
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
