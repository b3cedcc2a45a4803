import type { APIService } from '../../api/apiregistration/apiservice.js';

/**
 * The Local APIServices kube's autoregister controller keeps for the built-in groups, so
 * `kubectl get apiservices` lists them (SERVICE Local, AVAILABLE True). Priorities follow
 * kube-apiserver's table for the groups we serve; others get kube's defaults.
 */
const PRIORITIES: Record<string, [number, number]> = {
  '': [18000, 1],
  apps: [17800, 15],
  autoscaling: [17500, 15],
  'coordination.k8s.io': [16500, 15],
  'discovery.k8s.io': [16200, 15],
  policy: [17600, 15],
  'rbac.authorization.k8s.io': [17000, 15],
  'apiregistration.k8s.io': [18000, 15],
};

export function localApiServices(versions: ReadonlyArray<{ group: string; version: string; preferred: boolean }>): APIService[] {
  return versions.map((v) => {
    const [gpm, vp] = PRIORITIES[v.group] ?? [1000, 15];
    return {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `${v.version}.${v.group}`, labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
      spec: { group: v.group, version: v.version, groupPriorityMinimum: gpm, versionPriority: v.preferred ? vp : Math.max(1, vp - 6) },
    };
  });
}
