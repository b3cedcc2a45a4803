import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import type { ResourceQuota } from '../../api/core/resource-quota.js';
import { evaluateQuotas } from './resource-quota.js';

const pods = { group: '', plural: 'pods' };
const services = { group: '', plural: 'services' };
const deployments = { group: 'apps', plural: 'deployments' };

const quota = (name: string, hard: Record<string, string>, used: Record<string, string> | undefined, spec: Partial<NonNullable<ResourceQuota['spec']>> = {}): ResourceQuota =>
  ({ metadata: { name, namespace: 'ns', resourceVersion: '5' }, spec: { hard, ...spec }, status: used ? { hard, used } : undefined }) as ResourceQuota;

const pod = (name: string, resources?: { requests?: Record<string, string>; limits?: Record<string, string> }, extra: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', ...(resources ? { resources } : {}) }], ...extra } }) as KubeObject;

describe('ResourceQuota admission', () => {
  it('charges a pod against the quota and returns the new usage', () => {
    const d = evaluateQuotas(pods, 'CREATE', pod('a'), null, [quota('q', { pods: '3' }, { pods: '1' })]);
    expect(d).toEqual({ ok: true, charges: [expect.objectContaining({ used: { pods: '2' } })] });
  });

  it('refuses with kube\'s "exceeded quota" message', () => {
    const d = evaluateQuotas(pods, 'CREATE', pod('a', { requests: { cpu: '500m' }, limits: { cpu: '1' } }), null, [quota('compute', { pods: '10', 'requests.cpu': '1' }, { pods: '1', 'requests.cpu': '800m' })]);
    expect(d).toEqual({ ok: false, reason: 'exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=800m, limited: requests.cpu=1' });
  });

  it('writes memory in the binary form of its limit', () => {
    const d = evaluateQuotas(pods, 'CREATE', pod('a', { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } }), null, [quota('mem', { 'limits.memory': '2Gi' }, { 'limits.memory': '1536Mi' })]);
    expect(d).toEqual({ ok: false, reason: 'exceeded quota: mem, requested: limits.memory=1Gi, used: limits.memory=1536Mi, limited: limits.memory=2Gi' });
  });

  it('asks every container to state the cpu and memory a quota restricts', () => {
    const d = evaluateQuotas(pods, 'CREATE', pod('a', { requests: { cpu: '1' } }), null, [quota('compute', { 'requests.cpu': '4', 'limits.memory': '1Gi', memory: '1Gi' }, {})]);
    expect(d).toEqual({ ok: false, reason: 'failed quota: compute: must specify limits.memory for: c; memory for: c' });
  });

  it('refuses while the controller has not counted yet', () => {
    const d = evaluateQuotas(pods, 'CREATE', pod('a'), null, [quota('fresh', { pods: '1', services: '1' }, undefined)]);
    expect(d).toEqual({ ok: false, reason: 'status unknown for quota: fresh, resources: pods' });
  });

  it('counts any kind with count/<resource>.<group>', () => {
    const dep = { metadata: { name: 'd', namespace: 'ns' } } as KubeObject;
    expect(evaluateQuotas(deployments, 'CREATE', dep, null, [quota('q', { 'count/deployments.apps': '1' }, { 'count/deployments.apps': '1' })])).toEqual({
      ok: false,
      reason: 'exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1',
    });
  });

  it('charges an update only for what grows (a Service becoming a LoadBalancer)', () => {
    const svc = (type: string) => ({ metadata: { name: 's', namespace: 'ns' }, spec: { type, ports: [{ port: 80 }] } }) as KubeObject;
    const q = quota('q', { services: '5', 'services.loadbalancers': '0' }, { services: '1', 'services.loadbalancers': '0' });
    expect(evaluateQuotas(services, 'UPDATE', svc('ClusterIP'), svc('ClusterIP'), [q])).toEqual({ ok: true, charges: [] });
    expect(evaluateQuotas(services, 'UPDATE', svc('LoadBalancer'), svc('ClusterIP'), [q])).toEqual({
      ok: false,
      reason: 'exceeded quota: q, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0',
    });
  });

  it('applies scopes: a BestEffort quota ignores pods with requests, a Terminating one pods without a deadline', () => {
    const besteffort = quota('be', { pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] });
    expect(evaluateQuotas(pods, 'CREATE', pod('a', { requests: { cpu: '1' } }), null, [besteffort])).toEqual({ ok: true, charges: [] });
    expect(evaluateQuotas(pods, 'CREATE', pod('a'), null, [besteffort]).ok).toBe(false);
    const terminating = quota('t', { pods: '0' }, { pods: '0' }, { scopes: ['Terminating'] });
    expect(evaluateQuotas(pods, 'CREATE', pod('a'), null, [terminating]).ok).toBe(true);
    expect(evaluateQuotas(pods, 'CREATE', pod('a', undefined, { activeDeadlineSeconds: 60 }), null, [terminating]).ok).toBe(false);
  });

  it('selects by priority class with scopeSelector', () => {
    const q = quota('high', { pods: '0' }, { pods: '0' }, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } });
    expect(evaluateQuotas(pods, 'CREATE', pod('a', undefined, { priorityClassName: 'low' }), null, [q]).ok).toBe(true);
    expect(evaluateQuotas(pods, 'CREATE', pod('a', undefined, { priorityClassName: 'high' }), null, [q]).ok).toBe(false);
  });

  it('does not count a finished pod', () => {
    const done = { ...pod('a'), status: { phase: 'Succeeded' } } as KubeObject;
    expect(evaluateQuotas(pods, 'CREATE', done, null, [quota('q', { pods: '0' }, { pods: '0' })])).toEqual({ ok: true, charges: [] });
  });
});
