import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchema } from './graphql-js.js';
import { graphqlSchema } from './schema.js';

/**
 * Rewrites apiserver/graphql/schema.graphql, the checked-in SDL of the generated schema
 * (`npm run build && npm run graphql:generate`). schema-sdl.test.ts fails when the schema
 * built from api/ no longer matches it, as openapi/generated/ is checked.
 */
export const SDL_FILE = join('apiserver', 'graphql', 'schema.graphql');

export function schemaSdl(): string {
  return `${printSchema(graphqlSchema())}\n`;
}

if (process.argv[1]?.endsWith('write-sdl.js')) {
  const root = process.argv[2] ?? process.cwd();
  writeFileSync(join(root, SDL_FILE), schemaSdl());
  console.log(`wrote ${SDL_FILE}`);
}
