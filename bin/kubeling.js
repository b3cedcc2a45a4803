#!/usr/bin/env node
// The CLI entry point. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script); this shim only loads the compiled CLI.
//
// NODE_ENV defaults to production: graphql-js reads it once, when it is first imported,
// and otherwise checks `instanceof` across realms on every field (about a sixth of a
// relation query's CPU). Hence the dynamic import, after the variable is set.
process.env.NODE_ENV ??= 'production';
const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
