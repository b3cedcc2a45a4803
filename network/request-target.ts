/**
 * What a simulated client was asked to reach: `http://name[:port]/path?query`,
 * `name:port`, `ip:port` or a bare name/IP (port 80), as wget and curl accept them.
 */

export interface RequestTarget {
  readonly scheme: 'http' | 'https';
  /** Host name or IPv4 literal, as written. */
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** Without the `?`. */
  readonly query: string;
}

export class BadTargetError extends Error {}

export function parseTarget(text: string): RequestTarget {
  const raw = text.trim();
  if (raw === '') throw new BadTargetError('empty URL');
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new BadTargetError(`bad address '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadTargetError(`unsupported scheme '${url.protocol.slice(0, -1)}'`);
  if (!url.hostname) throw new BadTargetError(`bad address '${raw}'`);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  return {
    scheme,
    host: url.hostname,
    port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80,
    path: url.pathname || '/',
    query: url.search.startsWith('?') ? url.search.slice(1) : url.search,
  };
}
