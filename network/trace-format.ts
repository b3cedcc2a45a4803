import type { SimRequest, SimResponse } from './data-path-types.js';

/**
 * Text forms of a traced request: the `kubeling trace` report, a `traceroute` listing and a
 * `curl -v` exchange, for the CLI and the simulated shell. Pure.
 */

function describeSource(req: SimRequest): string {
  const f = req.from;
  if ('pod' in f) return `pod/${f.pod.namespace}/${f.pod.name}`;
  return f.node ? `host:${f.node}` : 'host';
}

function resultLine(r: SimResponse): string {
  switch (r.outcome) {
    case 'response':
      return r.status !== undefined
        ? `result: HTTP ${r.status} ${r.statusText ?? ''} from ${r.servedBy!.namespace}/${r.servedBy!.pod} (container ${r.servedBy!.container} on ${r.servedBy!.node}, ${r.servedBy!.ip}:${r.servedBy!.port}) in ${r.latencyMs.toFixed(2)} ms`.replace('  ', ' ')
        : `result: connected to ${r.servedBy!.namespace}/${r.servedBy!.pod} (${r.servedBy!.ip}:${r.servedBy!.port}); ${r.error ?? ''}`;
    case 'timeout':
      return `result: timed out (${r.error ?? 'no answer'})`;
    default:
      return `result: ${r.outcome} (${r.error ?? ''})`;
  }
}

/** The report `kubeling trace` prints: one line per hop, tagged with its node, then the result. */
export function formatTrace(req: SimRequest, r: SimResponse): string {
  const lines = [`trace from ${describeSource(req)} to ${req.target}`];
  for (const h of r.trace ?? []) lines.push(`  ${h.kind.padEnd(9)} ${h.node ? `[${h.node}] ` : ''}${h.text}`);
  if (r.conntrack && !(r.trace ?? []).some((h) => h.kind === 'conntrack')) lines.push(`  conntrack ${r.conntrack}`);
  lines.push(resultLine(r));
  return lines.join('\n') + '\n';
}

/** `traceroute -n HOST` as busybox prints it for the traced path (stars where the packet is lost). */
export function formatTraceroute(host: string, r: SimResponse): string {
  const dst = r.resolvedIP ?? host;
  const lines = [`traceroute to ${host} (${dst}), 30 hops max, 46 byte packets`];
  const routers = r.routers ?? [];
  let t = 0;
  routers.forEach((ip, i) => {
    t += 0.02 + 0.015 * i;
    lines.push(`${String(i + 1).padStart(2)}  ${ip}  ${t.toFixed(3)} ms  ${(t * 1.1).toFixed(3)} ms  ${(t * 0.95).toFixed(3)} ms`);
  });
  const next = routers.length + 1;
  if (r.outcome === 'response' || r.outcome === 'refused') {
    t += 0.03;
    lines.push(`${String(next).padStart(2)}  ${dst}  ${t.toFixed(3)} ms  ${(t * 1.1).toFixed(3)} ms  ${(t * 0.95).toFixed(3)} ms`);
  } else {
    for (let i = next; i < next + 3; i++) lines.push(`${String(i).padStart(2)}  *  *  *`);
  }
  return lines.join('\n') + '\n';
}

/** `curl -v URL`: connection lines, request and response headers (`>`/`<`) and the body. */
export function formatCurlVerbose(req: SimRequest, r: SimResponse, userAgent = 'curl/8.5.0'): string {
  const url = /^[a-z]+:\/\//.test(req.target) ? new URL(req.target) : new URL(`http://${req.target}`);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const lines: string[] = [];
  if (r.outcome === 'no-such-host') return `* Could not resolve host: ${url.hostname}\ncurl: (6) Could not resolve host: ${url.hostname}\n`;
  lines.push(`*   Trying ${r.resolvedIP ?? url.hostname}:${port}...`);
  if (r.outcome === 'refused') return `${lines.join('\n')}\n* connect to ${r.resolvedIP} port ${port} failed: Connection refused\ncurl: (7) Failed to connect to ${url.hostname} port ${port}: Connection refused\n`;
  if (r.outcome === 'timeout') return `${lines.join('\n')}\n* connect to ${r.resolvedIP} port ${port} failed: Connection timed out\ncurl: (28) Failed to connect to ${url.hostname} port ${port}: Connection timed out\n`;
  if (r.outcome === 'unreachable') return `${lines.join('\n')}\n* connect to ${r.resolvedIP ?? url.hostname} port ${port} failed: No route to host\ncurl: (7) Failed to connect to ${url.hostname} port ${port}: No route to host\n`;
  lines.push(`* Connected to ${url.hostname} (${r.resolvedIP}) port ${port}`);
  lines.push(`> ${req.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`, `> Host: ${url.host}`, `> User-Agent: ${userAgent}`, '> Accept: */*', '>');
  if (r.status === undefined) return `${lines.join('\n')}\n* Empty reply from server\ncurl: (52) Empty reply from server\n`;
  lines.push(`< HTTP/1.1 ${r.status} ${r.statusText ?? ''}`.trimEnd());
  for (const [k, v] of Object.entries(r.headers ?? {})) lines.push(`< ${k}: ${v}`);
  lines.push('<');
  return `${lines.join('\n')}\n${r.body ?? ''}`;
}
