import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { PemPair } from '../x509.js';

/**
 * The kubernetes.io/kube-apiserver-client signer (kube's csrsigning controller): signs an
 * approved PKCS#10 request with the cluster CA for client authentication, keeping the
 * request's subject (CN → user, O → groups). Validity: spec.expirationSeconds, else a year
 * (kube's --cluster-signing-duration), never beyond the CA's own expiry. Requests that
 * do not verify, ask for usages other than client ones, or use a key node-forge cannot
 * read (only RSA) are refused with the reason, which becomes a Failed condition.
 */

export const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const DEFAULT_DURATION_SECONDS = 365 * 24 * 3600;
const CLIENT_USAGES = new Set(['digital signature', 'key encipherment', 'client auth']);
const BACKDATE_MS = 5 * 60 * 1000;

export function signClientCsr(ca: PemPair, requestPem: string, usages: readonly string[], expirationSeconds: number | undefined, now: number): { cert: string } | { error: string } {
  const bad = usages.filter((u) => !CLIENT_USAGES.has(u));
  if (bad.length > 0 || !usages.includes('client auth')) {
    return { error: `invalid usage for client certificate: ${bad.length ? bad.join(',') : 'missing client auth'}` };
  }
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(requestPem);
  } catch (err) {
    return { error: `unable to parse csr: ${(err as Error).message}` };
  }
  if (!csr.verify()) return { error: 'unable to verify certificate request signature' };
  const cn = csr.subject.getField('CN');
  if (!cn?.value) return { error: 'subject common name is required for client certificates' };

  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey!;
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f || 0x01;
  cert.serialNumber = serial.toString('hex');
  const seconds = expirationSeconds ?? DEFAULT_DURATION_SECONDS;
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  const notAfter = Math.min(now + seconds * 1000, caCert.validity.notAfter.getTime());
  cert.validity.notAfter = new Date(notAfter);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: usages.includes('key encipherment') },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert) };
}
