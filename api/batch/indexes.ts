/**
 * Completion indexes as the Job API writes them (status.completedIndexes,
 * status.failedIndexes, successPolicy.rules[].succeededIndexes): ascending, comma-
 * separated intervals such as `1,3-5,7`. Pure; the Job controller and validation share it.
 */

/** Parses `1,3-5,7` into sorted unique indexes; throws Error with kube's wording when malformed. */
export function parseIndexes(text: string, completions: number): number[] {
  const out = new Set<number>();
  if (text === '') return [];
  let last = -1;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`cannot convert string to integer for index: "${part}"`);
    const first = Number(m[1]);
    const end = m[2] === undefined ? first : Number(m[2]);
    if (end < first) throw new Error(`non-increasing order, previous: ${first}, current: ${end}`);
    if (first <= last) throw new Error(`overlapping intervals or non-increasing order, previous: ${last}, current: ${first}`);
    if (end >= completions) throw new Error(`too large: ${end}`);
    for (let i = first; i <= end; i++) out.add(i);
    last = end;
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats indexes as intervals: [0,1,2,4] → `0-2,4`. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
