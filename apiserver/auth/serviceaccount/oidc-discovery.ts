import type { FastifyInstance } from 'fastify';
import { keyId } from './jwt.js';
import type { ServiceAccountTokens } from './token-service.js';

/**
 * ServiceAccount issuer discovery, as kube-apiserver serves it: an OpenID provider
 * configuration at /.well-known/openid-configuration and the signing keys at
 * /openid/v1/jwks, so a relying party outside the cluster can verify ServiceAccount tokens.
 * Who may read them is RBAC's business (system:service-account-issuer-discovery).
 */
export function openIdConfiguration(issuer: string, jwksUri: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

export function jwks(tokens: Pick<ServiceAccountTokens, 'publicKeys'>): { keys: Record<string, unknown>[] } {
  return {
    keys: tokens.publicKeys.map((key) => {
      const jwk = key.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
      return { use: 'sig', kty: jwk.kty, kid: keyId(key), alg: 'RS256', n: jwk.n, e: jwk.e };
    }),
  };
}

export function registerOidcDiscovery(app: FastifyInstance, tokens: () => ServiceAccountTokens): void {
  app.get('/.well-known/openid-configuration', async (req, reply) => {
    const host = req.headers.host ?? '127.0.0.1:6443';
    reply.header('cache-control', 'public, max-age=3600').type('application/json');
    return JSON.stringify(openIdConfiguration(tokens().issuer, `https://${host}/openid/v1/jwks`));
  });
  app.get('/openid/v1/jwks', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=3600').type('application/jwk-set+json');
    return JSON.stringify(jwks(tokens()));
  });
}
