import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { ensureServiceAccountKey } from '../apiserver/auth/serviceaccount/signing-key.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeKubeconfig } from '../apiserver/auth/kubeconfig.js';
import { readIfExists, writeFileAtomic } from '../apiserver/auth/pem-files.js';
import { ensureAdminToken } from '../apiserver/auth/tokens.js';
import { ensureTlsMaterial } from '../apiserver/auth/tls.js';
import { ensureComponentKey } from '../apiserver/auth/component-tokens.js';

/**
 * The docker-compose cluster's credentials, made once by the `init` service into the
 * shared `pki` volume and kept across `down`/`up` (a fresh set after `down -v`):
 *
 * - DIR/pki: the cluster CA and ONE apiserver serving certificate that every apiserver
 *   replica copies into its data dir; it names every way a client reaches an apiserver:
 *   the LB service name, the apiserver service and replica names, the in-cluster names of
 *   the kubernetes Service, and localhost/127.0.0.1 (the host's published LB port);
 * - DIR/pki/admin.token: the admin's token (kubernetes-admin, system:masters);
 * - DIR/tokens.csv: one bearer token per component (--token-auth-file), each with the
 *   user name Kubernetes gives that component;
 * - DIR/kubeconfigs/COMPONENT.kubeconfig: each component's kubeconfig, server https://lb:6443;
 * - DIR/admin.kubeconfig: the host's, server https://127.0.0.1:PORT (the published LB port).
 */

export interface ComponentIdentity {
  /** The kubeconfig's file name under kubeconfigs/. */
  component: string;
  user: string;
  groups: string[];
}

/**
 * Who each component is, and what it may do: every one is confined to the roles the
 * apiserver's bootstrap policy binds to its user (bootstrap-policy.ts: kube's own, the
 * controllers' system:controller:* roles, and the add-ons' upstream manifests). The
 * controller manager is system:kube-controller-manager and runs each controller as its
 * kube-system ServiceAccount (--use-service-account-credentials, as kubeadm); the HPA is
 * its account horizontal-pod-autoscaler; the kubelet-sim's shared informers are
 * kubeling:kubelet-sim and each node writes as system:node:NAME (--node-credentials-key).
 * Still in system:masters: the DNS add-on (it installs kubeadm's CoreDNS objects itself).
 */
export const COMPONENT_IDENTITIES: readonly ComponentIdentity[] = [
  { component: 'controller-manager', user: 'system:kube-controller-manager', groups: [] },
  { component: 'scheduler', user: 'system:kube-scheduler', groups: [] },
  { component: 'hpa', user: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] },
  { component: 'cluster-autoscaler', user: 'system:serviceaccount:kube-system:cluster-autoscaler', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] },
  { component: 'cloud', user: 'system:serviceaccount:kube-system:cloud-controller-manager', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] },
  { component: 'metrics-server', user: 'system:serviceaccount:kube-system:metrics-server', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] },
  { component: 'kube-proxy', user: 'system:kube-proxy', groups: [] },
  { component: 'dns', user: 'system:serviceaccount:kube-system:coredns', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:masters'] },
  { component: 'kubelet-sim', user: 'kubeling:kubelet-sim', groups: [] },
];

export interface InitOptions {
  dir: string;
  /** The names the load balancer and the apiservers are reached by (compose service names). */
  lbHost: string;
  lbPort: number;
  apiserverHost: string;
  /** How many apiserver replica names (PROJECT_apiserver_N) to add to the certificate. */
  apiserverReplicas: number;
  /** The compose project name (container names are PROJECT_SERVICE_N). */
  project: string;
  /** The host's published LB port (admin.kubeconfig). */
  hostPort: number;
  clusterDomain?: string;
  /** The kubernetes Service's cluster IP. */
  serviceIp?: string;
}

