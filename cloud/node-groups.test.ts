import { describe, expect, it } from 'vitest';
import { parseAutoscaleNodes, parseNodeGroups } from './node-groups.js';

describe('parseNodeGroups', () => {
  it('fills the defaults of a minimal group', () => {
    const [g] = parseNodeGroups({ nodeGroups: [{ name: 'pool', minSize: 1, maxSize: 3 }] });
    expect(g).toMatchObject({ name: 'pool', minSize: 1, maxSize: 3, provisioningDelayMs: 10_000, provisioningJitterMs: 2000, deleteDelayMs: 3000 });
    expect(g!.machine.capacity).toMatchObject({ cpu: '8', memory: '32Gi', pods: '110' });
    expect(g!.machine).toMatchObject({ zone: 'kubeling-zone-a', region: 'kubeling-region-1', instanceType: 'kubeling.standard' });
  });

  it('takes a full group', () => {
    const [g] = parseNodeGroups({
      nodeGroups: [
        {
          name: 'gpu',
          minSize: 0,
          maxSize: 2,
          machine: { capacity: { cpu: '16', 'nvidia.com/gpu': '1' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }], zone: 'z1', instanceType: 'g4' },
          provisioning: { delay: '1m', jitter: '0', deleteDelay: '500ms' },
          price: 1.2,
          failures: { create: 'OutOfResources' },
        },
      ],
    });
    expect(g).toMatchObject({ provisioningDelayMs: 60_000, provisioningJitterMs: 0, deleteDelayMs: 500, price: 1.2, createFailure: 'OutOfResources' });
    expect(g!.machine.capacity['nvidia.com/gpu']).toBe('1');
  });

  it.each([
    { name: 'min > max', raw: { nodeGroups: [{ name: 'a', minSize: 3, maxSize: 1 }] }, want: /node group "a": minSize 3 is greater than maxSize 1/ },
    { name: 'unknown resource', raw: { nodeGroups: [{ name: 'a', minSize: 0, maxSize: 1, machine: { capacity: { cpus: '4' } } }] }, want: /unknown resource "cpus"/ },
    { name: 'bad quantity', raw: { nodeGroups: [{ name: 'a', minSize: 0, maxSize: 1, machine: { capacity: { cpu: 'lots' } } }] }, want: /invalid quantity "lots" for cpu/ },
    { name: 'too small for any pod', raw: { nodeGroups: [{ name: 'a', minSize: 0, maxSize: 1, machine: { capacity: { memory: '50Mi' } } }] }, want: /machine too small for any pod: no allocatable memory/ },
    { name: 'no pods', raw: { nodeGroups: [{ name: 'a', minSize: 0, maxSize: 1, machine: { capacity: { pods: '0' } } }] }, want: /no allocatable pods/ },
    { name: 'duplicate', raw: { nodeGroups: [{ name: 'a', minSize: 0, maxSize: 1 }, { name: 'a', minSize: 0, maxSize: 1 }] }, want: /duplicate name/ },
    { name: 'bad name', raw: { nodeGroups: [{ name: 'A_B', minSize: 0, maxSize: 1 }] }, want: /lower-case DNS label/ },
    { name: 'bad duration', raw: { nodeGroups: [{ name: 'a', minSize: 0, maxSize: 1, provisioning: { delay: 'soon' } }] }, want: /must be a duration/ },
    { name: 'unknown failure', raw: { nodeGroups: [{ name: 'a', minSize: 0, maxSize: 1, failures: { create: 'Meteor' } }] }, want: /QuotaExceeded/ },
    { name: 'no groups', raw: { nodeGroups: [] }, want: /invalid node groups/ },
  ])('refuses $name', ({ raw, want }) => {
    expect(() => parseNodeGroups(raw, 'groups.yaml')).toThrow(want);
  });
});

describe('parseAutoscaleNodes', () => {
  it.each([
    { raw: '1:5', want: { min: 1, max: 5 } },
    { raw: '0:0', want: { min: 0, max: 0 } },
  ])('$raw', ({ raw, want }) => expect(parseAutoscaleNodes(raw)).toEqual(want));
  it.each(['5:1', '1-5', 'a:b', '1:5000'])('refuses %s', (raw) => expect(() => parseAutoscaleNodes(raw)).toThrow(/--autoscale-nodes/));
});
