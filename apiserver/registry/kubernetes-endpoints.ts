import { isIPv6 } from 'node:net';
import type { KubeObject } from '../../api/types.js';
import type { Clock, TimerHandle } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { ApiError } from '../errors.js';
import type { Registries } from './registries.js';

/**
 * kube-apiserver's endpoint reconciler for the `kubernetes` Service: the apiserver itself
 * writes Endpoints `default/kubernetes` (labelled skip-mirror, so the mirroring controller
 * leaves it alone) and the EndpointSlice `default/kubernetes` (labelled with the service
 * name only, no managed-by: kube's endpointsadapter writes it so) holding its advertise
 * address and secure port, and repairs them every 10 s (kube's --endpoint-reconciler
 * interval). A clean shutdown removes its own address, as kube's lease reconciler does.
 *
 * Kubernetes refuses loopback endpoint addresses and the apiserver listens on loopback, so
 * the advertise address defaults to a simulated control-plane address that is never dialled.
 * With several apiservers each adds its own address; an apiserver that dies without a
 * clean shutdown stays listed (kube expires it through master leases; not simulated).
 */

/** The simulated node network is 10.0.0.0/16 (kubelet-sim/node-template.ts: nodes from 10.0.0.10); the control plane has 10.0.0.2–10.0.0.9. */
export const DEFAULT_ADVERTISE_ADDRESS = '10.0.0.2';
export const KUBERNETES_ENDPOINTS_INTERVAL_MS = 10_000;
/** How long a shutdown waits to take our address out of the endpoints. */
const STOP_TIMEOUT_MS = 2000;
const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

interface Subset {
  addresses?: { ip: string }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

/**
 * The addresses the Endpoints should list: the current ones plus (or minus) ours, sorted
 * as kube sorts them. Any subset whose port is not ours is replaced (the port changed).
 */
export function desiredAddresses(current: KubeObject | undefined, ip: string, port: number, present: boolean): string[] {
  const subsets = ((current as { subsets?: Subset[] } | undefined)?.subsets ?? []).filter((s) => s.ports?.length === 1 && s.ports[0]!.port === port && s.ports[0]!.name === 'https');
  const ips = new Set(subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)));
  if (present) ips.add(ip);
  else ips.delete(ip);
  return [...ips].sort();
}

export function kubernetesEndpoints(ips: string[], port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [SKIP_MIRROR_LABEL]: 'true' } },
    subsets: ips.length === 0 ? undefined : [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  } as KubeObject;
}

export function kubernetesEndpointSlice(ips: string[], port: number): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [SERVICE_NAME_LABEL]: 'kubernetes' } },
    addressType: ips.length > 0 && ips.every((ip) => isIPv6(ip)) ? 'IPv6' : 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  } as KubeObject;
}

const sameContent = (a: KubeObject, b: KubeObject, fields: string[]): boolean =>
  fields.every((f) => JSON.stringify((a as Record<string, unknown>)[f] ?? null) === JSON.stringify((b as Record<string, unknown>)[f] ?? null)) &&
  JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {});

async function upsert(reg: Registries, group: string, kind: string, want: KubeObject, fields: string[]): Promise<void> {
  const registry = reg.forKind(group, kind);
  let live: KubeObject | undefined;
  try {
    live = await registry.get('default', 'kubernetes');
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
  if (!live) {
    try {
      await registry.create('default', want);
    } catch (err) {
      // Another apiserver created it first: the next round merges into it.
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
    return;
  }
  if (sameContent(live, want, fields)) return;
  await registry.guaranteedUpdate('default', 'kubernetes', (cur) => ({ ...cur, ...Object.fromEntries(fields.map((f) => [f, (want as Record<string, unknown>)[f]])), metadata: { ...cur.metadata, labels: { ...cur.metadata?.labels, ...want.metadata?.labels } } }) as KubeObject);
}

/** One reconcile: read the Endpoints, merge our address in (or out), write both objects if they differ. */
export async function reconcileKubernetesEndpoints(reg: Registries, ip: string, port: number, present = true): Promise<void> {
  let current: KubeObject | undefined;
  try {
    current = await reg.forKind('', 'Endpoints').get('default', 'kubernetes');
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
  const ips = desiredAddresses(current, ip, port, present);
  await upsert(reg, '', 'Endpoints', kubernetesEndpoints(ips, port), ['subsets']);
  await upsert(reg, 'discovery.k8s.io', 'EndpointSlice', kubernetesEndpointSlice(ips, port), ['addressType', 'endpoints', 'ports']);
}

export interface KubernetesEndpointsReconciler {
  /** Stops the loop and removes our address. */
  stop(): Promise<void>;
}

export async function startKubernetesEndpointsReconciler(opts: { registries: Registries; ip: string; port: number; clock: Clock; logger: Logger }): Promise<KubernetesEndpointsReconciler> {
  const log = opts.logger.child({ component: 'kubernetes-endpoints', ip: opts.ip, port: opts.port });
  let timer: TimerHandle | undefined;
  let stopped = false;
  const round = async (): Promise<void> => {
    try {
      await reconcileKubernetesEndpoints(opts.registries, opts.ip, opts.port);
    } catch (err) {
      log.warn({ err }, 'could not reconcile the kubernetes Service endpoints; retrying');
    }
    if (!stopped) timer = opts.clock.setTimeout(() => void round(), KUBERNETES_ENDPOINTS_INTERVAL_MS);
  };
  await round();
  return {
    async stop() {
      stopped = true;
      if (timer) opts.clock.clearTimeout(timer);
      // Best effort, and bounded: a store that is already gone must not hold up shutdown.
      let timeout: TimerHandle | undefined;
      try {
        await Promise.race([
          reconcileKubernetesEndpoints(opts.registries, opts.ip, opts.port, false),
          new Promise<void>((resolve) => (timeout = opts.clock.setTimeout(resolve, STOP_TIMEOUT_MS))),
        ]);
      } catch (err) {
        log.debug({ err }, 'could not remove our address from the kubernetes endpoints');
      } finally {
        if (timeout) opts.clock.clearTimeout(timeout);
      }
    },
  };
}
