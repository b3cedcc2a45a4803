import type { Pod } from '../../api/core/pod.js';
import { parseQuantityOr } from '../../api/quantity.js';
import type { Simulator } from '../simulator.js';
import { podView, type ProfileCache } from './pod-view.js';
import type { NodeView } from './usage-model.js';

/**
 * The usage model's read of the simulator: a node's running pods (state Running, with a
 * run that has not finished) as NodeViews, and which node a pod uid is on. Reads only
 * the simulator's records and its pod informer's cache; changes nothing.
 */
export function createNodeSource(
  sim: () => Simulator | undefined,
  capacity: Record<string, string | number>,
  startedAtMs: number,
  profiles: ProfileCache,
  onBadProfile: (pod: Pod, node: string, message: string) => void,
) {
  const cpuCapacity = parseQuantityOr(capacity['cpu'], 4);
  const memoryCapacity = parseQuantityOr(capacity['memory'], 16 * 2 ** 30);
  const uidNode = new Map<string, string>();

  const source = (name: string): NodeView | undefined => {
    const s = sim();
    const rec = s?.nodes.get(name);
    if (!s || !rec) return undefined;
    const pods = [];
    for (const p of rec.pods) {
      const run = p.sim.run;
      if (p.sim.state !== 'Running' || !run || run.finishedAt !== undefined) continue;
      const pod = s.podInformer.store.get(p.key) as Pod | undefined;
      if (!pod || pod.metadata.uid !== p.uid) continue;
      uidNode.set(p.uid, name);
      pods.push(podView(pod, run.startedAt, p.sim.admittedAt ?? run.startedAt, profiles, (bad, msg) => onBadProfile(bad, name, msg)));
    }
    return { name, cpuCapacity, memoryCapacity, startedAtMs, pods };
  };

  const nodeOf = (uid: string): string | undefined => {
    const hit = uidNode.get(uid);
    if (hit) return hit;
    for (const p of sim()?.pods.values() ?? []) {
      if (p.uid === uid) {
        uidNode.set(uid, p.node.id.name);
        return p.node.id.name;
      }
    }
    return undefined;
  };

  return { source, nodeOf };
}
