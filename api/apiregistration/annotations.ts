/**
 * How Kubeling maps an APIService's backend onto a real loopback server.
 *
 * Kubernetes resolves `spec.service` through the Service's Endpoints and dials a pod IP.
 * Kubeling's pod and cluster IPs are simulated (never dialled), and Endpoints validation
 * refuses loopback addresses, as Kubernetes' does. So a Service that fronts a real
 * loopback server (the metrics server, an extension apiserver started by hand) says where
 * that server listens in this annotation on the Service: `127.0.0.1:PORT` (any 127/8
 * address, `localhost` or `[::1]`). Only loopback values are honoured.
 */
export const LOOPBACK_ENDPOINT_ANNOTATION = 'kubeling.io/loopback-endpoint';

/**
 * A URL backend, on the APIService itself (`https://127.0.0.1:PORT` or `http://…`), for an
 * extension server with no Service at all. Loopback only; takes precedence over spec.service.
 */
export const BACKEND_URL_ANNOTATION = 'kubeling.io/backend-url';
