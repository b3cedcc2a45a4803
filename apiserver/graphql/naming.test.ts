import { describe, expect, it } from 'vitest';
import type { ResourceType } from '../../api/types.js';
import { resources } from '../../api/registry.js';
import { graphqlResources } from './schema.js';
import { camelPlural, groupPrefix, isGraphqlName, kindNames, singularize } from './naming.js';

describe('camelPlural', () => {
  it.each([
    ['Pod', 'pods', 'pods'],
    ['ConfigMap', 'configmaps', 'configMaps'],
    ['Endpoints', 'endpoints', 'endpoints'],
    ['NetworkPolicy', 'networkpolicies', 'networkPolicies'],
    ['HorizontalPodAutoscaler', 'horizontalpodautoscalers', 'horizontalPodAutoscalers'],
    ['PodDisruptionBudget', 'poddisruptionbudgets', 'podDisruptionBudgets'],
  ])('%s/%s → %s', (kind, plural, want) => {
    expect(camelPlural(kind, plural)).toBe(want);
  });
});

describe('singularize', () => {
  it.each([
    ['containers', 'container'],
    ['policies', 'policy'],
    ['addresses', 'address'],
    ['statuses', 'status'],
    ['status', 'status'],
    ['matchExpressions', 'matchExpression'],
    ['data', 'data'],
  ])('%s → %s', (word, want) => {
    expect(singularize(word)).toBe(want);
  });
});

describe('groupPrefix', () => {
  it.each([
    ['', ''],
    ['apps', 'Apps'],
    ['rbac.authorization.k8s.io', 'RbacAuthorization'],
    ['discovery.k8s.io', 'Discovery'],
    ['stable.example.com', 'StableExampleCom'],
  ])('%j → %j', (group, want) => {
    expect(groupPrefix(group)).toBe(want);
  });
});

describe('isGraphqlName', () => {
  it.each([
    ['spec', true],
    ['_x', true],
    ['x-kubernetes', false],
    ['1a', false],
    ['__typename', false],
  ])('%s → %s', (name, want) => {
    expect(isGraphqlName(name)).toBe(want);
  });
});

function kind(group: string, kindName: string, plural: string): ResourceType {
  return { group, kind: kindName, plural } as ResourceType;
}

describe('kindNames', () => {
  it('names every served kind without collisions', () => {
    const names = kindNames(graphqlResources);
    const all = [...names.values()].flatMap((n) => Object.values(n));
    expect(new Set(all).size).toBe(all.length);
    const pod = names.get(resources.find((r) => r.kind === 'Pod')!)!;
    expect(pod).toMatchObject({ type: 'Pod', getField: 'pod', listField: 'pods', createField: 'createPod', watchField: 'watchPods' });
    const endpoints = names.get(resources.find((r) => r.kind === 'Endpoints')!)!;
    expect(endpoints).toMatchObject({ getField: 'endpoints', listField: 'endpointsList', watchField: 'watchEndpoints' });
  });

  it('prefixes a kind of a non-core group whose name repeats', () => {
    const core = kind('', 'Event', 'events');
    const events = kind('events.k8s.io', 'Event', 'events');
    const apps = kind('apps', 'Deployment', 'deployments');
    const names = kindNames([core, events, apps]);
    expect(names.get(core)).toMatchObject({ type: 'Event', getField: 'event', listField: 'events' });
    expect(names.get(events)).toMatchObject({
      type: 'EventsEvent',
      getField: 'eventsEvent',
      listField: 'eventsEvents',
      eventType: 'EventsEventWatchEvent',
      watchField: 'watchEventsEvents',
    });
    expect(names.get(apps)!.type).toBe('Deployment');
  });
});
