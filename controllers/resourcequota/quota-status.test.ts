import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import type { ResourceQuota } from '../../api/core/resource-quota.js';
import { countedKinds, quotaStatus, statusChanged } from './quota-status.js';

const pods = { group: '', plural: 'pods' };
const configmaps = { group: '', plural: 'configmaps' };
const pod = (name: string, cpu?: string, phase = 'Running'): KubeObject =>
  ({ metadata: { name }, spec: { containers: [{ name: 'c', ...(cpu ? { resources: { requests: { cpu }, limits: { cpu } } } : {}) }] }, status: { phase } }) as KubeObject;

describe('quota status', () => {
  const objects: Record<string, KubeObject[]> = {
    pods: [pod('a', '250m'), pod('b', '500m'), pod('done', '1', 'Succeeded'), pod('be')],
    configmaps: [{ metadata: { name: 'x' } } as KubeObject],
  };
  const of = (rt: { plural: string }) => objects[rt.plural] ?? [];

  it('counts pods (not finished ones), their cpu, and configmaps', () => {
    const q = { metadata: { name: 'q' }, spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.cpu': '4', configmaps: '5', 'count/configmaps': '5' } } } as ResourceQuota;
    expect(quotaStatus(q, [pods, configmaps], of)).toEqual({
      hard: { pods: '10', 'requests.cpu': '4', 'limits.cpu': '4', configmaps: '5', 'count/configmaps': '5' },
      used: { pods: '3', 'requests.cpu': '750m', 'limits.cpu': '750m', configmaps: '1', 'count/configmaps': '1' },
    });
  });

  it('applies the scopes of the quota', () => {
    const q = { metadata: { name: 'q' }, spec: { hard: { pods: '10' }, scopes: ['BestEffort'] } } as ResourceQuota;
    expect(quotaStatus(q, [pods, configmaps], of).used).toEqual({ pods: '1' });
  });

  it('knows when nothing changed', () => {
    const q = { metadata: { name: 'q' }, spec: { hard: { pods: '10' } }, status: { hard: { pods: '10' }, used: { pods: '3' } } } as ResourceQuota;
    expect(statusChanged(q, { hard: { pods: '10' }, used: { pods: '3' } })).toBe(false);
    expect(statusChanged(q, { hard: { pods: '10' }, used: { pods: '2' } })).toBe(true);
  });

  it('finds the kinds named by count/ resources', () => {
    const q = { metadata: { name: 'q' }, spec: { hard: { 'count/deployments.apps': '1', 'count/secrets': '2', pods: '1' } } } as ResourceQuota;
    expect(countedKinds(q)).toEqual([{ group: 'apps', plural: 'deployments' }, { group: '', plural: 'secrets' }]);
  });
});
