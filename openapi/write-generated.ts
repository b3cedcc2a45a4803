import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { registryDocuments } from './generate.js';
import { GENERATED_DIR, generatedFiles } from './generated-files.js';

/**
 * Rewrites openapi/generated/ from the registry (`npm run build && npm run
 * openapi:generate`, from the repository root or with the root as first argument).
 * Files no longer generated are removed, so the folder always equals the output.
 */

function listFiles(dir: string): string[] {
  let out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    out = e.isDirectory() ? out.concat(listFiles(p)) : out.concat(p);
  }
  return out;
}

function main(): void {
  const root = process.argv[2] ?? process.cwd();
  const dir = join(root, GENERATED_DIR);
  const files = generatedFiles(registryDocuments());
  for (const old of listFiles(dir)) {
    if (!files.has(relative(dir, old).split('\\').join('/'))) rmSync(old);
  }
  for (const [rel, content] of files) {
    const target = join(dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  process.stdout.write(`wrote ${files.size} OpenAPI documents to ${dir}\n`);
}

main();
