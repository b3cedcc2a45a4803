import type { Service } from '../api/core/service.js';

/**
 * The environment variables kubelet gives a container for the Services it can see
 * (kubelet_pods.go getServiceEnvVarMap + envvars.FromServices), so `env` in a container
 * shows what it would on a real node:
 *
 *   {SVC}_SERVICE_HOST, {SVC}_SERVICE_PORT, {SVC}_SERVICE_PORT_{PORTNAME}
 *   {SVC}_PORT=tcp://IP:PORT, {SVC}_PORT_{PORT}_{PROTO}[_PROTO|_PORT|_ADDR]  (docker links)
 *
 * Which Services: those of the pod's namespace when enableServiceLinks is true (the
 * default), and always the `kubernetes` Service of `default` (the master service), only
 * with a cluster IP (not headless, not ExternalName), only those that existed when the
 * container started. Names are upper-cased with `-` as `_`. Pure; the caller passes the
 * services it knows (its informer) and adds the container's own env over these
 * (containerEnv) — the workloads' env from ConfigMaps and fieldRefs joins there.
 */

export interface ServiceEnvInput {
  namespace: string;
  enableServiceLinks?: boolean;
  /** Services of every namespace (or at least the pod's and `default`). */
  services: readonly Service[];
  /** Container start (epoch ms): Services created later are not in its environment. */
  startedAt?: number;
}

const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');

function hasClusterIP(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return Boolean(ip) && ip !== 'None' && svc.spec?.type !== 'ExternalName';
}

/** The Service env vars in kubelet's order: services by name, each service's vars as envvars.FromServices writes them. */
export function serviceEnv(input: ServiceEnvInput): Array<[string, string]> {
  const chosen = new Map<string, Service>();
  for (const svc of input.services) {
    if (!hasClusterIP(svc)) continue;
    const created = svc.metadata.creationTimestamp ? Date.parse(svc.metadata.creationTimestamp) : undefined;
    if (input.startedAt !== undefined && created !== undefined && created > input.startedAt + 999) continue;
    const ns = svc.metadata.namespace;
    const name = svc.metadata.name ?? '';
    if (ns === 'default' && name === 'kubernetes') chosen.set(name, svc);
    else if (ns === input.namespace && input.enableServiceLinks !== false && !chosen.has(name)) chosen.set(name, svc);
  }
  const out: Array<[string, string]> = [];
  for (const name of [...chosen.keys()].sort()) {
    const svc = chosen.get(name)!;
    const prefix = envName(name);
    const ip = svc.spec!.clusterIP!;
    const ports = svc.spec?.ports ?? [];
    out.push([`${prefix}_SERVICE_HOST`, ip]);
    if (ports.length === 0) continue;
    out.push([`${prefix}_SERVICE_PORT`, String(ports[0]!.port)]);
    for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    const first = ports[0]!;
    out.push([`${prefix}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`]);
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP').toUpperCase();
      const base = `${prefix}_PORT_${p.port}_${proto}`;
      out.push([base, `${proto.toLowerCase()}://${ip}:${p.port}`]);
      out.push([`${base}_PROTO`, proto.toLowerCase()]);
      out.push([`${base}_PORT`, String(p.port)]);
      out.push([`${base}_ADDR`, ip]);
    }
  }
  return out;
}

export interface ContainerEnvInput extends ServiceEnvInput {
  hostname: string;
  /** The container's env (plain values; valueFrom entries are resolved by the caller, or left out). */
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  tty?: boolean;
}

/**
 * The whole environ of a process in the container, in the order `env` prints it on a
 * containerd node: PATH and HOSTNAME from the runtime, TERM with a tty, the container's
 * env, the Service variables it does not override, and HOME.
 */
export function containerEnv(input: ContainerEnvInput): Map<string, string> {
  const out = new Map<string, string>();
  out.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  out.set('HOSTNAME', input.hostname);
  if (input.tty) out.set('TERM', 'xterm');
  for (const e of input.env ?? []) if (e.valueFrom === undefined) out.set(e.name, e.value ?? '');
  for (const [k, v] of serviceEnv(input)) if (!out.has(k)) out.set(k, v);
  if (!out.has('HOME')) out.set('HOME', '/root');
  return out;
}
