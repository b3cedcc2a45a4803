import { afterEach, describe, expect, it } from 'vitest';
import { chooseTopology, COMPONENT_NAMES, LEASE_NAMES } from './topology.js';

describe('chooseTopology', () => {
  const saved = process.env.KUBELING_TOPOLOGY;
  afterEach(() => {
    if (saved === undefined) delete process.env.KUBELING_TOPOLOGY;
    else process.env.KUBELING_TOPOLOGY = saved;
  });

  it('runs the processes when told to', async () => {
    process.env.KUBELING_TOPOLOGY = 'processes';
    expect(await chooseTopology()).toEqual({ kind: 'processes', reason: 'KUBELING_TOPOLOGY=processes' });
  });

  it('refuses an unknown kind', async () => {
    process.env.KUBELING_TOPOLOGY = 'kubernetes';
    await expect(chooseTopology()).rejects.toThrow(/KUBELING_TOPOLOGY must be docker or processes/);
  });

  it('runs the processes by default, even where Docker runs (the image build does not fit a test start-up)', async () => {
    delete process.env.KUBELING_TOPOLOGY;
    const choice = await chooseTopology();
    expect(choice.kind).toBe('processes');
    expect(choice.reason).toMatch(/default.*KUBELING_TOPOLOGY=docker/);
  });
});

describe('LEASE_NAMES', () => {
  it('names the Lease of every leader-elected component, as Kubernetes names them', () => {
    expect(LEASE_NAMES).toEqual({
      'controller-manager': 'kube-controller-manager',
      scheduler: 'kube-scheduler',
      hpa: 'kubeling-hpa',
      'cluster-autoscaler': 'cluster-autoscaler',
    });
    for (const c of Object.keys(LEASE_NAMES)) expect(COMPONENT_NAMES).toContain(c);
  });
});
