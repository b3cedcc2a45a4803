/**
 * The simple JSONPath subset CRDs use for additionalPrinterColumns, selectableFields and
 * scale paths: `.spec.replicas`, `.status.conditions[0].type`, `.metadata.labels['app']`,
 * `.status.conditions[?(@.type=="Ready")].status`. Answers undefined when absent.
 */
export function evalJsonPath(obj: unknown, path: string): unknown {
  const p = path.trim().replace(/^\{/, '').replace(/\}$/, '').replace(/^\$/, '');
  const tokens: Array<{ key?: string; index?: number; filter?: { key: string; value: string } }> = [];
  const re = /\.([A-Za-z0-9_\-$]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|\[\?\(@\.([A-Za-z0-9_\-]+)\s*==\s*["']([^"']*)["']\)\]/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(p)) !== null) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ key: m[1] });
    else if (m[2] !== undefined) tokens.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) tokens.push({ key: m[3] });
    else if (m[4] !== undefined) tokens.push({ key: m[4] });
    else if (m[5] !== undefined) tokens.push({ filter: { key: m[5], value: m[6]! } });
  }
  if (consumed !== p.length) return undefined;
  let cur: unknown = obj;
  for (const t of tokens) {
    if (cur === null || cur === undefined) return undefined;
    if (t.key !== undefined) {
      if (typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[t.key];
    } else if (t.index !== undefined) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[t.index];
    } else if (t.filter) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((x) => x && typeof x === 'object' && String((x as Record<string, unknown>)[t.filter!.key]) === t.filter!.value);
    }
  }
  return cur;
}
