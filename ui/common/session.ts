/**
 * What the browser pages (the playground and the cluster view) share: the bearer token
 * and the apiserver URLs.
 *
 * URLs are relative to the page, so the pages also work through `kubectl proxy`
 * (http://127.0.0.1:8001/graphiql, …/ui), which adds the credentials itself. Opened
 * directly, a page needs a bearer token: from the link `kubeling up` prints (`#token=…`,
 * a fragment the browser never sends to any server), or typed into the token field; it is
 * kept in this tab's sessionStorage only.
 */
export const TOKEN_KEY = 'kubeling.token';

export function initialToken(): string {
  const fromFragment = /(?:^|[#&])token=([^&]+)/.exec(location.hash)?.[1];
  if (fromFragment) {
    const token = decodeURIComponent(fromFragment);
    sessionStorage.setItem(TOKEN_KEY, token);
    // Drop the token from the address bar and history.
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Stores (or, empty, forgets) the token typed into a page's token field. */
export function saveToken(value: string): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An apiserver path relative to the page, as an absolute URL (ws: for WebSocket). */
export function apiUrl(path: string, protocol: 'http' | 'ws' = 'http'): string {
  const url = new URL(path, location.href);
  if (protocol === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function authHeaders(token: string): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}
