/**
 * Which backend an HTTP request goes to, from the Ingresses of one class, as ingress-nginx
 * decides it:
 *
 * - An Ingress is ours when `spec.ingressClassName` names our IngressClass, or when it
 *   names none and our class is the default one (`ingressclass.kubernetes.io/is-default-class`),
 *   or through the legacy `kubernetes.io/ingress.class` annotation.
 * - Hosts: an exact host (case-insensitive, port stripped) wins over a wildcard
 *   (`*.example.com` matches exactly one more label), which wins over rules without host.
 * - Paths within the chosen host: Exact must equal; Prefix matches whole path elements
 *   (`/foo` matches `/foo`, `/foo/`, `/foo/bar`, not `/foobar`); ImplementationSpecific is
 *   nginx's plain string prefix. The longest path wins; on a tie Exact beats Prefix, and
 *   the older Ingress wins (ingress-nginx merges every Ingress of a host into one server).
 * - Nothing matched: the `defaultBackend` of an Ingress (the oldest that has one), else the
 *   controller's own 404.
 *
 * - ingress-nginx annotations (annotations.ts): regex paths, canaries; the rest is
 *   applied by the controller to the Route.
 *
 * Pure: the controller (controller.ts) rebuilds the table when Ingresses change.
 */

import { parseAnnotations, takesCanary, type CanaryConfig, type CanaryRequest, type IngressAnnotations } from './annotations.js';

export interface IngressBackend {
  service?: { name: string; port?: { number?: number; name?: string } };
  resource?: { apiGroup?: string; kind: string; name: string };
}

export interface IngressPath {
  path?: string;
  pathType?: string;
  backend: IngressBackend;
}

