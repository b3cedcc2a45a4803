#!/usr/bin/env node
// The CLI entry point. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script); this shim only loads the compiled CLI.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
