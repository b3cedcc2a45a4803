import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. the benchmark's
 * --server-cpu-prof): the functions and files with the most self time.
 *
 *   node dist/test/bench/cpu-profile-top.js <file.cpuprofile> [top=25]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  share: number;
}

/** Self time per function (name + file:line) and per file, largest first. */
export function hotSpots(profile: Profile): { functions: HotSpot[]; files: HotSpot[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    const where = shorten(f.url);
    total += us;
    fn.set(`${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`, (fn.get(`${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`) ?? 0) + us);
    file.set(where || `(${f.functionName})`, (file.get(where || `(${f.functionName})`) ?? 0) + us);
  }
  const rank = (m: Map<string, number>): HotSpot[] =>
    [...m].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, selfMs: us / 1000, share: total ? us / total : 0 }));
  return { functions: rank(fn), files: rank(file), totalMs: total / 1000 };
}

function shorten(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules\/.*)$/, '$1').replace(/^.*?\/dist\//, '');
}

const [file, topArg] = process.argv.slice(2);
if (file && import.meta.url === `file://${process.argv[1]}`) {
  const top = Number(topArg ?? 25);
  const { functions, files, totalMs } = hotSpots(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const line = (h: HotSpot): string => `${(h.share * 100).toFixed(1).padStart(5)}%  ${h.selfMs.toFixed(0).padStart(7)} ms  ${h.name}`;
  console.log(`total sampled ${totalMs.toFixed(0)} ms\n\nby function (self time):\n${functions.slice(0, top).map(line).join('\n')}`);
  console.log(`\nby file (self time):\n${files.slice(0, top).map(line).join('\n')}`);
}
