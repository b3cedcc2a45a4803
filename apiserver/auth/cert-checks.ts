import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { PemPair, SubjectAltNames } from './x509.js';

/** A certificate is renewed when it has less than this left to live. */
export const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/** Expiry (ms since the epoch) of a parsed certificate. */
function notAfter(cert: X509Certificate): number {
  return Date.parse(cert.validTo);
}

function notBefore(cert: X509Certificate): number {
  return Date.parse(cert.validFrom);
}

/**
 * Why a stored certificate/key pair cannot be used as it is, or null when it can:
 * unparsable, key does not match, not yet valid, or expiring within RENEW_BEFORE_MS.
 */
function pairProblem(pair: PemPair, now: number): { problem: string } | { cert: X509Certificate } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.cert);
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return { problem: 'the key does not match the certificate' };
  } catch (err) {
    return { problem: `unreadable: ${(err as Error).message}` };
  }
  if (Number.isNaN(notAfter(cert)) || notAfter(cert) - now < RENEW_BEFORE_MS) return { problem: 'expires within 30 days' };
  if (notBefore(cert) > now) return { problem: 'not valid yet' };
  return { cert };
}

/** Why the stored CA must be replaced, or null when it is usable. */
export function caProblem(ca: PemPair, now: number): string | null {
  const r = pairProblem(ca, now);
  if ('problem' in r) return r.problem;
  return r.cert.ca ? null : 'not a CA certificate';
}

/**
 * Why the stored serving certificate must be regenerated, or null when it can be reused:
 * besides the checks on any pair, it must be signed by the current CA and cover every
 * requested name and address.
 */
export function servingCertProblem(serving: PemPair, caCert: string, sans: SubjectAltNames, now: number): string | null {
  const r = pairProblem(serving, now);
  if ('problem' in r) return r.problem;
  const cert = r.cert;
  try {
    if (!cert.verify(new X509Certificate(caCert).publicKey)) return 'not signed by the current CA';
  } catch {
    return 'not signed by the current CA';
  }
  const missing = [
    ...sans.dns.filter((name) => cert.checkHost(name, { wildcards: false }) === undefined),
    ...sans.ips.filter((ip) => cert.checkIP(ip) === undefined),
  ];
  return missing.length === 0 ? null : `does not cover ${missing.join(', ')}`;
}

/** Why a stored client certificate must be regenerated (expiring, broken, other CA), or null. */
export function clientCertProblem(pair: PemPair, caCert: string, now: number): string | null {
  const r = pairProblem(pair, now);
  if ('problem' in r) return r.problem;
  try {
    return r.cert.verify(new X509Certificate(caCert).publicKey) ? null : 'not signed by the current CA';
  } catch {
    return 'not signed by the current CA';
  }
}
