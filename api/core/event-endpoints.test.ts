import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { endpointsResource, endpointsSchema, formatEndpoints } from './endpoints.js';
import { eventResource, eventSchema, type Event } from './event.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const o = (x: unknown) => x as KubeObject;
const fmt = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

function ev(extra: Record<string, unknown>): Event {
  return eventSchema.parse({
    metadata: { name: 'web.17c1', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: ' Successfully pulled image "nginx" \n',
    type: 'Normal',
    ...extra,
  });
}

describe('event', () => {
  it('prints the wide row as kube-apiserver does', () => {
    const e = ev({ source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: '2024-05-01T11:50:00Z', lastTimestamp: '2024-05-01T11:59:00Z', count: 4 });
    expect(eventResource.tableRow(o(e), now)).toEqual([
      '60s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '10m', 4, 'web.17c1',
    ]);
    expect(eventResource.tableColumns.map((c) => c.name)).toEqual([
      'Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name',
    ]);
  });

  it('prints new-style events from eventTime and series', () => {
    const e = ev({ eventTime: '2024-05-01T11:58:00.000000Z', reportingComponent: 'default-scheduler', reportingInstance: 'sched-1', action: 'Binding', series: { count: 7, lastObservedTime: '2024-05-01T11:59:30.000000Z' } });
    const row = eventResource.tableRow(o(e), now);
    expect([row[0], row[5], row[7], row[8]]).toEqual(['30s', 'default-scheduler, sched-1', '2m', 7]);
    expect(eventResource.fieldSelectors!.source!(o(e))).toBe('default-scheduler');
  });

  it.each([
    ['old style, matching namespace', {}, []],
    ['old style, other namespace', { involvedObject: { kind: 'Pod', namespace: 'kube-system', name: 'x' } }, ['involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace']],
    ['new style needs reporting fields', { eventTime: '2024-05-01T11:58:00.000000Z' }, ['reportingController: Required value', 'reportingInstance: Required value', 'action: Required value']],
  ])('%s', (_n, extra, want) => {
    const errs = fmt(eventResource.validate(o(ev(extra)))).filter((e) => !e.startsWith('reportingController: Invalid'));
    expect(errs).toEqual(want);
  });

  it('selects on involvedObject and type', () => {
    const f = eventResource.fieldSelectors!;
    const e = o(ev({}));
    expect(f['involvedObject.name']!(e)).toBe('web');
    expect(f['involvedObject.kind']!(e)).toBe('Pod');
    expect(f['involvedObject.uid']!(e)).toBe('u1');
    expect(f.type!(e)).toBe('Normal');
    expect(f.reason!(e)).toBe('Pulled');
  });
});

describe('endpoints', () => {
  const addrs = (n: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.0.0.${i + 1}` }));
  it.each([
    [[], '<none>'],
    [[{ addresses: addrs(2), ports: [{ port: 80 }] }], '10.0.0.1:80,10.0.0.2:80'],
    [[{ addresses: addrs(2) }], '10.0.0.1,10.0.0.2'],
    [[{ addresses: addrs(2), ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] }], '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...'],
    [[{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }], '[fd00::1]:80'],
    [[{ notReadyAddresses: addrs(1), ports: [{ port: 80 }] }], ''],
  ])('%j → %s', (subsets, want) => {
    expect(formatEndpoints(endpointsSchema.parse({ metadata: { name: 'web' }, subsets }))).toBe(want);
  });

  it('defaults protocol and validates', () => {
    const ep = endpointsSchema.parse({ metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.x' }], ports: [{ port: 80 }, { port: 81 }] }, {}] });
    endpointsResource.defaults(o(ep));
    expect(ep.subsets?.[0]?.ports?.[0]?.protocol).toBe('TCP');
    expect(fmt(endpointsResource.validate(o(ep)))).toEqual([
      'subsets[0].addresses[0].ip: Invalid value: "10.0.0.x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[0].ports[0].name: Required value',
      'subsets[0].ports[1].name: Required value',
      'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
    ]);
  });

  it.each([
    ['127.0.0.1', 'may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['::1', 'may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['169.254.3.4', 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    ['224.0.0.5', 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
    ['0.0.0.0', 'may not be unspecified (0.0.0.0)'],
  ])('refuses the special address %s in addresses and notReadyAddresses, as kube does', (ip, detail) => {
    const ep = endpointsSchema.parse({ metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip }], notReadyAddresses: [{ ip }], ports: [{ port: 80, protocol: 'TCP' }] }] });
    expect(fmt(endpointsResource.validate(o(ep)))).toEqual([
      `subsets[0].addresses[0].ip: Invalid value: "${ip}": ${detail}`,
      `subsets[0].notReadyAddresses[0].ip: Invalid value: "${ip}": ${detail}`,
    ]);
  });
});
