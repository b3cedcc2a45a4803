// Bundles the browser pages the apiserver serves (the GraphiQL playground at /graphiql,
// the cluster view at /ui) into dist/ui/, at `npm run build` (so at `npm install` too, through `prepare`). Everything the
// pages load comes from these files: nothing from a CDN.
import { build } from 'esbuild';
import { mkdir, rm, writeFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'ui', 'graphiql');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
};

await build({
  ...common,
  entryPoints: { main: join(root, 'ui/graphiql/main.ts') },
  outdir: out,
  format: 'esm',
  target: 'es2022',
  assetNames: '[name]-[hash]',
});

const workers = {
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};
await build({ ...common, entryPoints: workers, outdir: out, format: 'iife', target: 'es2022' });

await writeFile(join(out, 'page.css'), await (await import('node:fs/promises')).readFile(join(root, 'ui/graphiql/page.css')));
console.log(`ui: ${(await readdir(out)).length} files in dist/ui/graphiql`);

// The cluster view: one script (uPlot and graphql-ws inside) and its stylesheets.
const clusterOut = join(root, 'dist', 'ui', 'cluster');
await rm(clusterOut, { recursive: true, force: true });
await mkdir(clusterOut, { recursive: true });
await build({
  ...common,
  entryPoints: { main: join(root, 'ui/cluster/main.ts') },
  outdir: clusterOut,
  format: 'esm',
  target: 'es2022',
});
await writeFile(join(clusterOut, 'page.css'), await (await import('node:fs/promises')).readFile(join(root, 'ui/cluster/page.css')));
console.log(`ui: ${(await readdir(clusterOut)).length} files in dist/ui/cluster`);
