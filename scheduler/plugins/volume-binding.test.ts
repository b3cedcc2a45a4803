import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/core/persistent-volume.js';
import type { StorageClass } from '../../api/storage/storageclass.js';
import { FakeClock } from '../../lib/clock.js';
import { CycleState, type Status } from '../framework.js';
import { makeNode, makeNodeInfo } from '../testing/builders.js';
import type { PodLike } from '../types.js';
import { createVolumeRestrictionsPlugin, ERR_REASON_RWOP_CONFLICT } from './volume-restrictions.js';
import {
  createVolumeBindingPlugin,
  ERR_REASON_BIND_CONFLICT,
  ERR_REASON_NODE_CONFLICT,
  ERR_REASON_UNBOUND_IMMEDIATE,
  podClaimNames,
  type VolumeListers,
} from './volume-binding.js';

const cls = (name: string, mode: string, provisioner = 'rancher.io/local-path', allowedTopologies?: unknown[]): StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name },
  provisioner,
  volumeBindingMode: mode,
  ...(allowedTopologies ? { allowedTopologies: allowedTopologies as StorageClass['allowedTopologies'] } : {}),
});

const claim = (name: string, storageClassName: string, bound?: string): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(bound ? { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName, ...(bound ? { volumeName: bound } : {}) },
  status: { phase: bound ? 'Bound' : 'Pending' },
});

const onNode = (node: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } });

const volume = (name: string, storageClassName: string, node?: string, size = '5Gi'): PersistentVolume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName, local: { path: '/mnt' }, ...(node ? { nodeAffinity: onNode(node) } : {}) },
  status: { phase: 'Available' },
});

function world(claims: PersistentVolumeClaim[], pvs: PersistentVolume[], classes: StorageClass[]): VolumeListers {
  return {
    claim: (ns, n) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === n),
    volume: (n) => pvs.find((v) => v.metadata.name === n),
    volumes: () => pvs,
    storageClass: (n) => classes.find((c) => c.metadata.name === n),
  };
}

const podWith = (...claimNames: string[]): PodLike => ({
  metadata: { name: 'web-0', namespace: 'default', uid: 'p1' },
  spec: { volumes: claimNames.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) },
});

const WFFC = cls('standard', 'WaitForFirstConsumer');
const IMMEDIATE = cls('fast', 'Immediate');
const NO_PROV = cls('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner');
const ZONED = cls('zoned', 'WaitForFirstConsumer', 'rancher.io/local-path', [{ matchLabelExpressions: [{ key: 'zone', values: ['a'] }] }]);

