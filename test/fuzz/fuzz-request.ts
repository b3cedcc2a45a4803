import { parse as parseYaml } from 'yaml';

/**
 * One fuzz request and the checks every response must pass, kept apart from the
 * generators so the rules read in one place.
 */
export interface FuzzRequest {
  /** Which generator made it: reported with a failure. */
  category: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  /**
   * The request writes to a seeded object (or must otherwise be refused): any 2xx or 3xx
   * answer is a failure, because the seeded objects must come out unchanged.
   */
  mustFail?: boolean;
}

export interface FuzzResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * Returns why a response is wrong, or null when it is acceptable:
 * - never 5xx, except where kube-apiserver answers 5xx itself (kubernetesAnswers5xx), and
 *   never 1xx/3xx;
 * - a refused request (mustFail) is 4xx;
 * - errors are a `Status` whose code equals the HTTP status, with a reason;
 * - successes are a JSON object (a watch: one JSON event per line); HEAD has no body.
 */
export function checkResponse(req: FuzzRequest, res: FuzzResponse): string | null {
  const code = res.statusCode;
  if (code >= 500 && !kubernetesAnswers5xx(req, res)) return `server error ${code}`;
  if (code < 200 || (code >= 300 && code < 400)) return `unexpected status ${code}`;
  if (req.mustFail && code < 400) return `request must be refused but got ${code}`;
  if (req.method === 'HEAD') return res.body === '' ? null : 'HEAD response has a body';
  if (code < 300 && /[?&]watch=(true|1)(&|$)/.test(req.url)) return checkWatchStream(res.body);
  let body: unknown;
  const type = String(res.headers['content-type'] ?? '');
  try {
    // YAML only when the client asked for it (Accept: application/yaml), as Kubernetes does.
    body = code < 300 && type.startsWith('application/yaml') && /yaml/.test(req.headers?.accept ?? '') ? parseYaml(res.body) : JSON.parse(res.body);
  } catch {
    return `body is not JSON (content-type ${type})`;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body is not a JSON object';
  if (code < 300) return null;
  const status = body as Record<string, unknown>;
  if (status.kind !== 'Status') return `error body kind is ${JSON.stringify(status.kind)}, not "Status"`;
  if (status.apiVersion !== 'v1') return `Status apiVersion is ${JSON.stringify(status.apiVersion)}`;
  if (status.status !== 'Failure') return `Status status is ${JSON.stringify(status.status)}`;
  if (status.code !== code) return `Status code ${JSON.stringify(status.code)} differs from HTTP ${code}`;
  if (typeof status.reason !== 'string' || status.reason === '') return 'Status has no reason';
  return null;
}

/**
 * The few 5xx answers kube-apiserver itself gives to these requests, so a faithful copy
 * gives them too (any other 5xx is a bug):
 * - strategic-merge-patch errors that patch.go's interpretStrategicMergePatchError does not
 *   classify (an unknown `$patch` directive, a list item without its merge key, a directive
 *   of the wrong JSON type) surface as 500 InternalError;
 * - a list with a forged continue token at a future revision: etcd's "required revision is
 *   a future revision" is passed through as a 500 (here storage answers 503).
 */
export function kubernetesAnswers5xx(req: FuzzRequest, res: FuzzResponse): boolean {
  const type = (req.headers?.['content-type'] ?? '').split(';')[0]!.trim();
  let message = '';
  try {
    message = String((JSON.parse(res.body) as { message?: unknown }).message ?? '');
  } catch {
    return false;
  }
  if (res.statusCode === 500 && req.method === 'PATCH' && type === 'application/strategic-merge-patch+json') {
    return /^Internal error occurred: (unknown patch type: |map: .* does not contain declared merge key: |expected a .+, but received a )/.test(message);
  }
  return req.method === 'GET' && /[?&]continue=/.test(req.url) && /future revision/.test(message);
}

function checkWatchStream(body: string): string | null {
  for (const line of body.split('\n')) {
    if (line === '') continue;
    try {
      const event = JSON.parse(line) as { type?: unknown; object?: unknown };
      if (typeof event.type !== 'string' || typeof event.object !== 'object') return `malformed watch event: ${line.slice(0, 200)}`;
    } catch {
      return `watch line is not JSON: ${line.slice(0, 200)}`;
    }
  }
  return null;
}

/** A one-line description of a request for failure reports (bodies cut short). */
export function describeRequest(req: FuzzRequest): string {
  const payload = req.payload === undefined ? '' : Buffer.isBuffer(req.payload) ? `<${req.payload.length} random bytes>` : req.payload;
  const shown = payload.length > 300 ? `${payload.slice(0, 300)}… (${payload.length} chars)` : payload;
  const url = req.url.length > 300 ? `${req.url.slice(0, 300)}… (${req.url.length} chars)` : req.url;
  const type = req.headers?.['content-type'] ? ` [${req.headers['content-type']}]` : '';
  return `${req.category}: ${req.method} ${url}${type} ${shown}`;
}
