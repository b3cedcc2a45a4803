import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { KubeObject } from '../../api/types.js';
import { FakeClock } from '../../lib/clock.js';
import { buildApp } from '../app.js';
import { createSqliteStore } from '../storage/sqlite-store.js';
import { ADMIN_USER, createTokenAuthenticator } from '../auth/tokens.js';
import type { Registries } from '../registry/registries.js';
import { ChartHistory } from './chart-history.js';

/**
 * The chart history the apiserver keeps for /ui: samples of Deployments and HPAs, on an
 * interval and on changes (throttled), bounded, and served by GraphQL's chartHistory to
 * callers who may list both kinds everywhere.
 */

const deployment = (name: string, replicas: number, ready: number): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' }, spec: { replicas }, status: { readyReplicas: ready } }) as KubeObject;

const hpa = (name: string, current: number, target: number, replicas: number, desired: number): KubeObject =>
  ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'default' },
    spec: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }] },
    status: { currentReplicas: replicas, desiredReplicas: desired, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }] },
  }) as KubeObject;

describe('ChartHistory', () => {
  const make = (clock: FakeClock, length = 4) => new ChartHistory({ registries: {} as Registries, clock, intervalMs: 10_000, length, minGapMs: 1_000 });

  it('samples each change at once, or a second after the previous sample', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const h = make(clock);
    h.observe('Deployment', 'ADDED', deployment('web', 2, 0));
    expect(h.snapshot().times).toHaveLength(1);
    h.observe('Deployment', 'MODIFIED', deployment('web', 2, 1));
    h.observe('Deployment', 'MODIFIED', deployment('web', 2, 2));
    clock.advance(1_000);
    const s = h.snapshot();
    expect(s.times).toEqual([Date.UTC(2026, 0, 1) / 1000, Date.UTC(2026, 0, 1) / 1000 + 1]);
    expect(s.deployments).toEqual([{ key: 'default/web', values: [{ a: 2, b: 0 }, { a: 2, b: 2 }] }]);
  });

  it('takes a waiting change into the snapshot at once', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const h = make(clock);
    h.observe('Deployment', 'ADDED', deployment('web', 2, 0));
    clock.advance(100);
    h.observe('Deployment', 'MODIFIED', deployment('web', 2, 1));
    const s = h.snapshot();
    expect(s.deployments[0]!.values).toEqual([{ a: 2, b: 0 }, { a: 2, b: 1 }]);
    clock.advance(5_000);
    expect(h.snapshot().times).toHaveLength(2);
  });

  it('records HPAs, keeps the last `length` samples, and drops a deleted series once it scrolled out', () => {
    const clock = new FakeClock();
    const h = make(clock, 2);
    h.observe('HorizontalPodAutoscaler', 'ADDED', hpa('php', 250, 50, 1, 4));
    clock.advance(2_000);
    h.observe('HorizontalPodAutoscaler', 'DELETED', hpa('php', 250, 50, 1, 4));
    let s = h.snapshot();
    expect(s.hpaUtilization).toEqual([{ key: 'default/php', values: [{ a: 250, b: 50 }, { a: null, b: null }] }]);
    expect(s.hpaReplicas[0]!.values[0]).toEqual({ a: 1, b: 4 });
    clock.advance(2_000);
    h.sample();
    s = h.snapshot();
    expect(s.times).toHaveLength(2);
    expect(s.hpaUtilization).toEqual([]);
  });

  it('ignores bookmarks', () => {
    const h = make(new FakeClock());
    h.observe('Deployment', 'BOOKMARK', deployment('web', 1, 1));
    expect(h.snapshot()).toEqual({ times: [], deployments: [], hpaUtilization: [], hpaReplicas: [] });
  });
});

describe('chartHistory over GraphQL', () => {
  let app: FastifyInstance;
  const store = createSqliteStore({ path: ':memory:' });

  beforeAll(async () => {
    app = await buildApp({
      store,
      authenticator: createTokenAuthenticator([
        { token: 'admin', user: ADMIN_USER },
        { token: 'dev', user: { username: 'dev', groups: [] } },
      ]),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await store.close();
  });

  const query = async (token: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ query: '{ chartHistory { times deployments { key values { a b } } hpaReplicas { key } } }' }),
    });
    return res.json() as { data: { chartHistory: { times: number[]; deployments: Array<{ key: string; values: Array<{ a: number; b: number }> }> } } | null; errors?: Array<{ extensions?: Record<string, unknown> }> };
  };

  it('answers the samples of a Deployment written through REST', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/apis/apps/v1/namespaces/default/deployments',
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      payload: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
    });
    expect(res.statusCode).toBe(201);
    // The watch delivers the write, then a sample follows (at most a second later).
    await expect.poll(async () => (await query('admin')).data?.chartHistory.deployments.find((d) => d.key === 'default/web')?.values.at(-1), { timeout: 10_000 }).toEqual({ a: 3, b: 0 });
    const h = (await query('admin')).data!.chartHistory;
    expect(h.deployments.every((d) => d.values.length === h.times.length)).toBe(true);
  });

  it('is refused (403) to a caller who may not list Deployments everywhere', async () => {
    const res = await query('dev');
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'Forbidden', status: 403 });
  });
});
