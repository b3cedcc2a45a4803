import type { IngressAnnotations } from './annotations.js';

/**
 * The redirects an ingress-nginx server answers before proxying, in nginx's order: the
 * server block's app-root (`/` only), the location's permanent-/temporal-redirect, then the
 * rewrite phase's SSL redirect (a host with a TLS section, unless ssl-redirect is false, or
 * force-ssl-redirect). Pure.
 */

export interface RedirectRequest {
  scheme: 'http' | 'https';
  /** The Host header without port, lower-cased. */
  host: string;
  /** The Host header as sent (app-root keeps its port, as nginx's $http_host). */
  hostHeader: string;
  /** The path without query. */
  uri: string;
  /** Path and query, as received. */
  requestUri: string;
  hostHasTls: boolean;
  /** Where HTTPS is served (left out of Location when 443). */
  httpsPort: number;
}

export interface Redirect {
  code: number;
  location: string;
}

/** nginx's reason phrases. */
export const REDIRECT_TEXT: Readonly<Record<number, string>> = {
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

export function decideRedirect(a: IngressAnnotations, req: RedirectRequest): Redirect | undefined {
  if (a.appRoot && req.uri === '/') return { code: 302, location: `${req.scheme}://${req.hostHeader}${a.appRoot}` };
  if (a.permanentRedirect) return { code: a.permanentRedirect.code, location: a.permanentRedirect.url };
  if (a.temporalRedirect) return { code: a.temporalRedirect.code, location: a.temporalRedirect.url };
  if (req.scheme === 'http' && (a.forceSslRedirect || (a.sslRedirect && req.hostHasTls))) {
    const port = req.httpsPort === 443 ? '' : `:${req.httpsPort}`;
    return { code: 308, location: `https://${req.host}${port}${req.requestUri}` };
  }
  return undefined;
}
