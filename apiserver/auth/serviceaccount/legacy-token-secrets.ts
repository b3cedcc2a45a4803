import type { KubeObject } from '../../../api/types.js';
import type { KindHooks } from '../../registry/generic-registry.js';
import { issueLegacyToken } from './tokens.js';
import type { ServiceAccountTokens } from './token-service.js';

/**
 * Legacy ServiceAccount token Secrets, as kube ≥1.24 still serves them when asked: a
 * Secret of type kubernetes.io/service-account-token annotated with
 * kubernetes.io/service-account.name is filled with a non-expiring token (`token`), the
 * cluster CA (`ca.crt`) and `namespace`, and annotated with the ServiceAccount's uid. Kube's
 * tokens controller does this just after the create; here it happens in the create itself,
 * where the signing key is. A Secret naming a ServiceAccount that does not exist is stored
 * unfilled (kube's controller would delete it later). The token is valid while the Secret
 * and ServiceAccount exist (tokens.ts validateLegacy).
 */

export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const NAME_KEY = 'kubernetes.io/service-account.name';
const UID_KEY = 'kubernetes.io/service-account.uid';

interface SecretLike extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export function legacyTokenSecretHooks(tokens: () => ServiceAccountTokens, caCert: string | undefined): KindHooks {
  return {
    async beforeCreate(obj) {
      const secret = obj as SecretLike;
      const saName = secret.metadata.annotations?.[NAME_KEY];
      const namespace = secret.metadata.namespace;
      if (secret.type !== SA_TOKEN_TYPE || !saName || !namespace || secret.data?.token) return;
      const t = tokens();
      const sa = await t.lookup('ServiceAccount', namespace, saName);
      if (!sa?.metadata.uid) return;
      const wantedUid = secret.metadata.annotations?.[UID_KEY];
      if (wantedUid && wantedUid !== sa.metadata.uid) return;
      const token = issueLegacyToken(namespace, { name: saName, uid: sa.metadata.uid }, secret.metadata.name ?? '', t.key);
      const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
      secret.metadata.annotations = { ...secret.metadata.annotations, [UID_KEY]: sa.metadata.uid };
      secret.data = { ...(secret.data ?? {}), token: b64(token), namespace: b64(namespace), ...(caCert ? { 'ca.crt': b64(caCert) } : {}) };
    },
  };
}
