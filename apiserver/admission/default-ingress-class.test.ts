import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { ingressRow } from '../../api/networking/ingress.js';
import { makeTestApp } from '../../test/helpers/test-app.js';
import { defaultIngressClassName } from './default-ingress-class.js';

const cls = (name: string, isDefault: boolean, created: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
});
const ing = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', ...(annotations ? { annotations } : {}) }, spec }) as KubeObject;

describe('DefaultIngressClass admission', () => {
  const classes = [cls('nginx', true, '2026-01-01T00:00:00Z'), cls('traefik', false, '2026-01-03T00:00:00Z'), cls('newer', true, '2026-01-02T00:00:00Z')];

  it('names the newest default class for an Ingress without one', () => {
    expect(defaultIngressClassName(ing(), classes)).toBe('newer');
    expect(defaultIngressClassName(ing(), [classes[0]!])).toBe('nginx');
  });

  it('leaves an Ingress that names a class, or uses the legacy annotation, and does nothing without a default', () => {
    expect(defaultIngressClassName(ing({ ingressClassName: 'traefik' }), classes)).toBeUndefined();
    expect(defaultIngressClassName(ing({}, { 'kubernetes.io/ingress.class': 'x' }), classes)).toBeUndefined();
    expect(defaultIngressClassName(ing(), [classes[1]!])).toBeUndefined();
  });

  it('fills spec.ingressClassName on create through the API', async () => {
    const t = await makeTestApp();
    try {
      const post = (url: string, body: unknown) => t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      expect((await post('/apis/networking.k8s.io/v1/ingressclasses', { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } })).statusCode).toBe(201);
      const created = await post('/apis/networking.k8s.io/v1/namespaces/default/ingresses', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } });
      expect(created.statusCode).toBe(201);
      expect(created.json().spec.ingressClassName).toBe('nginx');
    } finally {
      await t.close();
    }
  });
});

describe('Ingress table row', () => {
  it('shows at most three hosts, then counts the remaining rules, as kube prints them', () => {
    const row = (hosts: Array<string | undefined>) => ingressRow(ing({ rules: hosts.map((host) => (host ? { host } : {})) }), Date.now())[2];
    expect(row([])).toBe('*');
    expect(row([undefined])).toBe('*');
    expect(row(['a', 'b', 'c'])).toBe('a,b,c');
    expect(row(['a', 'b', 'c', 'd'])).toBe('a,b,c + 1 more...');
    expect(row(['a', undefined, 'b', 'c', 'd', 'e'])).toBe('a,b,c + 3 more...');
  });
});
