import { HttpTransport, type TransportConfig } from '../client/http-transport.js';

/**
 * A GET of any apiserver path (discovery documents, metrics APIs served through
 * aggregation) answering the decoded JSON body. Failures throw the transport's ApiError,
 * whose message is the apiserver's Status message. The HPA's metrics client and REST
 * mapper read through this, so tests hand them a function over canned documents.
 */
export type RawGet = (path: string, query?: Record<string, string | undefined>) => Promise<unknown>;

/** A RawGet over its own keep-alive transport; close() destroys the transport's sockets. */
export function createRawGet(config: TransportConfig, token?: () => string | undefined): { get: RawGet; close(): void } {
  const transport = new HttpTransport(config);
  return {
    async get(path, query = {}) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
      // A token source (the HPA's ServiceAccount token) overrides the configured credential.
      const t = token?.();
      return (await transport.request({ method: 'GET', path, query: q, ...(t ? { token: t } : {}) })).body;
    },
    close: () => transport.destroy(),
  };
}
