import http from 'node:http';
import https from 'node:https';
import { ApiError, type Status } from './api-error.js';
import { TokenBucket } from './token-bucket.js';

/**
 * The HTTP layer under the REST client: one keep-alive agent per client, bearer-token
 * auth, client-side throttling, and the single place where HTTP failures become
 * ApiErrors. Knows nothing about Kubernetes resources.
 */

export interface TransportConfig {
  /** `https://127.0.0.1:6443` (a path prefix is kept); `http://` is accepted for tests. */
  server: string;
  /** PEM CA bundle that signs the server certificate. */
  caCert?: string;
  /** PEM client certificate and key (x509 client auth), if used instead of a token. */
  clientCert?: string;
  clientKey?: string;
  insecureSkipTLSVerify?: boolean;
  token?: string;
  userAgent?: string;
  /** Client-side throttle; absent or 0: unthrottled. */
  qps?: number;
  /** Defaults to 2 × qps. */
  burst?: number;
  /** Whole-request deadline for non-watch calls; for watches, the wait for headers. Default 30 s. */
  timeoutMs?: number;
  /** Sockets per host; long-lived watches hold one each. Default 100. */
  maxSockets?: number;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: URLSearchParams;
  /** Serialized as JSON unless already a string. */
  body?: unknown;
  contentType?: string;
  /** This request's bearer token, instead of the configured one (one pool, many identities). */
  token?: string;
}

export interface TransportResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

const DEFAULT_USER_AGENT = `kubeling/0.1.0 (${process.platform}/${process.arch}) kubernetes/kubeling`;
/** Retries of an idempotent GET that the server throttled with a Retry-After header. */
const MAX_THROTTLE_RETRIES = 3;

export class HttpTransport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly limiter?: TokenBucket;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(private readonly config: TransportConfig) {
    this.base = new URL(config.server);
    const secure = this.base.protocol === 'https:';
    if (!secure && this.base.protocol !== 'http:') throw new Error(`unsupported server URL ${config.server}`);
    this.mod = secure ? https : http;
    // Idle connections are kept up to maxSockets: a burst of requests (a scheduler's batch
    // of binds) followed by a lull must not close most of them only to open them again,
    // a TLS handshake each on both sides. The server's keep-alive timeout closes idle ones.
    const maxSockets = config.maxSockets ?? 100;
    const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
    this.agent = secure
      ? new https.Agent({
          ...agentOptions,
          ca: config.caCert,
          cert: config.clientCert,
          key: config.clientKey,
          rejectUnauthorized: !config.insecureSkipTLSVerify,
        })
      : new http.Agent(agentOptions);
    if (config.qps && config.qps > 0) this.limiter = new TokenBucket(config.qps, config.burst ?? config.qps * 2);
    this.timeoutMs = config.timeoutMs ?? 30_000;
    this.userAgent = config.userAgent ?? DEFAULT_USER_AGENT;
  }

  /** A whole request/response; rejects with ApiError on non-2xx or transport failure. */
  async request(req: TransportRequest): Promise<TransportResponse> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.open(req, this.timeoutMs, true);
      const text = await readBody(res);
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 300) return { statusCode: code, headers: res.headers, body: parseBody(text) };
      const retryAfter = Number(res.headers['retry-after']);
      // A write refused by the server's priority and fairness (the X-Kubernetes-PF-* headers
      // say so) was never processed: as client-go, it is retried after Retry-After too.
      const refusedByApf = res.headers['x-kubernetes-pf-prioritylevel-uid'] !== undefined;
      if (code === 429 && (req.method === 'GET' || refusedByApf) && attempt < MAX_THROTTLE_RETRIES && Number.isFinite(retryAfter)) {
        await new Promise((r) => setTimeout(r, Math.min(10, Math.max(0, retryAfter)) * 1000));
        continue;
      }
      throw errorFromResponse(code, res.statusMessage, text);
    }
  }

  /**
   * Opens a streaming GET (watch). Resolves with the live response once 2xx headers
   * arrive; the caller reads and destroys it. Non-2xx rejects with the decoded ApiError.
   */
  async stream(req: TransportRequest): Promise<http.IncomingMessage> {
    const res = await this.open(req, this.timeoutMs, false);
    const code = res.statusCode ?? 0;
    if (code >= 200 && code < 300) return res;
    throw errorFromResponse(code, res.statusMessage, await readBody(res));
  }

  /** Closes idle keep-alive sockets (open watches end when their streams are closed). */
  destroy(): void {
    this.agent.destroy();
  }

  private async open(req: TransportRequest, timeoutMs: number, wholeRequest: boolean): Promise<http.IncomingMessage> {
    if (this.limiter) await this.limiter.wait();
    const url = new URL(this.base.href);
    url.pathname = this.base.pathname.replace(/\/$/, '') + req.path;
    url.search = req.query && [...req.query.keys()].length > 0 ? `?${req.query.toString()}` : '';
    const headers: http.OutgoingHttpHeaders = { Accept: 'application/json', 'User-Agent': this.userAgent };
    const token = req.token ?? this.config.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: ApiError): void => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const r = this.mod.request(url, { method: req.method, headers, agent: this.agent }, (res) => {
        if (!wholeRequest) clearTimeout(timer);
        else res.on('close', () => clearTimeout(timer));
        settled = true;
        resolve(res);
      });
      const timer = setTimeout(() => {
        r.destroy(ApiError.from(0, `${req.method} ${req.path}: no response within ${timeoutMs} ms`, 'Timeout'));
      }, timeoutMs);
      r.on('error', (err: Error) => {
        clearTimeout(timer);
        fail(err instanceof ApiError ? err : transportError(req, err));
      });
      r.end(payload);
    });
  }
}

function transportError(req: TransportRequest, err: Error & { code?: string }): ApiError {
  return ApiError.from(0, `${req.method} ${req.path}: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '), 'ServiceUnavailable');
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) => reject(ApiError.from(0, `reading response: ${err.message}`, 'ServiceUnavailable')));
    res.on('aborted', () => reject(ApiError.from(0, 'response aborted', 'ServiceUnavailable')));
  });
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A non-2xx response → ApiError, from its Status body when it has one. */
export function errorFromResponse(code: number, statusMessage: string | undefined, text: string): ApiError {
  const body = parseBody(text);
  if (body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') {
    return new ApiError(body as Status, code);
  }
  const message = typeof body === 'string' && body.trim() !== '' ? body.trim() : (statusMessage ?? `HTTP ${code}`);
  return ApiError.from(code, message);
}
