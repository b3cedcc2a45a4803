import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { BackendTls } from './backend.js';

/**
 * One request to an aggregated backend (always a loopback origin, see backend.ts), with
 * the TLS checks the APIService asks for: none with insecureSkipTLSVerify, else the
 * caBundle and the Service's DNS name.
 */

export interface BackendRequest {
  origin: string;
  tls: BackendTls;
  method: string;
  /** Path and query. */
  path: string;
  headers: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  timeoutMs: number;
}

// One keep-alive pool per process: the HPA and kubectl top ask every few seconds.
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function sendBackendRequest(r: BackendRequest): Promise<http.IncomingMessage> {
  const url = new URL(r.path, r.origin);
  const secure = url.protocol === 'https:';
  const options: https.RequestOptions = {
    method: r.method,
    headers: r.headers,
    agent: secure ? httpsAgent : httpAgent,
  };
  if (secure) {
    options.rejectUnauthorized = !r.tls.insecure;
    if (r.tls.ca) options.ca = r.tls.ca;
    if (!r.tls.insecure && r.tls.serverName) {
      const name = r.tls.serverName;
      // The certificate must name the Service (kube dials <svc>.<ns>.svc), not 127.0.0.1.
      options.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(name, cert);
    }
  }
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, options, resolve);
    req.setTimeout(r.timeoutMs, () => req.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Reads a whole (small) answer: discovery documents and availability checks. */
export async function readBody(res: http.IncomingMessage, max = 4 << 20): Promise<string> {
  return (await readBytes(res, max)).toString('utf8');
}

export async function readBytes(res: http.IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.destroy();
      throw new Error(`response larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
