import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { namespaceResource, namespaceSchema, type Namespace } from './namespace.js';

const o = (n: Namespace) => n as unknown as KubeObject;

describe('namespace', () => {
  it('defaults the name label and phase; create adds the kubernetes finalizer', () => {
    const ns = namespaceSchema.parse({ metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'wrong', env: 'dev' } } });
    namespaceResource.prepareForCreate!(o(ns));
    namespaceResource.defaults(o(ns));
    expect(ns).toEqual({
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a', env: 'dev' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });

  it('keeps user finalizers and adds kubernetes once', () => {
    const ns = namespaceSchema.parse({ metadata: { name: 'x' }, spec: { finalizers: ['example.com/cleanup', 'kubernetes'] } });
    namespaceResource.prepareForCreate!(o(ns));
    expect(ns.spec?.finalizers).toEqual(['example.com/cleanup', 'kubernetes']);
  });

  it.each([
    ['team-a', [], []],
    ['ok', ['custom'], ['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']],
  ])('validates %s with finalizers %j', (name, finalizers, want) => {
    const ns = namespaceSchema.parse({ metadata: { name }, spec: { finalizers } });
    const errs = namespaceResource.validate(o(ns)).map((e) => `${e.field}: ${e.message}`);
    expect(errs.length).toBe(want.length);
    want.forEach((w, i) => expect(errs[i]!.startsWith(w)).toBe(true));
  });

  it('prints NAME STATUS AGE and selects on status.phase', () => {
    const ns = namespaceSchema.parse({ metadata: { name: 'x', creationTimestamp: '2024-05-01T11:59:15Z' }, status: { phase: 'Terminating' } });
    expect(namespaceResource.tableRow(o(ns), Date.parse('2024-05-01T12:00:00Z'))).toEqual(['x', 'Terminating', '45s']);
    expect(namespaceResource.fieldSelectors!['status.phase']!(o(ns))).toBe('Terminating');
    expect(namespaceResource.verbs).not.toContain('deletecollection');
  });
});
