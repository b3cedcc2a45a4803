import { stringify } from 'yaml';
import type { NodeGroupView } from '../cloud/cloud-provider.js';
import type { GroupCounts } from './cluster-state.js';

/**
 * The `cluster-autoscaler-status` ConfigMap's `status` document in CA's YAML format
 * (clusterstate/api, CA ≥ 1.30): cluster-wide health, scale-up and scale-down, then the
 * same per node group. Transition times are kept by `StatusTracker` across loops.
 */

export interface StatusInput {
  now: number;
  readyNodes: number;
  unreadyNodes: number;
  totalNodes: number;
  /** Nodes registered but not yet ready (booting). */
  notStarted: number;
  unregistered: number;
  longUnregistered: number;
  healthy: boolean;
  scaleUpInProgress: boolean;
  scaleDownCandidates: number;
  groups: Array<{
    view: NodeGroupView;
    counts: GroupCounts;
    backoff?: { errorCode: string; errorMessage: string };
    scaleDownCandidates: number;
  }>;
}

/** Go's time.Time String() in UTC, as CA writes `time:`. */
export function goTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000000 +0000 UTC`;
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Remembers when each status value last changed, keyed by its path. */
export class StatusTracker {
  private readonly since = new Map<string, { value: string; at: number }>();

  stamp(path: string, value: string, now: number): { lastProbeTime: string; lastTransitionTime: string } {
    const prev = this.since.get(path);
    if (!prev || prev.value !== value) this.since.set(path, { value, at: now });
    return { lastProbeTime: rfc3339(now), lastTransitionTime: rfc3339(this.since.get(path)!.at) };
  }
}

export function renderStatus(s: StatusInput, t: StatusTracker): string {
  const health = s.healthy ? 'Healthy' : 'Unhealthy';
  const scaleUp = s.scaleUpInProgress ? 'InProgress' : 'NoActivity';
  const scaleDown = s.scaleDownCandidates > 0 ? 'CandidatesPresent' : 'NoCandidates';
  const doc = {
    time: goTime(s.now),
    autoscalerStatus: 'Running',
    clusterWide: {
      health: {
        status: health,
        nodeCounts: {
          registered: { total: s.totalNodes, ready: s.readyNodes, notStarted: s.notStarted, unready: { total: s.unreadyNodes - s.notStarted, resourceUnready: 0 } },
          longUnregistered: s.longUnregistered,
          unregistered: s.unregistered,
        },
        ...t.stamp('cluster/health', health, s.now),
      },
      scaleUp: { status: scaleUp, ...t.stamp('cluster/scaleUp', scaleUp, s.now) },
      scaleDown: { status: scaleDown, ...(s.scaleDownCandidates > 0 ? { candidates: s.scaleDownCandidates } : {}), ...t.stamp('cluster/scaleDown', scaleDown, s.now) },
    },
    nodeGroups: s.groups.map((g) => {
      const c = g.counts;
      const gUp = g.backoff ? 'Backoff' : c.upcoming > 0 ? 'InProgress' : 'NoActivity';
      const gDown = g.scaleDownCandidates > 0 ? 'CandidatesPresent' : 'NoCandidates';
      const gHealth = c.failed.length + c.overdue.length > 0 && c.ready < g.view.minSize ? 'Unhealthy' : 'Healthy';
      const name = g.view.name;
      return {
        name,
        health: {
          status: gHealth,
          nodeCounts: {
            registered: { total: c.registered, ready: c.ready, notStarted: c.notStarted, unready: { total: 0, resourceUnready: 0 } },
            longUnregistered: c.overdue.length,
            unregistered: c.upcoming - c.notStarted > 0 ? c.upcoming - c.notStarted : 0,
          },
          cloudProviderTarget: g.view.targetSize,
          minSize: g.view.minSize,
          maxSize: g.view.maxSize,
          ...t.stamp(`${name}/health`, gHealth, s.now),
        },
        scaleUp: {
          status: gUp,
          ...(g.backoff ? { backoffInfo: { errorCode: g.backoff.errorCode, errorMessage: g.backoff.errorMessage } } : {}),
          ...t.stamp(`${name}/scaleUp`, gUp, s.now),
        },
        scaleDown: { status: gDown, ...(g.scaleDownCandidates > 0 ? { candidates: g.scaleDownCandidates } : {}), ...t.stamp(`${name}/scaleDown`, gDown, s.now) },
      };
    }),
  };
  return stringify(doc, { lineWidth: 0 });
}
