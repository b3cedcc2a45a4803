import { CycleState, isRejected, SUCCESS, withPlugin, type Profile, type Status } from '../scheduler/framework.js';
import type { NodeInfo } from '../scheduler/node-info.js';
import { defaultProfile } from '../scheduler/profile.js';
import { runFilterPlugins } from '../scheduler/schedule-pod.js';
import type { PodLike } from '../scheduler/types.js';

/**
 * CA's PredicateChecker: "would the scheduler put this pod on that node?", answered by
 * the scheduler's own PreFilter and Filter plugins (scheduler/plugins), never by a
 * re-implementation, so the autoscaler and the scheduler cannot disagree.
 *
 * PreFilter runs once per pod (its CycleState is cached per pod object); Filter runs per
 * node. A PreFilter rejection (e.g. a node affinity no label can satisfy) is the answer
 * for every node.
 */
export interface PredicateChecker {
  check(pod: PodLike, node: NodeInfo): Status;
}

export function createPredicateChecker(profile: Profile = defaultProfile()): PredicateChecker {
  const prepared = new WeakMap<PodLike, { state: CycleState; rejected?: Status }>();
  const prepare = (pod: PodLike) => {
    let p = prepared.get(pod);
    if (p) return p;
    const state = new CycleState();
    p = { state };
    for (const pl of profile.preFilter) {
      const out = pl.preFilter(pod, state);
      if (out.status.code === 'Skip') state.skipFilter.add(pl.name);
      else if (isRejected(out.status) || out.status.code === 'Error') {
        p.rejected = withPlugin(out.status, pl.name);
        break;
      }
      // nodeNames narrowing only concerns NodeName-style plugins; Filter re-checks them anyway.
    }
    prepared.set(pod, p);
    return p;
  };
  return {
    check(pod, node) {
      const p = prepare(pod);
      if (p.rejected) return p.rejected;
      const s = runFilterPlugins(profile, pod, node, p.state);
      return s.code === 'Skip' ? SUCCESS : s;
    },
  };
}
