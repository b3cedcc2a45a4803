/**
 * graphql-js, always as the CommonJS build that mercurius itself requires.
 *
 * graphql 16 ships two builds (index.js and index.mjs) and checks `instanceof` across
 * them: a schema built with one is refused by the other ("Cannot use GraphQLSchema from
 * another module or realm"). Node resolves a bare `graphql` import to index.js, but
 * bundlers and vitest prefer the `module` field (index.mjs); naming the file pins one
 * build everywhere. Import graphql through this module only.
 */
export * from 'graphql/index.js';