/** Lets pending promise callbacks run (no timers involved). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const noWriter = { claimVolume: async () => undefined, selectNode: async () => undefined };

function run(listers: VolumeListers, pod: PodLike, nodes: string[], labels: Record<string, string> = {}): { pre: Status; filter: Record<string, string> } {
  const plugin = createVolumeBindingPlugin({ listers, writer: noWriter, clock: new FakeClock() });
  const state = new CycleState();
  const pre = plugin.preFilter(pod, state).status;
  const filter: Record<string, string> = {};
  if (pre.code === 'Success') {
    for (const n of nodes) {
      let b = makeNode(n);
      for (const [k, v] of Object.entries(labels)) b = b.label(k, v);
      const s = plugin.filter(pod, makeNodeInfo(b.obj()), state);
      filter[n] = s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(', ')}`;
    }
  }
  return { pre, filter };
}

describe('VolumeBinding PreFilter', () => {
  it.each<[string, PodLike, VolumeListers, string]>([
    ['no claims: skip', podWith(), world([], [], []), 'Skip'],
    ['missing claim', podWith('data'), world([], [], []), 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found'],
    ['unbound immediate claim', podWith('data'), world([claim('data', 'fast')], [], [IMMEDIATE]), `UnschedulableAndUnresolvable: ${ERR_REASON_UNBOUND_IMMEDIATE}`],
    ['claim of a missing class is immediate', podWith('data'), world([claim('data', 'gold')], [], []), `UnschedulableAndUnresolvable: ${ERR_REASON_UNBOUND_IMMEDIATE}`],
    ['delayed claim', podWith('data'), world([claim('data', 'standard')], [], [WFFC]), 'Success: '],
    ['bound claim', podWith('data'), world([claim('data', 'fast', 'pv1')], [volume('pv1', 'fast')], [IMMEDIATE]), 'Success: '],
  ])('%s', (_name, pod, listers, want) => {
    const { pre } = run(listers, pod, []);
    expect(`${pre.code}: ${pre.reasons.join(', ')}`.replace(/^Skip: $/, 'Skip')).toBe(want);
  });
});

describe('VolumeBinding Filter', () => {
  it.each<[string, PodLike, VolumeListers, Record<string, string>]>([
    ['bound volume pinned to n1', podWith('data'), world([claim('data', 'fast', 'pv1')], [volume('pv1', 'fast', 'n1')], [IMMEDIATE]), { n1: 'ok', n2: `UnschedulableAndUnresolvable: ${ERR_REASON_NODE_CONFLICT}` }],
    ['provisioner can serve any node', podWith('data'), world([claim('data', 'standard')], [], [WFFC]), { n1: 'ok', n2: 'ok' }],
    ['no provisioner: only nodes with a local volume', podWith('data'), world([claim('data', 'local')], [volume('lv2', 'local', 'n2')], [NO_PROV]), { n1: `UnschedulableAndUnresolvable: ${ERR_REASON_BIND_CONFLICT}`, n2: 'ok' }],
    ['no provisioner: a volume too small does not count', podWith('data'), world([claim('data', 'local')], [volume('lv2', 'local', 'n2', '100Mi')], [NO_PROV]), { n1: `UnschedulableAndUnresolvable: ${ERR_REASON_BIND_CONFLICT}`, n2: `UnschedulableAndUnresolvable: ${ERR_REASON_BIND_CONFLICT}` }],
    ['two claims cannot share one volume', podWith('a', 'b'), world([claim('a', 'local'), claim('b', 'local')], [volume('lv2', 'local', 'n2')], [NO_PROV]), { n2: `UnschedulableAndUnresolvable: ${ERR_REASON_BIND_CONFLICT}` }],
    ['allowedTopologies outside the node', podWith('data'), world([claim('data', 'zoned')], [], [ZONED]), { n1: `UnschedulableAndUnresolvable: ${ERR_REASON_BIND_CONFLICT}` }],
    ['both reasons at once', podWith('data', 'x'), world([claim('data', 'fast', 'pv1'), claim('x', 'local')], [volume('pv1', 'fast', 'n1')], [IMMEDIATE, NO_PROV]), { n2: `UnschedulableAndUnresolvable: ${ERR_REASON_NODE_CONFLICT}, ${ERR_REASON_BIND_CONFLICT}` }],
  ])('%s', (_name, pod, listers, want) => {
    expect(run(listers, pod, Object.keys(want)).filter).toEqual(want);
  });

  it('admits a zoned class on a node in the zone', () => {
    expect(run(world([claim('data', 'zoned')], [], [ZONED]), podWith('data'), ['n1'], { zone: 'a' }).filter).toEqual({ n1: 'ok' });
  });
});

describe('VolumeBinding PreBind', () => {
  it('selects the node for provisioning, pre-binds a local volume, and waits for the binder', async () => {
    const claims = [claim('data', 'standard'), claim('logs', 'local')];
    const lv = volume('lv1', 'local', 'n1');
    const listers = world(claims, [lv], [WFFC, NO_PROV]);
    const writes: string[] = [];
    const clock = new FakeClock();
    const plugin = createVolumeBindingPlugin({
      listers,
      clock,
      writer: {
        claimVolume: async (pv, c) => void writes.push(`claimRef ${pv.metadata.name} → ${c.metadata.name}`),
        selectNode: async (c, node) => void writes.push(`selected-node ${c.metadata.name} = ${node}`),
      },
    });
    const pending = plugin.preBind(podWith('data', 'logs'), 'n1', { 'kubernetes.io/hostname': 'n1' });
    let result: Status | undefined;
    void pending.then((s) => (result = s));
    await flush();
    expect(writes).toEqual(['selected-node data = n1', 'claimRef lv1 → logs']);
    expect(result).toBeUndefined();
    // The PV controller binds one claim: still waiting; then the other.
    claims[0] = claim('data', 'standard', 'pvc-1');
    plugin.claimsChanged();
    await flush();
    expect(result).toBeUndefined();
    claims[1] = claim('logs', 'local', 'lv1');
    plugin.claimsChanged();
    expect(await pending).toMatchObject({ code: 'Success' });
  });

  it('gives up after the bind timeout', async () => {
    const clock = new FakeClock();
    const plugin = createVolumeBindingPlugin({ listers: world([claim('data', 'standard')], [], [WFFC]), clock, writer: noWriter, bindTimeoutMs: 1000 });
    const pending = plugin.preBind(podWith('data'), 'n1', {});
    await flush();
    clock.advance(1000);
    expect(await pending).toMatchObject({ code: 'Error', reasons: ['binding volumes: context deadline exceeded'] });
  });

  it('names the claims of persistentVolumeClaim and ephemeral volumes', () => {
    expect(podClaimNames({ metadata: { name: 'p' }, spec: { volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'c1' } }, { name: 'scratch', ephemeral: {} }, { name: 'e' }] } })).toEqual(['c1', 'p-scratch']);
  });
});

describe('VolumeRestrictions (ReadWriteOncePod)', () => {
  const rwop: PersistentVolumeClaim = { ...claim('solo', 'standard'), spec: { ...claim('solo', 'standard').spec, accessModes: ['ReadWriteOncePod'] } };
  it.each<[string, PersistentVolumeClaim, number, string]>([
    ['a ReadWriteOncePod claim nobody else uses', rwop, 0, 'Success'],
    ['a ReadWriteOncePod claim another pod uses', rwop, 1, `UnschedulableAndUnresolvable: ${ERR_REASON_RWOP_CONFLICT}`],
    ['a ReadWriteOnce claim is not restricted', claim('solo', 'standard'), 3, 'Skip'],
  ])('%s', (_n, c, users, want) => {
    const plugin = createVolumeRestrictionsPlugin(world([c], [], [WFFC]), { otherUsers: () => users });
    const s = plugin.preFilter(podWith('solo'), new CycleState()).status;
    expect(s.reasons.length ? `${s.code}: ${s.reasons.join(', ')}` : s.code).toBe(want);
  });
});
