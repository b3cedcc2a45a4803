/**
 * The ingress-nginx annotations Kubeling's ingress controller honours, parsed once per
 * Ingress (`nginx.ingress.kubernetes.io/<name>`), with ingress-nginx's defaults and its
 * treatment of bad values (ignored, the default kept). Pure.
 *
 * - rewrite-target: the upstream path, `$1`…`$9` taken from the path regex's groups;
 *   setting it turns the Ingress's paths into regexes, as use-regex does.
 * - use-regex: paths are case-insensitive regexes anchored at the start, for every Ingress
 *   of the same host (nginx puts all of a host's locations into one server block).
 * - ssl-redirect (default true: only for hosts with a TLS section), force-ssl-redirect
 *   (also without TLS): plain HTTP answers 308 to https.
 * - app-root: `/` answers 302 to that path.
 * - permanent-redirect (301, or permanent-redirect-code), temporal-redirect (302, or
 *   temporal-redirect-code): every request answers a redirect to that URL.
 * - backend-protocol: HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS, FCGI (else HTTP).
 * - canary, canary-by-header(-value), canary-by-cookie, canary-weight(-total): a canary
 *   Ingress adds an alternative backend to the same host and path of a main Ingress.
 */

export const ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';
const BACKEND_PROTOCOLS = ['HTTP', 'HTTPS', 'AUTO_HTTP', 'GRPC', 'GRPCS', 'FCGI'] as const;
export type BackendProtocol = (typeof BACKEND_PROTOCOLS)[number];

export interface CanaryConfig {
  byHeader?: string;
  byHeaderValue?: string;
  byCookie?: string;
  /** 0..weightTotal; undefined: no weight-based routing. */
  weight?: number;
  weightTotal: number;
}

export interface IngressAnnotations {
  rewriteTarget?: string;
  /** use-regex or rewrite-target. */
  useRegex: boolean;
  sslRedirect: boolean;
  forceSslRedirect: boolean;
  appRoot?: string;
  permanentRedirect?: { url: string; code: number };
  temporalRedirect?: { url: string; code: number };
  backendProtocol: BackendProtocol;
  canary?: CanaryConfig;
}

/** ingress-nginx's boolean parsing (strconv.ParseBool): anything else keeps the default. */
function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return dflt;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

function redirectCode(v: string | undefined, dflt: number): number {
  const n = int(v);
  return n !== undefined && n >= 300 && n <= 308 ? n : dflt;
}

export function parseAnnotations(annotations: Readonly<Record<string, string>> | undefined): IngressAnnotations {
  const a = (name: string): string | undefined => {
    const v = annotations?.[ANNOTATION_PREFIX + name];
    return v === undefined ? undefined : v.trim();
  };
  const rewriteTarget = a('rewrite-target') || undefined;
  const protocol = (a('backend-protocol') ?? 'HTTP').toUpperCase();
  const out: IngressAnnotations = {
    rewriteTarget,
    useRegex: bool(a('use-regex'), false) || rewriteTarget !== undefined,
    sslRedirect: bool(a('ssl-redirect'), true),
    forceSslRedirect: bool(a('force-ssl-redirect'), false),
    appRoot: a('app-root')?.startsWith('/') ? a('app-root') : undefined,
    backendProtocol: (BACKEND_PROTOCOLS as readonly string[]).includes(protocol) ? (protocol as BackendProtocol) : 'HTTP',
  };
  const permanent = a('permanent-redirect');
  if (permanent) out.permanentRedirect = { url: permanent, code: redirectCode(a('permanent-redirect-code'), 301) };
  const temporal = a('temporal-redirect');
  if (temporal) out.temporalRedirect = { url: temporal, code: redirectCode(a('temporal-redirect-code'), 302) };
  if (bool(a('canary'), false)) {
    const total = int(a('canary-weight-total'));
    const weight = int(a('canary-weight'));
    out.canary = {
      byHeader: a('canary-by-header') || undefined,
      byHeaderValue: a('canary-by-header-value') || undefined,
      byCookie: a('canary-by-cookie') || undefined,
      weightTotal: total !== undefined && total > 0 ? total : 100,
      weight: weight !== undefined && weight >= 0 ? weight : undefined,
    };
  }
  return out;
}

export interface CanaryRequest {
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
  /** In [0, 1); tests pin it. */
  random(): number;
}

/**
 * Whether a request goes to the canary: the header decides when present ("always",
 * "never", or equal to canary-by-header-value), then the cookie ("always"/"never"), then
 * the weight.
 */
export function takesCanary(c: CanaryConfig, req: CanaryRequest): boolean {
  if (c.byHeader) {
    const v = req.header(c.byHeader);
    if (v !== undefined) {
      if (c.byHeaderValue !== undefined) {
        if (v === c.byHeaderValue) return true;
      } else if (v === 'always') return true;
      else if (v === 'never') return false;
    }
  }
  if (c.byCookie) {
    const v = req.cookie(c.byCookie);
    if (v === 'always') return true;
    if (v === 'never') return false;
  }
  if (c.weight === undefined || c.weight <= 0) return false;
  return req.random() * c.weightTotal < c.weight;
}

/** nginx's rewrite: `$n` from the regex groups (missing groups are empty); the query string is kept. */
export function rewritePath(target: string, groups: readonly (string | undefined)[], query: string): string {
  const path = target.replace(/\$(\d)/g, (_m, d: string) => groups[Number(d)] ?? '');
  const withSlash = path.startsWith('/') || /^[a-z]+:\/\//i.test(path) ? path : `/${path}`;
  if (!query) return withSlash;
  return withSlash.includes('?') ? `${withSlash}&${query}` : `${withSlash}?${query}`;
}

/** The value of a cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
