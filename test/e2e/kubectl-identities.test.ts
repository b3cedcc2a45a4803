import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type RunningApiserver } from '../../apiserver/main.js';
import { writeKubeconfig } from '../../apiserver/auth/kubeconfig.js';
import { generateCa, generateClientCert } from '../../apiserver/auth/x509.js';
import { kubectlAvailable, kubectlRunner, type KubectlRunner } from './harness.js';
import forge from 'node-forge';
import { generateKeyPairSync } from 'node:crypto';

// Identities with the real kubectl: a ServiceAccount token from `kubectl create token` is
// forbidden, gets a Role and RoleBinding, is allowed; bad tokens and certificates are 401;
// the admin kubeconfig authenticates by its client certificate; anonymous requests are
// system:anonymous and see only what system:public-info-viewer allows.

const VERSIONS = ['1.27', '1.32', '1.33'].filter((v) => kubectlAvailable(v));

let root: string;
let api: RunningApiserver;
let runner: KubectlRunner;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubeling-identities-'));
  api = await startApiserver({ dataDir: join(root, 'data'), port: 0 });
  runner = kubectlRunner(root, api.kubeconfigPath);
});
afterAll(async () => {
  await api?.close();
  await rm(root, { recursive: true, force: true });
});

async function kubeconfigWith(name: string, user: { token?: string; cert?: { cert: string; key: string } }): Promise<string> {
  const path = join(root, `${name}.kubeconfig`);
  await writeKubeconfig(path, { server: api.url, caCert: api.caCert, token: user.token ?? '', ...(user.cert ? { clientCert: user.cert.cert, clientKey: user.cert.key } : {}) });
  return path;
}

