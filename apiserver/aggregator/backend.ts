import type { APIService } from '../../api/apiregistration/apiservice.js';
import { BACKEND_URL_ANNOTATION, LOOPBACK_ENDPOINT_ANNOTATION } from '../../api/apiregistration/annotations.js';
import type { KubeObject } from '../../api/types.js';

/**
 * Where the aggregator sends an APIService's requests: a pure decision from the APIService
 * and its Service (read by the caller), with kube-aggregator's availability reasons when
 * there is nowhere to send them.
 */

export interface BackendTls {
  /** spec.insecureSkipTLSVerify. */
  insecure: boolean;
  /** spec.caBundle decoded (PEM); verification uses it instead of the system roots. */
  ca?: string;
  /** The name the serving certificate must carry: `<service>.<namespace>.svc`, as kube checks. */
  serverName?: string;
}

export type Backend =
  | { ok: true; local: true }
  | { ok: true; local: false; origin: string; tls: BackendTls }
  | { ok: false; reason: 'ServiceNotFound' | 'MissingEndpoints' | 'ServiceAccessError'; message: string };

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|::1)$/;

/** `host:port` on loopback → an origin with the given scheme; undefined otherwise. */
export function loopbackOrigin(value: string | undefined, scheme: 'https' | 'http'): string | undefined {
  if (!value) return undefined;
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value.trim());
  if (!m || !LOOPBACK_HOST.test(m[1]!)) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? `${scheme}://${m[1]}:${port}` : undefined;
}

/** A loopback http(s) URL → its origin (path dropped); undefined for anything else. */
export function loopbackUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (!LOOPBACK_HOST.test(url.hostname) || url.port === '') return undefined;
  return `${url.protocol}//${url.host}`;
}

function tlsOf(svc: APIService): BackendTls {
  const spec = svc.spec;
  const tls: BackendTls = { insecure: spec.insecureSkipTLSVerify === true };
  if (spec.caBundle) tls.ca = Buffer.from(spec.caBundle, 'base64').toString('utf8');
  if (spec.service?.name && spec.service.namespace) tls.serverName = `${spec.service.name}.${spec.service.namespace}.svc`;
  return tls;
}

/**
 * service: the Service spec.service names, undefined when it does not exist (the caller
 * reads it only when spec.service is set).
 */
export function resolveBackend(apiService: APIService, service: KubeObject | undefined): Backend {
  const url = loopbackUrl(apiService.metadata.annotations?.[BACKEND_URL_ANNOTATION]);
  if (url) return { ok: true, local: false, origin: url, tls: tlsOf(apiService) };
  const ref = apiService.spec?.service;
  if (!ref) return { ok: true, local: true };
  const where = `service/${ref.name} in "${ref.namespace}"`;
  if (!service) return { ok: false, reason: 'ServiceNotFound', message: `${where} is not present` };
  const value = service.metadata.annotations?.[LOOPBACK_ENDPOINT_ANNOTATION];
  // `host:port` is served over TLS, as every aggregated server is; a full URL may say http.
  const origin = value?.includes('://') ? loopbackUrl(value) : loopbackOrigin(value, 'https');
  if (!origin) {
    return {
      ok: false,
      reason: 'MissingEndpoints',
      message: `${where} has no loopback endpoint (annotation ${LOOPBACK_ENDPOINT_ANNOTATION}); Kubeling dials no simulated address`,
    };
  }
  return { ok: true, local: false, origin, tls: tlsOf(apiService) };
}
