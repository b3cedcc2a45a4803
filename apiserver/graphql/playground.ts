import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the GraphiQL playground at `/graphiql` from the bundle ui/build.mjs writes into
 * dist/ui/graphiql at build time, so the page needs nothing but this apiserver (the
 * mercurius default loads GraphiQL from a public CDN: a blank page offline).
 *
 * The page and its assets are public (app.ts lets /graphiql through without a token):
 * they are the same static files for everyone; /graphql itself authenticates.
 */

export const PLAYGROUND_PATH = '/graphiql';

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

export function playgroundDir(): string {
  return join(packageRoot(), 'dist', 'ui', 'graphiql');
}

/** The HTML page; every URL in it is relative, so it works through `kubectl proxy` too. */
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

/** Registers GET /graphiql and GET /graphiql/FILE. Files are read once, at registration. */
export function registerPlayground(app: FastifyInstance, dir = playgroundDir()): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type !== undefined) files.set(name, { body: readFileSync(join(dir, name)), type });
    }
  }
  const built = files.has('main.js');

  app.get(PLAYGROUND_PATH, async (req, reply) => {
    // /graphiql/ would resolve the page's relative URLs one level too deep.
    if (req.url.split('?')[0]!.endsWith('/')) return reply.redirect('../graphiql', 301);
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`The playground is not built: run \`npm run build\` (it bundles ui/ into ${dir}).\n`);
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(playgroundPage());
  });

  app.get(`${PLAYGROUND_PATH}/:file`, async (req, reply) => {
    const file = files.get((req.params as { file: string }).file);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });
}
