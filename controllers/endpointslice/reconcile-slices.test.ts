import { describe, expect, it } from 'vitest';
import type { Node } from '../../api/core/node.js';
import type { Pod } from '../../api/core/pod.js';
import type { Service } from '../../api/core/service.js';
import type { EndpointSlice } from '../../api/discovery/endpointslice.js';
import { node, pod, svc, T0 } from '../endpoints/test-builders.js';
import { planSlices, type SlicePlan } from './reconcile-slices.js';

const nodes: Record<string, Node> = { n1: node('n1', 'zone-a'), n2: node('n2') };
const web = () => svc('web').labels({ team: 'x' }).port({ name: 'http', port: 80, targetPort: 8080 });
const ready = (name: string, ip: string) => pod(name).ip(ip).ready().obj();

function plan(service: Service, pods: Pod[], existing: EndpointSlice[] = [], max = 100, triggerTime: number | undefined = T0): SlicePlan {
  return planSlices({ service, pods, existing, node: (n) => nodes[n], maxEndpointsPerSlice: max, triggerTime });
}

let seq = 0;
/** What the apiserver would hold after the plan's creates (names, uids, versions). */
function persist(slices: EndpointSlice[]): EndpointSlice[] {
  return slices.map((s) => {
    const n = ++seq;
    const name = s.metadata.name ?? `${s.metadata.generateName}x${n}`;
    return { ...structuredClone(s), metadata: { ...structuredClone(s.metadata), name, uid: s.metadata.uid ?? `slice-uid-${n}`, resourceVersion: String(n), generation: 1 } };
  });
}

const counts = (p: SlicePlan) => [p.create.length, p.update.length, p.delete.length];
const ips = (s: EndpointSlice) => (s.endpoints ?? []).map((e) => e.addresses![0]);

