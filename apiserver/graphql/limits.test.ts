import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { gql, graphqlApp, registriesOf } from './test-helpers.js';
import { MAX_PAGE_SIZE } from './operations.js';
import { MAX_QUERY_COMPLEXITY } from './index.js';

/**
 * GraphQL's limits beyond depth: a list page holds at most MAX_PAGE_SIZE items (a list
 * without `limit` pages by it, with a continue token), and a query whose lists fan out
 * beyond MAX_QUERY_COMPLEXITY is refused before it runs. Both are 400s with a message
 * saying what to do.
 */
let app: FastifyInstance;
beforeAll(async () => {
  app = await graphqlApp();
  const cms = registriesOf(app).forKind('', 'ConfigMap');
  for (let i = 0; i < MAX_PAGE_SIZE + 5; i++) {
    await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(4, '0')}` } });
  }
});
afterAll(async () => app.close());

describe('GraphQL page size', () => {
  it('pages a list without limit by the maximum, with a continue token for the rest', async () => {
    const first = await gql(app, '{ configMaps(namespace: "default") { metadata { continue remainingItemCount } items { metadata { name } } } }');
    expect(first.errors).toBeUndefined();
    expect(first.data!.configMaps.items).toHaveLength(MAX_PAGE_SIZE);
    expect(first.data!.configMaps.metadata.remainingItemCount).toBe(5);
    const token = first.data!.configMaps.metadata.continue;
    expect(token).toBeTruthy();
    const rest = await gql(app, 'query($c: String) { configMaps(namespace: "default", continue: $c) { metadata { continue } items { metadata { name } } } }', { c: token });
    expect(rest.data!.configMaps.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['cm-1000', 'cm-1001', 'cm-1002', 'cm-1003', 'cm-1004']);
    expect(rest.data!.configMaps.metadata.continue).toBeNull();
  });

  it('refuses a limit over the maximum with a 400 that says what to do', async () => {
    const res = await gql(app, `{ configMaps(limit: ${MAX_PAGE_SIZE + 1}) { items { metadata { name } } } }`);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.message).toBe(`limit ${MAX_PAGE_SIZE + 1} is more than the ${MAX_PAGE_SIZE} items a GraphQL list page may hold: ask for at most ${MAX_PAGE_SIZE} and follow metadata.continue`);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BadRequest', status: 400 });
    const ok = await gql(app, '{ configMaps(limit: 3) { items { metadata { name } } } }');
    expect(ok.data!.configMaps.items).toHaveLength(3);
  });
});

describe('GraphQL query complexity', () => {
  it('runs the relation walks people write', async () => {
    const res = await gql(
      app,
      '{ deployments { items { metadata { name } replicaSets { metadata { name } } pods { metadata { name } status { podIP } node { metadata { name } allocated pods(limit: 5) { metadata { name } } } events(limit: 3) { reason message } } } } }',
    );
    expect(res.errors).toBeUndefined();
  });

  it('refuses lists nested in lists beyond the limit, before running them', async () => {
    const res = await gql(
      app,
      '{ nodes { items { pods { metadata { name } node { pods { metadata { name } node { pods { metadata { name } node { metadata { name } } } } } } } } } }',
    );
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0]!.message).toMatch(new RegExp(`^query complexity \\d+ is over the limit of ${MAX_QUERY_COMPLEXITY}: ask for fewer nested lists, or give them a smaller limit$`));
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BadRequest', status: 400 });
    // The same walk with small limits is fine.
    const small = await gql(app, '{ nodes(limit: 2) { items { pods(limit: 2) { metadata { name } node { pods(limit: 2) { metadata { name } node { pods(limit: 2) { metadata { name } } } } } } } } }');
    expect(small.errors).toBeUndefined();
  });
});
