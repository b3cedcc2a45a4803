import type { EndpointSlice } from '../api/discovery/endpointslice.js';
import { endpointSliceResource } from '../api/discovery/endpointslice.js';
import { namespaceResource } from '../api/core/namespace.js';
import { serviceResource, type Service } from '../api/core/service.js';
import { createSharedInformerFactory } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { realClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ensureCoreDnsAddon } from './addon.js';
import { startDnsServer, type RunningDnsServer } from './server.js';
import { SLICES_BY_SERVICE_INDEX, sliceServiceIndex, storeDnsView } from './store-view.js';
import { DEFAULT_CLUSTER_DOMAIN } from './zone.js';
import { formatIPv4, parseIPv4 } from '../api/networking/cidr.js';
import { DNS_SERVICE_IP_INDEX } from '../api/networking/service-cidr.js';

/**
 * `kubeling dns`: CoreDNS for the cluster. Ensures kubeadm's CoreDNS addon objects, keeps
 * informer caches of Services, EndpointSlices and Namespaces (CoreDNS's kubernetes plugin
 * watches the same), and answers on a loopback UDP+TCP port from them.
 */

export interface DnsComponentOptions {
  client: RestClient;
  logger: Logger;
  clock?: Clock;
  /** Default 127.0.0.1. */
  address?: string;
  /** Default 10053; 0 picks a free port. */
  port?: number;
  clusterDomain?: string;
  /** Create the coredns Deployment and kube-dns Service if absent (default true). */
  ensureAddon?: boolean;
  /** The kube-dns Service's ClusterIP when the addon creates it (kubeadm's: the Service range's tenth address; default 10.96.0.10). */
  serviceIP?: string;
}

export interface RunningDnsComponent {
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * kube-dns's address when none is given (`kubeling dns` beside an apiserver started with
 * some --service-cluster-ip-range): the `kubernetes` Service holds the range's first
 * address, kubeadm puts kube-dns at its tenth, nine further on. Undefined (the default
 * 10.96.0.10) when that Service cannot be read.
 */
async function kubeDnsIPFromApiserver(client: RestClient): Promise<string | undefined> {
  try {
    const svc = await client.get<Service>(serviceResource, 'kubernetes', { namespace: 'default' });
    const first = parseIPv4(svc.spec?.clusterIP ?? '');
    return first === undefined ? undefined : formatIPv4(first + DNS_SERVICE_IP_INDEX - 1);
  } catch {
    return undefined;
  }
}

/** CoreDNS starts serving after at most 5 s even when the API has not synced (then answers from what it has). */
const SYNC_WAIT_MS = 5000;

export async function startDnsComponent(opts: DnsComponentOptions): Promise<RunningDnsComponent> {
  const clock = opts.clock ?? realClock;
  const clusterDomain = opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const log = opts.logger.child({ component: 'dns' });
  if (opts.ensureAddon !== false) await ensureCoreDnsAddon(opts.client, clusterDomain, opts.logger, opts.serviceIP ?? (await kubeDnsIPFromApiserver(opts.client)));

  const factory = createSharedInformerFactory(opts.client, { clock, logger: opts.logger });
  const services = factory.informerFor<Service>(serviceResource);
  const slices = factory.informerFor<EndpointSlice>(endpointSliceResource);
  slices.addIndexer(SLICES_BY_SERVICE_INDEX, (s) => sliceServiceIndex(s));
  const namespaces = factory.informerFor(namespaceResource);
  let modified = Math.floor(clock.now() / 1000);
  let generation = 0;
  const changed = (): void => {
    modified = Math.floor(clock.now() / 1000);
    generation++;
  };
  const touch = { onAdd: changed, onUpdate: changed, onDelete: changed };
  for (const i of [services, slices, namespaces]) i.addEventHandler(touch);
  factory.start();
  let timer;
  const synced = await Promise.race([factory.waitForSync(), new Promise<boolean>((resolve) => (timer = clock.setTimeout(() => resolve(false), SYNC_WAIT_MS)))]);
  if (timer) clock.clearTimeout(timer);
  if (!synced) log.warn('starting the DNS server with unsynced caches');

  const view = storeDnsView({ services: services.store, endpointSlices: slices.store, namespaces: namespaces.store, serial: () => modified, generation: () => generation });
  let server: RunningDnsServer;
  try {
    server = await startDnsServer(view, { address: opts.address ?? '127.0.0.1', port: opts.port ?? 10053, clusterDomain, logger: opts.logger });
  } catch (err) {
    factory.stop();
    throw err;
  }
  return {
    address: server.address,
    port: server.port,
    async stop() {
      await server.close();
      factory.stop();
    },
  };
}
