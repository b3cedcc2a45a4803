import type { DocumentSet } from './document-set.js';

/**
 * The checked-in copy of the documents, as relative path → file content:
 * `v3/api/v1.json`, `v3/apis/apps/v1.json`, …, `v2.json`. Indented for readable diffs;
 * the routes serve the compact form of the same documents.
 */
export function generatedFiles(docs: DocumentSet): Map<string, string> {
  const files = new Map<string, string>();
  const text = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;
  for (const p of docs.v3Paths()) {
    const doc = docs.v3(p);
    if (doc) files.set(`v3/${p}.json`, text(doc.document));
  }
  files.set('v2.json', text(docs.v2().document));
  return files;
}

/** Where the checked-in documents live, relative to the repository root. */
export const GENERATED_DIR = 'openapi/generated';
