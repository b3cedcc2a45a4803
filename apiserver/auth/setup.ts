import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Registries } from '../registry/registries.js';
import { serviceAccountAdmissionHooks } from '../admission/service-account-hooks.js';
import type { Authenticator } from './authenticator.js';
import { csrHooks } from './certificates/csr-requests.js';
import { createRbacAuthorizer, type Authorizer } from './rbac/authorizer.js';
import { withNodeAuthorizer } from './node-authorizer.js';
import { nodeRestriction } from '../admission/node-restriction.js';
import { bindingEscalationHooks, roleEscalationHooks } from './rbac/escalation-hooks.js';
import { RbacCache } from './rbac/rbac-cache.js';
import { createRequestAuthenticator, type RequestAuthenticator } from './request-authenticator.js';
import type { TokenReviewer } from './review-handler.js';
import { legacyTokenSecretHooks } from './serviceaccount/legacy-token-secrets.js';
import { generateServiceAccountKey } from './serviceaccount/signing-key.js';
import { createServiceAccountTokens, type ServiceAccountTokens } from './serviceaccount/token-service.js';
import type { PemPair } from './x509.js';

/**
 * Everything authentication, authorization and the identity kinds add to one apiserver,
 * built in one place so buildApp only wires the results in: the authorizer with its RBAC
 * cache, the request authenticator chain, TokenReview, the ServiceAccount token state, and
 * the write-path hooks (RBAC escalation, legacy token Secrets, CSR requester, the
 * ServiceAccount admission plugin).
 */
export interface AuthSetup {
  authorizer: Authorizer;
  rbacCache: RbacCache;
  authenticate: RequestAuthenticator;
  reviewToken: TokenReviewer;
  /** Created on first use: generating a key costs tens of milliseconds. */
  serviceAccountTokens(): ServiceAccountTokens;
  /** The cluster CA with its key, when given: the CSR signer needs both. */
  ca?: PemPair;
}

export interface AuthSetupOptions {
  registries: Registries;
  clock: Clock;
  logger: Logger;
  tokens?: Authenticator;
  clientCa?: string;
  anonymousAuth?: boolean;
  serviceAccountKey?: KeyObject;
  caCert?: string;
  caKey?: string;
  /** ServiceAccount admission refuses pods of a missing account, as kube does (service-account-hooks.ts). */
  refuseMissingServiceAccount?: boolean;
}

const RBAC = 'rbac.authorization.k8s.io';

export function setUpAuth(o: AuthSetupOptions): AuthSetup {
  const { registries, clock } = o;
  const rbacCache = new RbacCache(registries, o.logger);
  const pods = () => registries.forKind('', 'Pod');
  const authorizer = withNodeAuthorizer(
    createRbacAuthorizer(registries, rbacCache),
    async (nodeName, namespace) => (await pods().list(namespace, { filter: (p) => (p as { spec?: { nodeName?: string } }).spec?.nodeName === nodeName })).items,
    async (namespace, claim) => {
      try {
        return ((await registries.forKind('', 'PersistentVolumeClaim').get(namespace, claim)) as { spec?: { volumeName?: string } }).spec?.volumeName;
      } catch {
        return undefined;
      }
    },
  );
  // RBAC escalation prevention runs in the write path (kube's policybased rbac storage).
  for (const kind of ['Role', 'ClusterRole'] as const) registries.useHooks(RBAC, kind, roleEscalationHooks(kind, authorizer));
  for (const kind of ['RoleBinding', 'ClusterRoleBinding'] as const) registries.useHooks(RBAC, kind, bindingEscalationHooks(kind, authorizer));

  let saTokens: ServiceAccountTokens | undefined;
  const serviceAccountTokens = (): ServiceAccountTokens =>
    (saTokens ??= createServiceAccountTokens({ key: o.serviceAccountKey ?? generateServiceAccountKey(), registries, clock }));
  registries.useHooks('', 'Secret', legacyTokenSecretHooks(serviceAccountTokens, o.caCert));
  registries.useHooks('certificates.k8s.io', 'CertificateSigningRequest', csrHooks());
  registries.useHooks('', 'Pod', serviceAccountAdmissionHooks(registries, { refuseMissing: o.refuseMissingServiceAccount ?? false, clock }));
  registries.useAdmissionPlugin(nodeRestriction());

  const authenticate = createRequestAuthenticator({
    ...(o.tokens ? { tokens: o.tokens } : {}),
    serviceAccounts: (token) => serviceAccountTokens().verifier(token),
    x509: Boolean(o.clientCa),
    anonymous: o.anonymousAuth ?? true,
  });
  const reviewToken: TokenReviewer = async (token, audiences) => {
    const tokens = serviceAccountTokens();
    const wanted = audiences.length ? audiences : tokens.audiences;
    const fromFile = o.tokens?.({ authorization: `Bearer ${token}` });
    if (fromFile) return { user: fromFile, audiences: wanted };
    const sa = await tokens.review(token, audiences);
    if (sa && 'username' in sa) return { user: sa, audiences: wanted };
    return { error: sa && 'error' in sa ? `[invalid bearer token, ${sa.error}]` : '[invalid bearer token, Token has been invalidated]' };
  };
  return {
    authorizer,
    rbacCache,
    authenticate,
    reviewToken,
    serviceAccountTokens,
    ...(o.caCert && o.caKey ? { ca: { cert: o.caCert, key: o.caKey } } : {}),
  };
}