/** Every name and address the serving certificate must carry. */
export function servingHosts(o: InitOptions): string[] {
  const domain = o.clusterDomain ?? 'cluster.local';
  const replicas = Array.from({ length: o.apiserverReplicas }, (_, i) => `${o.project}_${o.apiserverHost}_${i + 1}`);
  return [
    o.lbHost,
    o.apiserverHost,
    ...replicas,
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${domain}`,
    o.serviceIp ?? '10.96.0.1',
    'localhost',
    '127.0.0.1',
  ];
}

/** token,user,uid,"groups" lines, as --token-auth-file reads them. */
export function tokenFile(tokens: ReadonlyMap<string, string>): string {
  return (
    COMPONENT_IDENTITIES.map((id) => {
      const token = tokens.get(id.component)!;
      const groups = id.groups.length ? `,"${id.groups.join(',')}"` : '';
      return `${token},${id.user},${id.user}${groups}`;
    }).join('\n') + '\n'
  );
}

/** Parses a tokens.csv this module wrote: component → token (by the user name). */
function tokensFrom(csv: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!csv) return out;
  for (const line of csv.split('\n')) {
    const [token, user] = line.split(',');
    const id = COMPONENT_IDENTITIES.find((c) => c.user === user);
    if (token && id) out.set(id.component, token);
  }
  return out;
}

/** Makes (or keeps) every file; idempotent, so a restarted `init` changes nothing that works. */
export async function initComposeCredentials(o: InitOptions): Promise<{ created: boolean }> {
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const tokensPath = join(o.dir, 'tokens.csv');
  const existing = await readIfExists(tokensPath);
  const tls = await ensureTlsMaterial(o.dir, { hosts: servingHosts(o) });
  const adminToken = await ensureAdminToken(o.dir);
  // The component key every apiserver copies with pki/: the kubelet-sim signs each node's
  // own credential (system:node:NAME) with it (--node-credentials-key), as `up` does.
  await ensureComponentKey(o.dir);
  // One ServiceAccount signing key for every apiserver (kubeadm shares sa.key the same
  // way): a token one apiserver issued (the controllers' TokenRequests) must verify on the
  // other behind the balancer.
  await ensureServiceAccountKey(o.dir);
  const tokens = tokensFrom(existing);
  for (const id of COMPONENT_IDENTITIES) if (!tokens.has(id.component)) tokens.set(id.component, randomBytes(32).toString('base64url'));
  const csv = tokenFile(tokens);
  if (csv !== existing) await writeFileAtomic(tokensPath, csv, 0o644);

  const server = `https://${o.lbHost}:${o.lbPort}`;
  await mkdir(join(o.dir, 'kubeconfigs'), { recursive: true });
  for (const id of COMPONENT_IDENTITIES) {
    const path = join(o.dir, 'kubeconfigs', `${id.component}.kubeconfig`);
    await writeKubeconfig(path, { server, caCert: tls.caCert, token: tokens.get(id.component)!, userName: id.user, clusterName: 'kubeling', contextName: `${id.component}@kubeling` });
  }
  await writeKubeconfig(join(o.dir, 'admin.kubeconfig'), {
    server: `https://127.0.0.1:${o.hostPort}`,
    caCert: tls.caCert,
    token: adminToken,
    clusterName: 'kubeling-compose',
    userName: 'kubernetes-admin',
    contextName: 'kubeling-compose',
  });
  return { created: existing === null };
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be an integer 1..65535, not ${JSON.stringify(raw)}`);
  return n;
}

/** `node dist/compose/init.js DIR`, configured by the compose file's environment. */
export async function main(argv = process.argv.slice(2)): Promise<number> {
  const dir = argv[0];
  if (!dir) {
    process.stderr.write('usage: node dist/compose/init.js DIR\n');
    return 2;
  }
  try {
    const r = await initComposeCredentials({
      dir,
      lbHost: process.env.KUBELING_LB_HOST || 'lb',
      lbPort: intEnv('KUBELING_LB_PORT', 6443),
      apiserverHost: process.env.KUBELING_APISERVER_HOST || 'apiserver',
      apiserverReplicas: intEnv('KUBELING_APISERVER_MAX_REPLICAS', 9),
      project: process.env.COMPOSE_PROJECT_NAME || 'kubeling',
      hostPort: intEnv('KUBELING_COMPOSE_PORT', 6443),
    });
    process.stdout.write(`${r.created ? 'created' : 'kept'} the cluster's credentials in ${dir}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`init: ${(err as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then((code) => process.exit(code));
}