export interface Ingress {
  metadata: { name?: string; namespace?: string; uid?: string; creationTimestamp?: string; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: Array<{ hosts?: string[]; secretName?: string }>;
    rules?: Array<{ host?: string; http?: { paths?: IngressPath[] } }>;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

export interface IngressClass {
  metadata: { name?: string; annotations?: Record<string, string> };
  spec?: { controller?: string };
}

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface Route {
  /** The Ingress whose rule matched (the canary's, when the request went to the canary). */
  namespace: string;
  ingress: string;
  backend: IngressBackend;
  /** The rule's path and type, or 'default' for a default backend. */
  matched: string;
  /** The matched (main) Ingress's ingress-nginx annotations. */
  annotations: IngressAnnotations;
  /** Regex paths: the groups of the match ($0 is the whole match), for rewrite-target. */
  groups?: readonly (string | undefined)[];
  /** The request was sent to a canary Ingress's backend. */
  canary?: boolean;
}

export interface TlsEntry {
  namespace: string;
  ingress: string;
  secretName: string;
  hosts: string[];
}

interface CanaryBackend {
  backend: IngressBackend;
  namespace: string;
  ingress: string;
  config: CanaryConfig;
}

interface CompiledPath {
  path: string;
  type: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: IngressBackend;
  namespace: string;
  ingress: string;
  age: string;
  annotations: IngressAnnotations;
  /** Set when the host's paths are regexes (use-regex or rewrite-target on any of its Ingresses). */
  regex?: RegExp;
  canaries: CanaryBackend[];
}

export interface RoutingTable {
  /** `req` (headers, cookies, randomness) only matters for canary Ingresses. */
  route(host: string | undefined, path: string, req?: CanaryRequest): Route | undefined;
  /** TLS sections of our Ingresses, oldest first: a host's certificate is the first that lists it. */
  readonly tls: readonly TlsEntry[];
  /** Our Ingresses (namespace/name). */
  readonly ingresses: readonly string[];
}

/** Whether an Ingress belongs to the class `className` (`classIsDefault`: that class is the cluster's default). */
export function isOurs(ing: Ingress, className: string, classIsDefault: boolean): boolean {
  const named = ing.spec?.ingressClassName;
  if (named !== undefined && named !== '') return named === className;
  const legacy = ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy !== undefined) return legacy === className;
  return classIsDefault;
}

/** A request Host header without its port, lower-cased. */
export function normalizeHost(host: string | undefined): string {
  if (!host) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

function wildcardMatches(pattern: string, host: string): boolean {
  // `*.example.com` matches `foo.example.com` only: the star is exactly one DNS label.
  const suffix = pattern.slice(1);
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

function pathMatches(p: CompiledPath, path: string): boolean {
  if (p.regex && p.type !== 'Exact') return p.regex.test(path);
  switch (p.type) {
    case 'Exact':
      return path === p.path;
    case 'ImplementationSpecific':
      return path.startsWith(p.path);
    case 'Prefix': {
      if (p.path === '/') return true;
      const rule = p.path.endsWith('/') ? p.path.slice(0, -1) : p.path;
      return path === rule || path.startsWith(`${rule}/`);
    }
  }
}

function better(a: CompiledPath, b: CompiledPath): CompiledPath {
  if (a.path.length !== b.path.length) return a.path.length > b.path.length ? a : b;
  if ((a.type === 'Exact') !== (b.type === 'Exact')) return a.type === 'Exact' ? a : b;
  return a.age <= b.age ? a : b;
}

const age = (ing: Ingress): string => `${ing.metadata.creationTimestamp ?? ''}/${ing.metadata.namespace ?? ''}/${ing.metadata.name ?? ''}`;

export function buildRoutingTable(ingresses: Iterable<Ingress>, className: string, classIsDefault: boolean): RoutingTable {
  const ours = [...ingresses].filter((i) => !i.metadata.deletionTimestamp && isOurs(i, className, classIsDefault)).sort((a, b) => (age(a) < age(b) ? -1 : 1));
  const parsed = new Map(ours.map((i) => [i, parseAnnotations(i.metadata.annotations)]));
  const canaries: Ingress[] = [];
  const exact = new Map<string, CompiledPath[]>();
  const wildcard = new Map<string, CompiledPath[]>();
  const anyHost: CompiledPath[] = [];
  const tls: TlsEntry[] = [];
  let fallback: Route | undefined;
  for (const ing of ours) {
    const namespace = ing.metadata.namespace ?? 'default';
    const ingress = ing.metadata.name ?? '';
    const annotations = parsed.get(ing)!;
    if (annotations.canary) {
      canaries.push(ing);
      continue;
    }
    for (const t of ing.spec?.tls ?? []) {
      if (t.secretName) tls.push({ namespace, ingress, secretName: t.secretName, hosts: (t.hosts ?? []).map((h) => h.toLowerCase()) });
    }
    if (!fallback && ing.spec?.defaultBackend) fallback = { namespace, ingress, backend: ing.spec.defaultBackend, matched: 'default', annotations };
    for (const rule of ing.spec?.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase();
      const bucket = host === '' ? anyHost : host.startsWith('*.') ? listIn(wildcard, host) : listIn(exact, host);
      for (const p of rule.http?.paths ?? []) {
        const type = p.pathType === 'Exact' || p.pathType === 'Prefix' ? p.pathType : 'ImplementationSpecific';
        bucket.push({ path: p.path || '/', type, backend: p.backend, namespace, ingress, age: age(ing), annotations, canaries: [] });
      }
    }
  }
  // One nginx server per host: use-regex on any of its Ingresses makes all its paths regexes.
  for (const list of [...exact.values(), ...wildcard.values(), anyHost]) {
    if (!list.some((p) => p.annotations.useRegex)) continue;
    for (const p of list) p.regex = compileRegex(p.path);
  }
  // A canary joins the main Ingress serving the same host and path; alone it serves nothing.
  for (const ing of canaries) {
    const config = parsed.get(ing)!.canary!;
    for (const rule of ing.spec?.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase();
      const list = host === '' ? anyHost : host.startsWith('*.') ? wildcard.get(host) : exact.get(host);
      for (const p of rule.http?.paths ?? []) {
        const main = list?.find((m) => m.path === (p.path || '/'));
        main?.canaries.push({ backend: p.backend, namespace: ing.metadata.namespace ?? 'default', ingress: ing.metadata.name ?? '', config });
      }
    }
  }
  return {
    tls,
    ingresses: ours.map((i) => `${i.metadata.namespace ?? 'default'}/${i.metadata.name ?? ''}`),
    route(hostHeader, rawPath, req) {
      const host = normalizeHost(hostHeader);
      const path = rawPath.split('?', 1)[0] || '/';
      const candidates: CompiledPath[][] = [];
      const e = exact.get(host);
      if (e) candidates.push(e);
      for (const [pattern, list] of wildcard) if (wildcardMatches(pattern, host)) candidates.push(list);
      candidates.push(anyHost);
      // The most specific host that has rules decides (as one nginx server block per host).
      for (const list of candidates) {
        if (list.length === 0) continue;
        let best: CompiledPath | undefined;
        for (const p of list) if (pathMatches(p, path)) best = best ? better(best, p) : p;
        if (best) {
          const groups = best.regex && best.type !== 'Exact' ? [...(best.regex.exec(path) ?? [])] : undefined;
          const matched = `${best.path} (${best.type})`;
          const canary = req ? best.canaries.find((c) => takesCanary(c.config, req)) : undefined;
          if (canary) return { namespace: canary.namespace, ingress: canary.ingress, backend: canary.backend, matched, annotations: best.annotations, groups, canary: true };
          return { namespace: best.namespace, ingress: best.ingress, backend: best.backend, matched, annotations: best.annotations, groups };
        }
        break;
      }
      return fallback;
    },
  };
}

/** nginx `location ~* "^path"`; a path that is no valid regex matches literally. */
function compileRegex(path: string): RegExp {
  try {
    return new RegExp(`^${path}`, 'i');
  } catch {
    return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i');
  }
}

function listIn(map: Map<string, CompiledPath[]>, key: string): CompiledPath[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/** The Secret holding the certificate for an SNI host name, if an Ingress names one. */
export function tlsSecretFor(table: RoutingTable, serverName: string | undefined): TlsEntry | undefined {
  const host = normalizeHost(serverName);
  return (
    table.tls.find((t) => t.hosts.includes(host)) ??
    table.tls.find((t) => t.hosts.some((h) => h.startsWith('*.') && wildcardMatches(h, host))) ??
    undefined
  );
}
