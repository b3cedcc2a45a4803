import { request as httpsRequest, Agent } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity as nodeCheck, type PeerCertificate } from 'node:tls';
import type { WebhookClientConfig } from '../../api/admissionregistration/index.js';
import { goJsonError, InvalidResponseError } from './review.js';

/**
 * Posts an AdmissionReview (or any JSON) to a webhook over HTTPS, as kube-apiserver's
 * webhook client does: the caBundle is the only trust root when given (the system roots
 * otherwise), the server name is the URL's host or `<service>.<namespace>.svc`, the
 * timeout rides along as `?timeout=Ns`. Failures are WebhookCallErrors worded as Go's
 * net/http errors ("Post \"https://…\": dial tcp 127.0.0.1:1: connect: connection refused")
 * so the dispatcher can print kube's "failed calling webhook" text.
 *
 * Only loopback addresses are ever dialled (the machine is shared, the cluster simulated):
 * a URL naming another host fails as an unreachable one would.
 */

export class WebhookCallError extends Error {}

/** Where to connect: a resolved address plus what the certificate must say. */
export interface WebhookTarget {
  /** The URL kube would print in errors (service form: https://svc.ns.svc:port/path). */
  url: string;
  /** The real address to dial. */
  host: string;
  port: number;
  path: string;
  serverName: string;
}

export interface ServiceEndpointResolver {
  /**
   * The address behind a Service port, or a reason it has none: kube dials the
   * service; Kubeling dials its endpoints when one is a real (loopback) address.
   */
  resolve(namespace: string, name: string, port: number): Promise<{ host: string; port: number } | { error: string }>;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

const MAX_RESPONSE_BYTES = 3 * 1024 * 1024 + 1024;

/** Resolves the client config to a target, or throws a WebhookCallError. */
export async function resolveTarget(cc: WebhookClientConfig, timeoutSeconds: number, resolver: ServiceEndpointResolver | undefined): Promise<WebhookTarget> {
  const q = `?timeout=${timeoutSeconds}s`;
  if (cc.url !== undefined) {
    const u = new URL(cc.url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = u.port ? Number(u.port) : 443;
    const url = `${u.protocol}//${u.host}${u.pathname}${q}`;
    if (!isLoopback(host)) {
      throw new WebhookCallError(isIP(host) ? `Post "${url}": dial tcp ${u.host.includes(':') ? u.host : `${u.host}:${port}`}: connect: network is unreachable` : `Post "${url}": dial tcp: lookup ${host}: no such host`);
    }
    return { url, host: host === 'localhost' ? '127.0.0.1' : host, port, path: `${u.pathname}${q}`, serverName: host };
  }
  const svc = cc.service!;
  const port = svc.port ?? 443;
  const path = svc.path && svc.path !== '' ? svc.path : '/';
  const serverName = `${svc.name}.${svc.namespace}.svc`;
  const url = `https://${serverName}:${port}${path}${q}`;
  if (!resolver) throw new WebhookCallError(`Post "${url}": service resolution is not available`);
  const addr = await resolver.resolve(svc.namespace!, svc.name!, port);
  if ('error' in addr) throw new WebhookCallError(`Post "${url}": ${addr.error}`);
  return { url, host: addr.host, port: addr.port, path: `${path}${q}`, serverName };
}

/** Go's crypto/x509 wording for node's certificate errors. */
function tlsText(err: NodeJS.ErrnoException, serverName: string): string | undefined {
  switch (err.code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_SIGNATURE_FAILURE':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${serverName}`;
    default:
      return err.code?.startsWith('ERR_SSL') || err.code?.startsWith('ERR_TLS') ? `remote error: tls: ${err.message}` : undefined;
  }
}

/** Decoded caBundle (base64 of PEM); undefined when empty. */
function caFromBundle(caBundle: string | undefined): string | undefined {
  if (!caBundle) return undefined;
  return Buffer.from(caBundle, 'base64').toString('utf8');
}

const agents = new Map<string, Agent>();

/** One keep-alive agent per trust root, as kube keeps one client per webhook. */
function agentFor(ca: string | undefined): Agent {
  const key = ca ?? '';
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 32, ...(ca ? { ca } : {}) });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes idle webhook connections (apiserver shutdown, tests). */
export function closeWebhookAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** POSTs body and returns the parsed JSON answer (throws WebhookCallError). */
export async function postJson(target: WebhookTarget, caBundle: string | undefined, body: unknown, timeoutSeconds: number): Promise<unknown> {
  const payload = Buffer.from(JSON.stringify(body));
  const ca = caFromBundle(caBundle);
  const text = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const fail = (msg: string) => {
      if (settled) return;
      settled = true;
      reject(new WebhookCallError(msg));
    };
    const req = httpsRequest(
      {
        host: target.host,
        port: target.port,
        path: target.path,
        method: 'POST',
        servername: isIP(target.serverName) ? undefined : target.serverName,
        agent: agentFor(ca),
        headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': payload.length },
        // The name kube verifies: the URL host or the service's DNS name.
        checkServerIdentity: (_hostname, cert) => tlsCheck(target.serverName, cert),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            fail(`Post "${target.url}": response body too large`);
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          const raw = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            fail(`an error on the server (${JSON.stringify(raw.slice(0, 200).trim() || res.statusMessage || '')}) has prevented the request from succeeding`);
            return;
          }
          settled = true;
          resolve(raw);
        });
        res.on('error', (e) => fail(`Post "${target.url}": ${e.message}`));
      },
    );
    const timer = setTimeout(() => {
      fail(`Post "${target.url}": context deadline exceeded`);
      req.destroy();
    }, timeoutSeconds * 1000);
    timer.unref();
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const tls = tlsText(e, target.serverName);
      if (tls) return fail(`Post "${target.url}": ${tls}`);
      if (e.code === 'ECONNREFUSED') return fail(`Post "${target.url}": dial tcp ${target.host}:${target.port}: connect: connection refused`);
      if (e.code === 'ECONNRESET') return fail(`Post "${target.url}": EOF`);
      fail(`Post "${target.url}": ${e.message}`);
    });
    req.end(payload);
  });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidResponseError(goJsonError(text, (err as Error).message));
  }
}

function tlsCheck(serverName: string, cert: PeerCertificate): Error | undefined {
  const err = nodeCheck(serverName, cert);
  if (err) (err as NodeJS.ErrnoException).code = 'ERR_TLS_CERT_ALTNAME_INVALID';
  return err;
}
