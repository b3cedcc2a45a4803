import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Compact JWS with RS256, the form of kube's ServiceAccount tokens (go-jose there;
 * node:crypto here, since a JWT is three base64url parts and one RSA signature). The key
 * id is kube's: base64url(sha256(DER SubjectPublicKeyInfo)), so a verifier that reads
 * /openid/v1/jwks finds the key by `kid`.
 */

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

export type JwtClaims = Record<string, unknown>;

const b64 = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** kube's keyIDFromPublicKey. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export function signJwt(claims: JwtClaims, privateKey: KeyObject): string {
  const header: JwtHeader = { alg: 'RS256', kid: keyId(createPublicKey(privateKey)) };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${b64(sign('sha256', Buffer.from(input), privateKey))}`;
}

/** Does this look like a JWT at all (three base64url parts with a JSON header)? */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9_-]+$/.test(p))) return false;
  return decodePart(parts[0]!) !== null;
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The claims of a token signed by one of the keys, or the reason it is refused. Only
 * RS256 is accepted (no `none`, no HMAC with the public key as secret).
 */
export function verifyJwt(token: string, publicKeys: readonly KeyObject[]): { claims: JwtClaims } | { error: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { error: 'invalid bearer token' };
  const header = decodePart(parts[0]!) as JwtHeader | null;
  const claims = decodePart(parts[1]!);
  if (!header || !claims) return { error: 'invalid bearer token' };
  if (header.alg !== 'RS256') return { error: 'invalid bearer token, square/go-jose: unsupported algorithm' };
  const signature = Buffer.from(parts[2]!, 'base64url');
  const input = Buffer.from(`${parts[0]}.${parts[1]}`);
  const ok = publicKeys.some((key) => {
    try {
      return verify('sha256', input, key, signature);
    } catch {
      return false;
    }
  });
  if (!ok) return { error: 'invalid bearer token, square/go-jose: error in cryptographic primitive' };
  return { claims };
}
