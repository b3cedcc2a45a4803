/**
 * The pod annotations that declare simulated container behaviour, and the Node annotation
 * that tells the apiserver where this process serves container logs. Documented in
 * kubelet-sim/README.md; the names are the contract with users, keep them stable.
 */

/** Go duration after which every container of the pod exits (counted from each start). */
export const EXIT_AFTER = 'kubeling.io/exit-after';
/** Exit code of that exit (default 0). */
export const EXIT_CODE = 'kubeling.io/exit-code';
/** Lines a container prints when it starts (newline-separated), instead of the default. */
export const LOG = 'kubeling.io/log';
/** Go duration between the periodic log lines (default: the stage config's logIntervalMs; "0" turns them off). */
export const LOG_INTERVAL = 'kubeling.io/log-interval';
/** On a Node: `127.0.0.1:PORT`, where its kubelet serves /containerLogs, exec, attach and port-forward (defined in api/). */
export { KUBELET_ENDPOINT_ANNOTATION as KUBELET_ENDPOINT } from '../api/core/kubelet-endpoint.js';

const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go duration (`30s`, `1m30s`, `250ms`, `1.5h`) or a bare number of seconds.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * unitMs[m[2]!]!;
    pos = re.lastIndex;
  }
  return Math.round(total);
}

/** The declared exit of a pod's containers, or undefined when they run forever. */
export function declaredExit(annotations: Record<string, string> | undefined): { afterMs: number; exitCode: number } | undefined {
  const afterMs = parseDuration(annotations?.[EXIT_AFTER]);
  if (afterMs === undefined) return undefined;
  const code = Number(annotations?.[EXIT_CODE] ?? '0');
  return { afterMs, exitCode: Number.isInteger(code) && code >= 0 && code <= 255 ? code : 1 };
}
