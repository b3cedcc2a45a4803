import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { pkiDir, readIfExists, writeFileAtomic } from '../pem-files.js';

/**
 * The ServiceAccount token signing key, as kubeadm keeps it: `<dataDir>/pki/sa.key`
 * (RSA-2048, PKCS#1, mode 0600) and `sa.pub` (its public half, PKIX). Created on first
 * start and reused after, so tokens issued before a restart stay valid. A key file that
 * does not parse is an error (replacing it would silently invalidate every token).
 */
export async function ensureServiceAccountKey(dataDir: string): Promise<KeyObject> {
  const keyPath = join(pkiDir(dataDir), 'sa.key');
  const pubPath = join(pkiDir(dataDir), 'sa.pub');
  const stored = await readIfExists(keyPath);
  if (stored !== null) {
    let key: KeyObject;
    try {
      key = createPrivateKey(stored);
    } catch (err) {
      throw new Error(`${keyPath}: not a private key (${(err as Error).message}); restore it, or remove it to issue new ServiceAccount tokens`);
    }
    if ((await readIfExists(pubPath)) === null) await writeFileAtomic(pubPath, publicPem(key), 0o644);
    return key;
  }
  const key = generateServiceAccountKey();
  await writeFileAtomic(keyPath, key.export({ type: 'pkcs1', format: 'pem' }).toString(), 0o600);
  await writeFileAtomic(pubPath, publicPem(key), 0o644);
  return key;
}

export function generateServiceAccountKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

function publicPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}
