import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaSdl, SDL_FILE } from './write-sdl.js';

describe('checked-in GraphQL SDL', () => {
  it('matches the schema generated from api/ (regenerate: npm run build && npm run graphql:generate)', () => {
    const checkedIn = readFileSync(SDL_FILE, 'utf8');
    expect(checkedIn === schemaSdl(), `apiserver/graphql/schema.graphql is stale: run npm run build && npm run graphql:generate`).toBe(true);
  });
});
