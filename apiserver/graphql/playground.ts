import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the browser pages bundled at build time by ui/build.mjs into dist/ui/<name>: the
 * GraphiQL playground at `/graphiql` and the live cluster view at `/ui`. The pages need
 * nothing but this apiserver (the mercurius default loads GraphiQL from a public CDN: a
 * blank page offline).
 *
 * Pages and assets are public (app.ts lets them through without a token): they are the
 * same static files for everyone; what they read (/graphql, /apis/...) authenticates.
 * Every URL in a page is relative, so it works through `kubectl proxy` too.
 */

export const PLAYGROUND_PATH = '/graphiql';
export const CLUSTER_VIEW_PATH = '/ui';

/** The paths of the pages (each also serves `<path>/<file>` assets). */
export const PAGE_PATHS = [PLAYGROUND_PATH, CLUSTER_VIEW_PATH];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The package root: the nearest folder above this module with a package.json (source or dist). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above apiserver/graphql');
    dir = parent;
  }
  return dir;
}

/** Where ui/build.mjs writes a page's bundle. */
export function bundleDir(name: 'graphiql' | 'cluster'): string {
  return join(packageRoot(), 'dist', 'ui', name);
}

export function playgroundDir(): string {
  return bundleDir('graphiql');
}

/** The playground's HTML page. */
export function playgroundPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kubeling GraphQL playground</title>
<link rel="stylesheet" href="graphiql/main.css">
<link rel="stylesheet" href="graphiql/page.css">
</head>
<body>
<div id="graphiql">Loading the playground…</div>
<script type="module" src="graphiql/main.js"></script>
</body>
</html>
`;
}

/** The cluster view's HTML page: the structure ui/cluster/main.ts fills. */
export function clusterViewPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kubeling cluster</title>
<link rel="stylesheet" href="ui/main.css">
<link rel="stylesheet" href="ui/page.css">
</head>
<body>
<header>
<strong>Kubeling cluster</strong>
<span id="summary">connecting…</span>
<span id="conn"></span>
<a href="graphiql">GraphQL playground</a>
<form id="token-form">
<label for="token">Bearer token</label>
<input id="token" name="token" type="password" autocomplete="off" placeholder="not needed through kubectl proxy">
<button type="submit">Use</button>
</form>
</header>
<main>
<section>
<h2>Nodes and pods</h2>
<div id="legend"></div>
<div id="metrics">usage: reading metrics.k8s.io…</div>
<div class="canvas-wrap"><canvas id="nodes" aria-label="nodes with their pods"></canvas></div>
</section>
<div class="side">
<section>
<h2>Deployments: desired (solid) and ready (dashed) replicas</h2>
<div id="chart-deployments"></div>
<table><thead><tr><th>deployment</th><th>ready</th></tr></thead><tbody id="deployments-body"></tbody></table>
</section>
<section>
<h2>HorizontalPodAutoscalers</h2>
<p id="hpas-empty">None yet: <code>kubectl autoscale deployment NAME --cpu-percent=50 --min=1 --max=10</code></p>
<div id="chart-hpa-util"></div>
<div id="chart-hpa-replicas"></div>
<table><thead><tr><th>hpa</th><th>cpu: current/target</th><th>replicas</th></tr></thead><tbody id="hpas-body"></tbody></table>
</section>
<section>
<h2>Events</h2>
<div class="events"><table><thead><tr><th>time</th><th>type</th><th>reason</th><th>object</th><th>message</th></tr></thead><tbody id="events-body"></tbody></table></div>
</section>
</div>
</main>
<div id="tooltip" hidden></div>
<script type="module" src="ui/main.js"></script>
</body>
</html>
`;
}

/**
 * Registers GET <path> (the page) and GET <path>/FILE (its assets) for a bundle in `dir`.
 * Files are read once, at registration; an unbuilt bundle answers 503 with the fix.
 */
export function registerBundledPage(app: FastifyInstance, path: string, dir: string, page: () => string): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type !== undefined) files.set(name, { body: readFileSync(join(dir, name)), type });
    }
  }
  const built = files.has('main.js');
  const leaf = path.slice(path.lastIndexOf('/') + 1);

  app.get(path, async (req, reply) => {
    // <path>/ would resolve the page's relative URLs one level too deep.
    if (req.url.split('?')[0]!.endsWith('/')) return reply.redirect(`../${leaf}`, 301);
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`The page is not built: run \`npm run build\` (it bundles ui/ into ${dir}).\n`);
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page());
  });

  app.get(`${path}/:file`, async (req, reply) => {
    const file = files.get((req.params as { file: string }).file);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });
}

/** The playground (GET /graphiql). */
export function registerPlayground(app: FastifyInstance, dir = playgroundDir()): void {
  registerBundledPage(app, PLAYGROUND_PATH, dir, playgroundPage);
}

/** The cluster view (GET /ui). */
export function registerClusterView(app: FastifyInstance, dir = bundleDir('cluster')): void {
  registerBundledPage(app, CLUSTER_VIEW_PATH, dir, clusterViewPage);
}
