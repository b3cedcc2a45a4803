import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiResourceList, groupNames, versionOrder } from '../../apiserver/rest/discovery.js';
import { kubectlAvailable, useE2eCluster } from './harness.js';

// Aggregated discovery with the real kubectl: `api-resources` must cost two requests
// (/api and /apis, answered as APIGroupDiscoveryList: v2 for 1.30+, v2beta1 for 1.27)
// instead of one more per group-version, and print exactly the rows the legacy documents
// give. A missing binary is skipped, except in CI.
const VERSIONS = ['1.27', '1.32', '1.33'];
const cluster = useE2eCluster();

/** The paths kubectl requested, from its -v=6 log (klog text before 1.33, key=value after). */
function requestedPaths(stderr: string): string[] {
  const paths: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /round_trippers\.go:\d+\] (?:GET|POST|PUT|PATCH|DELETE) (\S+) \d{3}/.exec(line) ?? /"Response" verb="\w+" url="([^"]+)"/.exec(line);
    if (m) paths.push(new URL(m[1]).pathname);
  }
  return paths;
}

/**
 * The rows `kubectl api-resources` prints when it reads the legacy documents: each group's
 * resources from its preferred version first (a plural served in several versions once),
 * subresources left out, sorted by group then name as kubectl sorts them.
 */
function legacyRows(): string[][] {
  const rows: { group: string; cells: string[] }[] = [];
  for (const group of ['', ...groupNames()]) {
    const seen = new Set<string>();
    for (const version of versionOrder(group)) {
      const list = apiResourceList(group, version)!;
      for (const r of list.resources as { name: string; shortNames?: string[]; namespaced: boolean; kind: string }[]) {
        if (r.name.includes('/') || seen.has(r.name)) continue;
        seen.add(r.name);
        rows.push({ group, cells: [r.name, (r.shortNames ?? []).join(','), list.groupVersion as string, String(r.namespaced), r.kind] });
      }
    }
  }
  rows.sort((a, b) => (a.group === b.group ? (a.cells[0] < b.cells[0] ? -1 : 1) : a.group < b.group ? -1 : 1));
  return rows.map((r) => r.cells);
}

/** Splits a tabwriter table at the header's column starts (SHORTNAMES may be blank). */
function tableCells(stdout: string): { header: string; rows: string[][] } {
  const [header, ...lines] = stdout.trimEnd().split('\n');
  const starts = [...header.matchAll(/\S+/g)].map((m) => m.index!);
  const rows = lines.map((line) => starts.map((start, i) => line.slice(start, starts[i + 1]).trim()));
  return { header, rows };
}

for (const version of VERSIONS) {
  const present = kubectlAvailable(version);
  if (!present && process.env.CI) throw new Error(`kubectl ${version} is missing (CI must run every version)`);

  describe.skipIf(!present)(`kubectl ${version}`, () => {
    it('api-resources asks /api and /apis only and prints the legacy rows', async () => {
      const res = await cluster().kubectl(['api-resources', '-v=6'], { version });
      expect(res.code).toBe(0);
      expect(requestedPaths(res.stderr).sort()).toEqual(['/api', '/apis']);

      const { header, rows } = tableCells(res.stdout);
      expect(header).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
      const expected = legacyRows();
      expect(expected).toContainEqual(['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler']);
      expect(rows).toEqual(expected);
    });

    it('get resolves kinds from the aggregated documents, with an empty discovery cache', async () => {
      // A later --cache-dir overrides the harness's: this kubectl starts with no discovery.
      const cacheDir = await mkdtemp(join(tmpdir(), 'kubeling-agg-cache-'));
      try {
        const res = await cluster().kubectl(['get', 'deployments,hpa,pdb', '-A', '-v=6', `--cache-dir=${cacheDir}`], { version });
        expect(res.code).toBe(0);
        expect(requestedPaths(res.stderr)).toEqual([
          '/api',
          '/apis',
          '/apis/apps/v1/deployments',
          '/apis/autoscaling/v2/horizontalpodautoscalers',
          '/apis/policy/v1/poddisruptionbudgets',
        ]);
      } finally {
        await rm(cacheDir, { recursive: true, force: true });
      }
    });
  });
}