describe.each(VERSIONS)('kubectl %s', (version) => {
  const k = (args: string[], stdin?: string) => runner.kubectl(args, { version, ...(stdin !== undefined ? { stdin } : {}) });
  const ns = `sa-${version.replace('.', '-')}`;

  it('a ServiceAccount token is forbidden, then allowed after a Role and RoleBinding', async () => {
    expect((await k(['create', 'namespace', ns])).code).toBe(0);
    expect((await k(['create', 'serviceaccount', 'dev', '-n', ns])).code).toBe(0);
    const created = await k(['create', 'token', 'dev', '-n', ns]);
    expect(created.code, created.stderr).toBe(0);
    const sa = await kubeconfigWith(`sa-${version}`, { token: created.stdout.trim() });
    const as = (args: string[]) => k(['--kubeconfig', sa, ...args]);

    const denied = await as(['get', 'pods', '-n', ns]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`pods is forbidden: User "system:serviceaccount:${ns}:dev" cannot list resource "pods" in API group "" in the namespace "${ns}"`);

    expect((await k(['create', 'role', 'reader', '--verb=get,list', '--resource=pods', '-n', ns])).code).toBe(0);
    expect((await k(['create', 'rolebinding', 'dev-reads', '--role=reader', `--serviceaccount=${ns}:dev`, '-n', ns])).code).toBe(0);
    const allowed = await as(['get', 'pods', '-n', ns]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((await as(['auth', 'can-i', 'list', 'pods', '-n', ns])).stdout.trim()).toBe('yes');

    const who = await as(['auth', 'whoami', '-o', 'json']);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({
      username: `system:serviceaccount:${ns}:dev`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
    });

    // Deleting the ServiceAccount revokes its tokens: 401, as kube.
    expect((await k(['delete', 'serviceaccount', 'dev', '-n', ns])).code).toBe(0);
    const revoked = await as(['get', 'pods', '-n', ns]);
    expect(revoked.stderr).toMatch(/You must be logged in to the server|Unauthorized/);
  });
});

describe('identities (default kubectl)', () => {
  const k = (args: string[], stdin?: string) => runner.kubectl(args, stdin !== undefined ? { stdin } : {});

  it('create token: audiences, duration, pod binding, and kube errors for bad requests', async () => {
    expect((await k(['create', 'namespace', 'tok'])).code).toBe(0);
    expect((await k(['create', 'serviceaccount', 'app', '-n', 'tok'])).code).toBe(0);
    const out = await k(['create', 'token', 'app', '-n', 'tok', '--audience=vault', '--duration=20m', '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    const tr = JSON.parse(out.stdout);
    expect(tr).toMatchObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { audiences: ['vault'], expirationSeconds: 1200 } });
    // A token for another audience is not an API credential.
    const vault = await kubeconfigWith('vault', { token: tr.status.token });
    expect((await k(['--kubeconfig', vault, 'auth', 'whoami'])).stderr).toMatch(/Unauthorized/);

    const short = await k(['create', 'token', 'app', '-n', 'tok', '--duration=1m']);
    expect(short.stderr).toContain('TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const missing = await k(['create', 'token', 'nobody', '-n', 'tok']);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
    const noPod = await k(['create', 'token', 'app', '-n', 'tok', '--bound-object-kind=Pod', '--bound-object-name=ghost']);
    expect(noPod.stderr).toContain('pods "ghost" not found');

    // TokenReview answers for a token, as kube's token reviewers (webhook authenticators) ask.
    const token = (await k(['create', 'token', 'app', '-n', 'tok'])).stdout.trim();
    const review = await k(['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }));
    expect(review.code, review.stderr).toBe(0);
    expect(JSON.parse(review.stdout).status).toMatchObject({ authenticated: true, user: { username: 'system:serviceaccount:tok:app' } });
    const bad = await k(['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: `${token}x` } }));
    expect(JSON.parse(bad.stdout).status.authenticated).toBeUndefined();
    expect(JSON.parse(bad.stdout).status.error).toMatch(/invalid bearer token/);
  });

  it('the admin kubeconfig authenticates by its client certificate; a certificate of another CA is 401', async () => {
    const who = await k(['auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    const foreign = generateCa(Date.now(), 'other-ca');
    const stranger = await kubeconfigWith('stranger', { cert: generateClientCert(foreign, { commonName: 'mallory', organizations: ['system:masters'] }, Date.now()) });
    const denied = await k(['--kubeconfig', stranger, 'get', 'namespaces']);
    expect(denied.stderr).toMatch(/You must be logged in to the server/);
    const ours = await kubeconfigWith('alice', { cert: generateClientCert({ cert: api.caCert, key: await caKey() }, { commonName: 'alice', organizations: ['devs'] }, Date.now()) });
    const alice = await k(['--kubeconfig', ours, 'auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(alice.stdout).status.userInfo).toMatchObject({ username: 'alice', groups: ['devs', 'system:authenticated'] });
  });

  it('anonymous requests (curl without credentials) are system:anonymous: health and version yes, the API no', async () => {
    // kubectl prompts for a user name when its kubeconfig has no credentials: plain HTTPS here.
    expect(await rawStatus('/healthz')).toBe(200);
    expect(await rawStatus('/version')).toBe(200);
    expect(await rawStatus('/readyz')).toBe(200);
    expect(await rawStatus('/api/v1/namespaces/default/pods')).toBe(403);
    expect(await rawBody('/api/v1/namespaces/default/pods')).toMatchObject({
      reason: 'Forbidden',
      message: 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
    });
    expect(await rawBody('/openapi/v2')).toMatchObject({ code: 403, message: 'forbidden: User "system:anonymous" cannot get path "/openapi/v2"' });
  });

  it('refuses role and binding escalation with kube message; escalate and bind verbs allow it', async () => {
    const ns = 'esc';
    expect((await k(['create', 'namespace', ns])).code).toBe(0);
    expect((await k(['create', 'serviceaccount', 'lead', '-n', ns])).code).toBe(0);
    expect((await k(['create', 'role', 'rbac-manager', '--verb=create,get,list,update', '--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,pods', '-n', ns])).code).toBe(0);
    expect((await k(['create', 'rolebinding', 'lead-rbac', '--role=rbac-manager', `--serviceaccount=${ns}:lead`, '-n', ns])).code).toBe(0);
    const lead = await kubeconfigWith('lead', { token: (await k(['create', 'token', 'lead', '-n', ns])).stdout.trim() });
    const as = (args: string[]) => k(['--kubeconfig', lead, ...args]);
    const groups = `(groups=["system:serviceaccounts" "system:serviceaccounts:${ns}" "system:authenticated"])`;

    const denied = await as(['create', 'role', 'secrets', '--verb=get,list', '--resource=secrets', '-n', ns]);
    expect(denied.stderr).toContain(
      `roles.rbac.authorization.k8s.io "secrets" is forbidden: user "system:serviceaccount:${ns}:lead" ${groups} is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}`,
    );
    expect((await k(['get', 'role', 'secrets', '-n', ns])).code).not.toBe(0); // nothing stored
    const within = await as(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', ns]);
    expect(within.code, within.stderr).toBe(0);

    const bindEdit = await as(['create', 'rolebinding', 'x', '--clusterrole=edit', '--user=bob', '-n', ns]);
    expect(bindEdit.stderr).toContain(`rolebindings.rbac.authorization.k8s.io "x" is forbidden: user "system:serviceaccount:${ns}:lead" ${groups} is attempting to grant RBAC permissions not currently held:`);
    expect((await as(['create', 'rolebinding', 'y', '--role=pod-reader', '--user=bob', '-n', ns])).code).toBe(0);

    // The bind verb on the edit ClusterRole lets it bind edit without holding it.
    expect((await k(['create', 'role', 'bind-edit', '--verb=bind', '--resource=clusterroles.rbac.authorization.k8s.io', '--resource-name=edit', '-n', ns])).code).toBe(0);
    expect((await k(['create', 'rolebinding', 'lead-bind', '--role=bind-edit', `--serviceaccount=${ns}:lead`, '-n', ns])).code).toBe(0);
    const bound = await as(['create', 'rolebinding', 'x', '--clusterrole=edit', '--user=bob', '-n', ns]);
    expect(bound.code, bound.stderr).toBe(0);
  });

  it('fills a legacy ServiceAccount token Secret, whose token authenticates while the Secret exists', async () => {
    expect((await k(['create', 'namespace', 'legacy'])).code).toBe(0);
    expect((await k(['create', 'serviceaccount', 'bot', '-n', 'legacy'])).code).toBe(0);
    const secret = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'bot-token', namespace: 'legacy', annotations: { 'kubernetes.io/service-account.name': 'bot' } } };
    expect((await k(['apply', '-f', '-'], JSON.stringify(secret))).code).toBe(0);
    const got = JSON.parse((await k(['get', 'secret', 'bot-token', '-n', 'legacy', '-o', 'json'])).stdout);
    expect(Object.keys(got.data).sort()).toEqual(['ca.crt', 'namespace', 'token']);
    expect(got.metadata.annotations['kubernetes.io/service-account.uid']).toMatch(/^[0-9a-f-]{36}$/);
    const token = Buffer.from(got.data.token, 'base64').toString();
    const bot = await kubeconfigWith('bot', { token });
    const who = await k(['--kubeconfig', bot, 'auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(who.stdout).status.userInfo.username).toBe('system:serviceaccount:legacy:bot');
    expect((await k(['delete', 'secret', 'bot-token', '-n', 'legacy'])).code).toBe(0);
    expect((await k(['--kubeconfig', bot, 'auth', 'whoami'])).stderr).toMatch(/You must be logged in to the server/);
  });

  it('a CertificateSigningRequest, once approved with kubectl certificate approve, gives a working client certificate', async () => {
    // node:crypto makes the key (fast); node-forge writes the PKCS#10 request.
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys = { publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()), privateKey: forge.pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) };
    const req = forge.pki.createCertificationRequest();
    req.publicKey = keys.publicKey;
    req.setSubject([{ name: 'commonName', value: 'jane' }, { name: 'organizationName', value: 'writers' }]);
    req.sign(keys.privateKey, forge.md.sha256.create());
    const request = Buffer.from(forge.pki.certificationRequestToPem(req)).toString('base64');
    const csr = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec });
    const spec = { request, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 86400 };

    expect((await k(['create', '-f', '-'], csr('jane', spec))).code).toBe(0);
    const pending = await k(['get', 'csr', 'jane']);
    expect(pending.stdout).toMatch(/jane\s+\S+\s+kubernetes.io\/kube-apiserver-client\s+kubernetes-admin\s+24h\s+Pending/);
    const approve = await k(['certificate', 'approve', 'jane']);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain('certificatesigningrequest.certificates.k8s.io/jane approved');
    expect((await k(['get', 'csr', 'jane'])).stdout).toMatch(/Approved,Issued/);
    const issued = (await k(['get', 'csr', 'jane', '-o', 'jsonpath={.status.certificate}'])).stdout;
    const cert = Buffer.from(issued, 'base64').toString();
    const jane = await kubeconfigWith('jane', { cert: { cert, key: forge.pki.privateKeyToPem(keys.privateKey) } });
    const who = await k(['--kubeconfig', jane, 'auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({ username: 'jane', groups: ['writers', 'system:authenticated'] });

    // Denied requests get no certificate; both conditions at once are invalid.
    expect((await k(['create', '-f', '-'], csr('nope', spec))).code).toBe(0);
    expect((await k(['certificate', 'deny', 'nope'])).code).toBe(0);
    expect((await k(['get', 'csr', 'nope'])).stdout).toMatch(/nope.*Denied\s*$/m);
    expect((await k(['get', 'csr', 'nope', '-o', 'jsonpath={.status.certificate}'])).stdout).toBe('');
    const denied = JSON.parse((await k(['get', 'csr', 'nope', '-o', 'json'])).stdout);
    denied.status.conditions.push({ type: 'Approved', status: 'True', reason: 'Manual' });
    const both = await k(['replace', '--raw', '/apis/certificates.k8s.io/v1/certificatesigningrequests/nope/approval', '-f', '-'], JSON.stringify(denied));
    expect(both.stderr).toContain('status.conditions[1].type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive');

    // Bad requests: kube's field errors, nothing stored.
    const bad = await k(['create', '-f', '-'], csr('bad', { request: Buffer.from('hello').toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client' }));
    expect(bad.stderr).toContain('spec.request: Invalid value');
    expect(bad.stderr).toContain('spec.usages: Required value');
    expect((await k(['get', 'csr', 'bad'])).code).not.toBe(0);
  });

  it('serves the ServiceAccount issuer discovery documents', async () => {
    const config = JSON.parse((await k(['get', '--raw', '/.well-known/openid-configuration'])).stdout);
    expect(config).toMatchObject({ issuer: 'https://kubernetes.default.svc.cluster.local', id_token_signing_alg_values_supported: ['RS256'] });
    const jwks = JSON.parse((await k(['get', '--raw', '/openid/v1/jwks'])).stdout);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it('answers a malformed bearer header and garbage tokens with 401, never 500', async () => {
    for (const authorization of ['Bearer a.b.c', 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.', 'Bearer ' + 'x'.repeat(5000), 'Bearer eyJ9.eyJ9.eyJ9']) {
      const status = await rawStatus('/api', authorization);
      expect(status, authorization.slice(0, 40)).toBe(401);
    }
    expect(await rawStatus('/api', 'Basic Zm9vOmJhcg==')).toBe(403); // not a bearer token: anonymous
  });
});

async function caKey(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(join(root, 'data', 'pki', 'ca.key'), 'utf8');
}

function raw(path: string, authorization?: string): Promise<{ status: number; body: string }> {
  const u = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, ca: api.caCert, headers: authorization ? { authorization } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const rawStatus = async (path: string, authorization?: string) => (await raw(path, authorization)).status;
const rawBody = async (path: string, authorization?: string) => JSON.parse((await raw(path, authorization)).body) as Record<string, unknown>;
