import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/core/pod.js';
import { findPort, managesEndpoints, shouldPodBeInEndpoints } from './pod-endpoint-util.js';
import { podServiceMemberships, servicesToUpdateOnPodChange } from './service-membership.js';
import { pod, svc } from './test-builders.js';

const services = [
  svc('web').obj(),
  svc('web-canary').selector({ app: 'web', track: 'canary' }).obj(),
  svc('db').selector({ app: 'db' }).obj(),
  svc('manual').selector(undefined).obj(),
  svc('web').selector({ app: 'web' }).obj(),
].map((s, i) => (i === 4 ? { ...s, metadata: { ...s.metadata, namespace: 'other' } } : s));

describe('podServiceMemberships', () => {
  it('the Services of the pod’s namespace whose selector matches; never selector-less ones', () => {
    expect([...podServiceMemberships(services, pod('a').obj())]).toEqual(['default/web']);
    expect([...podServiceMemberships(services, pod('a').labels({ app: 'web', track: 'canary' }).obj())]).toEqual(['default/web', 'default/web-canary']);
    expect([...podServiceMemberships(services, pod('a').labels({}).obj())]).toEqual([]);
  });
});

describe('servicesToUpdateOnPodChange', () => {
  const base = () => pod('a').ip('10.1.0.1').obj();
  const rv = (p: Pod, v: string): Pod => ({ ...p, metadata: { ...p.metadata, resourceVersion: v } });
  it.each<{ name: string; old: Pod; cur: Pod; want: string[] }>([
    { name: 'resync (same resourceVersion): nothing', old: rv(base(), '1'), cur: rv(pod('a').ready().obj(), '1'), want: [] },
    { name: 'irrelevant change (annotation): nothing', old: rv(base(), '1'), cur: rv({ ...base(), metadata: { ...base().metadata, annotations: { x: 'y' } } }, '2'), want: [] },
    { name: 'readiness flip: current members', old: rv(base(), '1'), cur: rv(pod('a').ip('10.1.0.1').ready().obj(), '2'), want: ['default/web'] },
    { name: 'new IP: current members', old: rv(base(), '1'), cur: rv(pod('a').ip('10.1.0.9').obj(), '2'), want: ['default/web'] },
    { name: 'deletion: current members', old: rv(base(), '1'), cur: rv(pod('a').ip('10.1.0.1').deleting().obj(), '2'), want: ['default/web'] },
    {
      name: 'labels only: the Services joined or left',
      old: rv(base(), '1'),
      cur: rv(pod('a').ip('10.1.0.1').labels({ app: 'web', track: 'canary' }).obj(), '2'),
      want: ['default/web-canary'],
    },
    { name: 'labels and readiness: old and new members', old: rv(base(), '1'), cur: rv(pod('a').ip('10.1.0.1').ready().labels({ app: 'db' }).obj(), '2'), want: ['default/web', 'default/db'] },
    { name: 'hostname change: current members', old: rv(base(), '1'), cur: rv(pod('a').ip('10.1.0.1').hostname('h', 'web').obj(), '2'), want: ['default/web'] },
  ])('$name', ({ old, cur, want }) => {
    expect([...servicesToUpdateOnPodChange(services, old, cur)].sort()).toEqual([...want].sort());
  });
});

describe('pod-endpoint-util', () => {
  it('managesEndpoints: a selector and not ExternalName', () => {
    expect(managesEndpoints(svc('a').obj())).toBe(true);
    expect(managesEndpoints(svc('a').selector(undefined).obj())).toBe(false);
    expect(managesEndpoints(svc('a').selector({}).obj())).toBe(false);
    expect(managesEndpoints(svc('a').type('ExternalName').obj())).toBe(false);
  });

  it('shouldPodBeInEndpoints: IP, not terminal, terminating only when asked', () => {
    expect(shouldPodBeInEndpoints(pod('a').ip('10.0.0.1').obj(), false)).toBe(true);
    expect(shouldPodBeInEndpoints(pod('a').obj(), true)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a').ip('10.0.0.1').phase('Failed').obj(), true)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a').ip('10.0.0.1').deleting().obj(), false)).toBe(false);
    expect(shouldPodBeInEndpoints(pod('a').ip('10.0.0.1').deleting().obj(), true)).toBe(true);
  });

  it('findPort: numbers as is, names in containers then sidecars, protocol must match', () => {
    const p = pod('a').containerPort('http', 8080).obj();
    p.spec!.initContainers = [
      { name: 'side', image: 'x', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001 }] },
      { name: 'init', image: 'x', ports: [{ name: 'setup', containerPort: 9999 }] },
    ];
    expect(findPort(p, { port: 80, targetPort: 9000 })).toBe(9000);
    expect(findPort(p, { port: 80 })).toBe(80);
    expect(findPort(p, { port: 80, targetPort: 'http' })).toBe(8080);
    expect(findPort(p, { port: 80, targetPort: 'http', protocol: 'UDP' })).toBeUndefined();
    expect(findPort(p, { port: 80, targetPort: 'proxy' })).toBe(15001);
    expect(findPort(p, { port: 80, targetPort: 'setup' })).toBeUndefined();
  });
});
