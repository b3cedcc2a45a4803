import { describe, expect, it } from 'vitest';
import { candidateVersions, matchingVersion, namespaceSelectorMatches, objectSelectorMatches, resourceMatches, ruleMatches, type RequestTarget } from './matching.js';
import { findResource, findResourceByKind } from '../../api/registry.js';
import type { KubeObject } from '../../api/types.js';

const podCreate: RequestTarget = { operation: 'CREATE', group: '', version: 'v1', resource: 'pods', namespaced: true, name: 'p' };
const rule = (over: Record<string, unknown> = {}) => ({ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*', ...over });

describe('resourceMatches', () => {
  const cases: Array<[string[], string, string | undefined, boolean]> = [
    [['pods'], 'pods', undefined, true],
    [['pods'], 'pods', 'status', false],
    [['pods/status'], 'pods', 'status', true],
    [['pods/*'], 'pods', 'exec', true],
    [['pods/*'], 'pods', undefined, true],
    [['*'], 'configmaps', undefined, true],
    [['*'], 'pods', 'status', false],
    [['*/status'], 'deployments', 'status', true],
    [['*/status'], 'deployments', undefined, false],
    [['*/*'], 'pods', 'exec', true],
    [['services'], 'pods', undefined, false],
  ];
  for (const [patterns, resource, sub, want] of cases) {
    it(`${patterns.join(',')} vs ${resource}${sub ? `/${sub}` : ''} → ${want}`, () => {
      expect(resourceMatches(patterns, resource, sub)).toBe(want);
    });
  }
});

describe('ruleMatches', () => {
  const cases: Array<[string, Record<string, unknown>, Partial<RequestTarget>, boolean]> = [
    ['exact', {}, {}, true],
    ['operation *', { operations: ['*'] }, { operation: 'DELETE' }, true],
    ['other operation', {}, { operation: 'UPDATE' }, false],
    ['other group', { apiGroups: ['apps'] }, {}, false],
    ['group *', { apiGroups: ['*'] }, {}, true],
    ['other version', { apiVersions: ['v2'] }, {}, false],
    ['scope Cluster on a namespaced kind', { scope: 'Cluster' }, {}, false],
    ['scope Namespaced', { scope: 'Namespaced' }, {}, true],
    ['scope Namespaced on a cluster kind', { scope: 'Namespaced', resources: ['nodes'] }, { resource: 'nodes', namespaced: false }, false],
    ['resourceNames match', { resourceNames: ['p'] }, {}, true],
    ['resourceNames miss', { resourceNames: ['q'] }, {}, false],
  ];
  for (const [what, over, target, want] of cases) {
    it(what, () => expect(ruleMatches(rule(over), { ...podCreate, ...target })).toBe(want));
  }
});

describe('matchPolicy', () => {
  const hpa = findResourceByKind('autoscaling', 'HorizontalPodAutoscaler')!;
  it('Equivalent tries the addressed version, then the other served versions', () => {
    expect(candidateVersions(hpa, 'v1', 'Equivalent')).toEqual(['v1', 'v2']);
    expect(candidateVersions(hpa, 'v1', 'Exact')).toEqual(['v1']);
  });
  it('a rule for v2 matches a v1 request under Equivalent only, in v2', () => {
    const rules = [rule({ apiGroups: ['autoscaling'], apiVersions: ['v2'], resources: ['horizontalpodautoscalers'] })];
    const base = { operation: 'CREATE' as const };
    expect(matchingVersion(rules, hpa, base, 'v1', 'Equivalent')).toBe('v2');
    expect(matchingVersion(rules, hpa, base, 'v1', 'Exact')).toBeUndefined();
  });
  it('an exclude rule vetoes', () => {
    const pods = findResource('', 'pods')!;
    const rules = [rule({ operations: ['*'], resources: ['*'] })];
    expect(matchingVersion(rules, pods, { operation: 'CREATE', name: 'p' }, 'v1', 'Equivalent', [rule()])).toBeUndefined();
    expect(matchingVersion(rules, pods, { operation: 'UPDATE', name: 'p' }, 'v1', 'Equivalent', [rule()])).toBe('v1');
  });
});

describe('selectors', () => {
  const obj = (labels?: Record<string, string>): KubeObject => ({ metadata: { name: 'x', labels } });
  it('objectSelector: the object or the old object; no object only for the empty selector', () => {
    const sel = { matchLabels: { a: '1' } };
    expect(objectSelectorMatches(sel, obj({ a: '1' }), null)).toBe(true);
    expect(objectSelectorMatches(sel, obj({}), obj({ a: '1' }))).toBe(true);
    expect(objectSelectorMatches(sel, null, null)).toBe(false);
    expect(objectSelectorMatches({}, null, null)).toBe(true);
    expect(objectSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, obj({}), null)).toBe(true);
  });
  it('namespaceSelector: the namespace labels; a Namespace by its own; other cluster kinds always', () => {
    const pods = findResource('', 'pods')!;
    const namespaces = findResource('', 'namespaces')!;
    const nodes = findResource('', 'nodes')!;
    const sel = { matchLabels: { team: 'a' } };
    expect(namespaceSelectorMatches(sel, pods, obj(), null, { team: 'a' })).toBe(true);
    expect(namespaceSelectorMatches(sel, pods, obj(), null, { team: 'b' })).toBe(false);
    expect(namespaceSelectorMatches(sel, namespaces, obj({ team: 'a' }), null, undefined)).toBe(true);
    expect(namespaceSelectorMatches(sel, namespaces, obj({}), null, undefined)).toBe(false);
    expect(namespaceSelectorMatches(sel, nodes, obj(), null, undefined)).toBe(true);
  });
});
