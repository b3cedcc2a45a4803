/**
 * Where Monaco (GraphiQL 5's editor) finds its web workers: the worker bundles that
 * ui/build.mjs writes next to this page's script. (GraphiQL's own setup-workers modules
 * assume a bundler that rewrites `new URL(pkg, import.meta.url)`; esbuild does not.)
 */
const here = (file: string) => new URL(file, import.meta.url);

(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === 'json') return new Worker(here('json.worker.js'));
    if (label === 'graphql') return new Worker(here('graphql.worker.js'));
    return new Worker(here('editor.worker.js'));
  },
};
