import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/**
 * Building the cluster's certificates. Keys come from node:crypto (native, ~100x faster
 * than node-forge's pure-JS prime search); node-forge only assembles and signs the X.509
 * structures, which node:crypto cannot do.
 */

export interface PemPair {
  cert: string;
  /** PKCS#1 (`RSA PRIVATE KEY`), the form kubeadm writes. */
  key: string;
}

export interface SubjectAltNames {
  dns: string[];
  ips: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Certificates start an hour in the past so a client whose clock is a little behind ours
 * (another container, a VM) does not reject a certificate generated a second ago.
 */
const BACKDATE_MS = 60 * 60 * 1000;

export const CA_VALIDITY_DAYS = 3650;
export const SERVING_VALIDITY_DAYS = 365;

/**
 * Names every serving certificate carries: loopback, and the names and ClusterIP by which
 * pods reach the apiserver through the `kubernetes` Service (10.96.0.1 is the first
 * address of the default service CIDR 10.96.0.0/12, as in kubeadm).
 */
export const DEFAULT_SANS: SubjectAltNames = {
  dns: [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ],
  ips: ['127.0.0.1', '::1', '10.96.0.1'],
};

/**
 * The subject alternative names for a serving certificate: the defaults plus the given
 * hosts, classified as IP or DNS, lowercased, deduplicated. Unspecified addresses
 * (0.0.0.0, ::) and empty strings are skipped: they are bind addresses, not names a
 * client can connect to. Brackets around IPv6 literals are removed.
 */
export function subjectAltNames(hosts: readonly string[]): SubjectAltNames {
  const dns = new Set(DEFAULT_SANS.dns);
  const ips = new Set(DEFAULT_SANS.ips);
  for (const raw of hosts) {
    const host = raw.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (host === '' || host === '0.0.0.0' || host === '::') continue;
    if (isIP(host)) ips.add(host);
    else dns.add(host);
  }
  return { dns: [...dns], ips: [...ips] };
}

/** A positive serial number of 128 random bits, as hex (RFC 5280 allows up to 20 octets). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01; // positive and without a leading zero octet
  return bytes.toString('hex');
}

function generateRsaKey(): { forgePrivate: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey; pem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    pem,
    forgePrivate: forge.pki.privateKeyFromPem(pem),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function validity(cert: forge.pki.Certificate, now: number, days: number): void {
  const from = Math.floor((now - BACKDATE_MS) / 1000) * 1000;
  cert.validity.notBefore = new Date(from);
  cert.validity.notAfter = new Date(Math.floor(now / 1000) * 1000 + days * DAY_MS);
}

/** A self-signed RSA-2048 certificate authority (CN kubeling-ca), valid ten years. */
export function generateCa(now: number, commonName = 'kubeling-ca'): PemPair {
  const key = generateRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = randomSerial();
  validity(cert, now, CA_VALIDITY_DAYS);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgePrivate, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}

/**
 * A serving certificate (CN kube-apiserver, EKU serverAuth) for the given names, signed
 * by the CA and valid one year.
 */
export function generateServingCert(ca: PemPair, sans: SubjectAltNames, now: number): PemPair {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const key = generateRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = randomSerial();
  validity(cert, now, SERVING_VALIDITY_DAYS);
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...sans.dns.map((value) => ({ type: 2, value })),
        ...sans.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    // forge's `keyIdentifier: true` would take the leaf's own key; name the CA's.
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}

export const CLIENT_VALIDITY_DAYS = 365;

/**
 * A client certificate (EKU clientAuth) for x509 authentication: CN is the user name, each
 * organization a group, as kubeadm's admin.conf (CN=kubernetes-admin, O=system:masters).
 * Signed by the CA, valid one year.
 */
export function generateClientCert(ca: PemPair, subject: { commonName: string; organizations: string[] }, now: number, days = CLIENT_VALIDITY_DAYS): PemPair {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const key = generateRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = randomSerial();
  validity(cert, now, days);
  cert.setSubject([...subject.organizations.map((value) => ({ name: 'organizationName', value })), { name: 'commonName', value: subject.commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}
