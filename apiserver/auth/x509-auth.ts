import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { UserInfo } from './authenticator.js';
import { AUTHENTICATED_GROUP } from './tokens.js';

/**
 * kube-apiserver's x509 client-certificate authenticator (--client-ca-file): a client
 * certificate that chains to the client CA names the user by its subject's CommonName and
 * the groups by its Organization values (kubeadm's admin.conf: CN=kubernetes-admin,
 * O=system:masters). The TLS handshake does the chain check (the server is started with
 * requestCert and the client CA as `ca`, rejectUnauthorized off so that token and
 * anonymous clients still connect); this module reads the outcome.
 */

export type CertificateOutcome =
  /** No client certificate was presented. */
  | { kind: 'none' }
  | { kind: 'user'; user: UserInfo }
  /** A certificate was presented but does not verify (other CA, expired, no CN). */
  | { kind: 'error'; message: string };

function values(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** CN → username, O → groups (plus system:authenticated), as kube's CommonNameUserConversion. */
export function userFromCertificate(cert: Pick<PeerCertificate, 'subject'>): UserInfo | null {
  const cn = values(cert.subject?.CN)[0];
  if (!cn) return null;
  const groups = values(cert.subject?.O).filter((g) => g !== '');
  return { username: cn, groups: groups.includes(AUTHENTICATED_GROUP) ? groups : [...groups, AUTHENTICATED_GROUP] };
}

/** What the request's TLS connection says about its client certificate. */
export function certificateOutcome(socket: unknown): CertificateOutcome {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (!tls || typeof tls.getPeerCertificate !== 'function') return { kind: 'none' };
  const cert = tls.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return { kind: 'none' };
  if (!tls.authorized) {
    // kube: "verifying certificate SN=…, SKID=…, AKID=… failed: x509: certificate signed by unknown authority"
    const reason = String(tls.authorizationError ?? 'certificate signed by unknown authority');
    return { kind: 'error', message: `verifying certificate SN=${parseInt(cert.serialNumber ?? '0', 16) || cert.serialNumber} failed: x509: ${describe(reason)}` };
  }
  const user = userFromCertificate(cert);
  if (!user) return { kind: 'error', message: 'x509: certificate has no common name' };
  return { kind: 'user', user };
}

function describe(code: string): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return 'certificate has expired or is not yet valid';
    case 'CERT_NOT_YET_VALID':
      return 'certificate has expired or is not yet valid';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'certificate signed by unknown authority';
    default:
      return code;
  }
}
