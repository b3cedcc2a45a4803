import { join } from 'node:path';
import { caProblem, clientCertProblem, servingCertProblem } from './cert-checks.js';
import { pkiDir, readIfExists, writeFileAtomic } from './pem-files.js';
import { generateCa, generateClientCert, generateServingCert, subjectAltNames, type PemPair } from './x509.js';

export interface TlsMaterial {
  /** PEM of the cluster CA: what clients trust (kubeconfig certificate-authority-data). */
  caCert: string;
  /** PEM of the apiserver's serving certificate, signed by the CA. */
  cert: string;
  /** PEM of the serving certificate's private key. */
  key: string;
  /** PEM of the CA's private key, to sign client certificates (admin, CSRs). */
  caKey: string;
}

export interface TlsOptions {
  /** Extra names/addresses the serving certificate must cover (loopback is always in). */
  hosts: string[];
  /** Current time in ms; tests pass a fixed instant. */
  now?: () => number;
}

const CERT_MODE = 0o644;
const KEY_MODE = 0o600;

/**
 * Makes sure `<dataDir>/pki` holds a CA (ca.crt, ca.key) and a serving certificate
 * (apiserver.crt, apiserver.key) signed by it, and returns them.
 *
 * First start: generates both. Later starts: reuses them; the serving certificate is
 * regenerated when it does not cover the requested hosts, expires within 30 days, or was
 * not signed by the stored CA. The CA is regenerated only when it is expiring or broken
 * (which also replaces the serving certificate; the kubeconfig is rewritten on every
 * start, so local clients follow). A CA with only one of its two files present is an
 * error: silently replacing a CA the user may have supplied would be worse.
 */
export async function ensureTlsMaterial(dataDir: string, opts: TlsOptions): Promise<TlsMaterial> {
  const now = (opts.now ?? Date.now)();
  const dir = pkiDir(dataDir);
  const paths = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'apiserver.crt'),
    key: join(dir, 'apiserver.key'),
  };

  const ca = await ensureCa(paths.caCert, paths.caKey, now);
  const sans = subjectAltNames(opts.hosts);

  const storedCert = await readIfExists(paths.cert);
  const storedKey = await readIfExists(paths.key);
  if (storedCert !== null && storedKey !== null) {
    const serving = { cert: storedCert, key: storedKey };
    if (servingCertProblem(serving, ca.cert, sans, now) === null) {
      return { caCert: ca.cert, caKey: ca.key, cert: serving.cert, key: serving.key };
    }
  }
  const serving = generateServingCert(ca, sans, now);
  // Key first: a crash between the two writes leaves a mismatched pair, which the next
  // start detects (checkPrivateKey) and regenerates.
  await writeFileAtomic(paths.key, serving.key, KEY_MODE);
  await writeFileAtomic(paths.cert, serving.cert, CERT_MODE);
  return { caCert: ca.cert, caKey: ca.key, cert: serving.cert, key: serving.key };
}

async function ensureCa(certPath: string, keyPath: string, now: number): Promise<PemPair> {
  const cert = await readIfExists(certPath);
  const key = await readIfExists(keyPath);
  if ((cert === null) !== (key === null)) {
    const [present, absent] = cert === null ? [keyPath, certPath] : [certPath, keyPath];
    throw new Error(`${present} exists but ${absent} does not: restore it, or remove both to generate a new CA`);
  }
  if (cert !== null && key !== null && caProblem({ cert, key }, now) === null) return { cert, key };
  const ca = generateCa(now);
  await writeFileAtomic(keyPath, ca.key, KEY_MODE);
  await writeFileAtomic(certPath, ca.cert, CERT_MODE);
  return ca;
}

/**
 * The admin's client certificate, as kubeadm puts in admin.conf: CN=kubernetes-admin,
 * O=system:masters, signed by the cluster CA, kept in `<dataDir>/pki/admin.crt` and
 * `admin.key` and regenerated when it expires within 30 days or the CA changed.
 */
export async function ensureAdminClientCert(dataDir: string, ca: PemPair, now = Date.now()): Promise<PemPair> {
  const certPath = join(pkiDir(dataDir), 'admin.crt');
  const keyPath = join(pkiDir(dataDir), 'admin.key');
  const cert = await readIfExists(certPath);
  const key = await readIfExists(keyPath);
  if (cert !== null && key !== null && clientCertProblem({ cert, key }, ca.cert, now) === null) return { cert, key };
  const pair = generateClientCert(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] }, now);
  await writeFileAtomic(keyPath, pair.key, KEY_MODE);
  await writeFileAtomic(certPath, pair.cert, KEY_MODE);
  return pair;
}
