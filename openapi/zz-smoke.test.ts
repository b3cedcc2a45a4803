import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { registryDocuments } from './generate.js';
it('dump', () => {
  const t0 = performance.now();
  const d = registryDocuments();
  const idx = d.v3Index();
  const v2 = d.v2();
  console.log('ms', performance.now() - t0, Object.keys(idx.paths));
  for (const p of d.v3Paths()) writeFileSync(`/tmp/oa/${p.replace(/\//g, '_')}.json`, JSON.stringify(d.v3(p)!.document, null, 2));
  writeFileSync('/tmp/oa/v2.json', JSON.stringify(v2.document, null, 2));
});