describe('planSlices', () => {
  it('a new Service with two ready pods: one slice, labelled, owned, annotated', () => {
    const p = plan(web().obj(), [ready('a', '10.1.0.1'), pod('b').ip('10.1.0.2').ready().node('n2').obj()]);
    expect(counts(p)).toEqual([1, 0, 0]);
    expect(p.create[0]).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: 'web-',
        namespace: 'default',
        labels: { team: 'x', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T12:00:00Z' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: ['10.1.0.1'],
          conditions: { ready: true, serving: true, terminating: false },
          targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
          nodeName: 'n1',
          zone: 'zone-a',
        },
        { addresses: ['10.1.0.2'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' }, nodeName: 'n2' },
      ],
    });
  });

  it.each<{ name: string; pod: Pod; conditions: object }>([
    { name: 'not ready', pod: pod('a').ip('10.1.0.1').ready('False').obj(), conditions: { ready: false, serving: false, terminating: false } },
    { name: 'terminating but serving', pod: pod('a').ip('10.1.0.1').ready().deleting().obj(), conditions: { ready: false, serving: true, terminating: true } },
  ])('conditions: $name', ({ pod: p, conditions }) => {
    expect(plan(web().obj(), [p]).create[0]!.endpoints![0]!.conditions).toEqual(conditions);
  });

  it('publishNotReadyAddresses: always ready', () => {
    const p = plan(web().publishNotReady().obj(), [pod('a').ip('10.1.0.1').ready('False').deleting().obj()]);
    expect(p.create[0]!.endpoints![0]!.conditions).toEqual({ ready: true, serving: false, terminating: true });
  });

  it('no pods: a placeholder slice, kept as is on the next sync', () => {
    const first = plan(web().obj(), []);
    expect(counts(first)).toEqual([1, 0, 0]);
    expect(first.create[0]).toMatchObject({ ports: [], endpoints: [], addressType: 'IPv4' });
    expect(counts(plan(web().obj(), [], persist(first.create)))).toEqual([0, 0, 0]);
  });

  it('nothing changed: no writes at all', () => {
    const pods = [ready('a', '10.1.0.1'), ready('b', '10.1.0.2')];
    const existing = persist(plan(web().obj(), pods).create);
    expect(counts(plan(web().obj(), pods, existing, 100, undefined))).toEqual([0, 0, 0]);
  });

  it('a pod going unready rewrites its slice in place (same name and version)', () => {
    const existing = persist(plan(web().obj(), [ready('a', '10.1.0.1'), ready('b', '10.1.0.2')]).create);
    const p = plan(web().obj(), [ready('a', '10.1.0.1'), pod('b').ip('10.1.0.2').ready('False').obj()], existing, 100, T0 + 5000);
    expect(counts(p)).toEqual([0, 1, 0]);
    expect(p.update[0]!.metadata).toMatchObject({ name: existing[0]!.metadata.name, resourceVersion: existing[0]!.metadata.resourceVersion });
    expect(p.update[0]!.endpoints!.map((e) => e.conditions!.ready)).toEqual([true, false]);
    expect(p.update[0]!.metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time']).toBe('2026-01-01T12:00:05Z');
  });

  it('at most maxEndpointsPerSlice per slice', () => {
    const pods = Array.from({ length: 25 }, (_, i) => ready(`p${String(i).padStart(2, '0')}`, `10.1.0.${i + 1}`));
    const p = plan(web().obj(), pods, [], 10);
    expect(p.create.map((s) => s.endpoints!.length)).toEqual([10, 10, 5]);
  });

  it('a new endpoint that fits no unchanged slice gets a new slice; full slices stay untouched', () => {
    const pods = Array.from({ length: 10 }, (_, i) => ready(`p${i}`, `10.1.0.${i + 1}`));
    const existing = persist(plan(web().obj(), pods, [], 10).create);
    const p = plan(web().obj(), [...pods, ready('zz', '10.1.1.1')], existing, 10);
    expect(counts(p)).toEqual([1, 0, 0]);
    expect(ips(p.create[0]!)).toEqual(['10.1.1.1']);
  });

  it('a new endpoint fills an unchanged slice with room', () => {
    const existing = persist(plan(web().obj(), [ready('a', '10.1.0.1')]).create);
    const p = plan(web().obj(), [ready('a', '10.1.0.1'), ready('b', '10.1.0.2')], existing);
    expect(counts(p)).toEqual([0, 1, 0]);
    expect(ips(p.update[0]!)).toEqual(['10.1.0.1', '10.1.0.2']);
  });

  it('one pod replaced by another: the slice is rewritten, nothing created', () => {
    const existing = persist(plan(web().obj(), [ready('a', '10.1.0.1'), ready('b', '10.1.0.2')]).create);
    const p = plan(web().obj(), [ready('a', '10.1.0.1'), ready('c', '10.1.0.3')], existing);
    expect(counts(p)).toEqual([0, 1, 0]);
    expect(ips(p.update[0]!)).toEqual(['10.1.0.1', '10.1.0.3']);
  });

  it('every pod gone: the slice is rewritten into the placeholder rather than deleted and recreated', () => {
    const existing = persist(plan(web().obj(), [ready('a', '10.1.0.1')]).create);
    const p = plan(web().obj(), [], existing);
    expect(counts(p)).toEqual([0, 1, 0]);
    expect(p.update[0]).toMatchObject({ metadata: { name: existing[0]!.metadata.name }, ports: [], endpoints: [] });
  });

  it('pods offering different port sets go to different slices', () => {
    const s = svc('web').port({ name: 'http', port: 80, targetPort: 'http' }).port({ name: 'm', port: 9090 }).obj();
    const p = plan(s, [pod('a').ip('10.1.0.1').ready().containerPort('http', 8080).obj(), ready('b', '10.1.0.2')]);
    expect(p.create.map((x) => [x.ports!.map((q) => q.port), ips(x)])).toEqual([
      [[8080, 9090], ['10.1.0.1']],
      [[9090], ['10.1.0.2']],
    ]);
  });

  it('a slice owned by an earlier Service of the same name is replaced', () => {
    const old = persist(plan({ ...web().obj(), metadata: { ...web().obj().metadata, uid: 'old-uid' } }, [ready('a', '10.1.0.1')]).create);
    const p = plan(web().obj(), [ready('a', '10.1.0.1')], old);
    expect(counts(p)).toEqual([1, 0, 1]);
    expect(p.delete[0]!.metadata.name).toBe(old[0]!.metadata.name);
  });

  it('label drift on the Service is copied to its slices', () => {
    const existing = persist(plan(web().obj(), [ready('a', '10.1.0.1')]).create);
    const p = plan(web().labels({ team: 'y' }).obj(), [ready('a', '10.1.0.1')], existing);
    expect(counts(p)).toEqual([0, 1, 0]);
    expect(p.update[0]!.metadata.labels!.team).toBe('y');
  });

  it('a headless Service: the headless label, hostnames for its subdomain', () => {
    const p = plan(web().headless().obj(), [pod('a').ip('10.1.0.1').ready().hostname('a', 'web').obj()]);
    expect(p.create[0]!.metadata.labels!['service.kubernetes.io/headless']).toBe('');
    expect(p.create[0]!.endpoints![0]!.hostname).toBe('a');
  });

  it('a pod on an unknown node is left out and reported', () => {
    const p = plan(web().obj(), [ready('a', '10.1.0.1'), pod('b').ip('10.1.0.2').ready().node('ghost').obj()]);
    expect(ips(p.create[0]!)).toEqual(['10.1.0.1']);
    expect(p.errors).toEqual(['skipping Pod b for Service default/web: Node ghost Not Found']);
  });

  it('address types the Service lost are deleted; dual-stack gets a slice per family', () => {
    const existing = persist(plan(web().obj(), [ready('a', '10.1.0.1')]).create);
    const v6 = web().obj();
    v6.spec!.ipFamilies = ['IPv6'];
    const p6 = plan(v6, [], existing);
    expect(p6.delete.map((s) => s.addressType)).toEqual(['IPv4']);
    expect(p6.create.map((s) => s.addressType)).toEqual(['IPv6']);
    const dual = web().obj();
    dual.spec!.ipFamilies = ['IPv4', 'IPv6'];
    const dualPod = ready('a', '10.1.0.1');
    dualPod.status!.podIPs = [{ ip: '10.1.0.1' }, { ip: 'fd00::1' }];
    expect(plan(dual, [dualPod]).create.map((s) => [s.addressType, ips(s)])).toEqual([
      ['IPv4', ['10.1.0.1']],
      ['IPv6', ['fd00::1']],
    ]);
  });
});
