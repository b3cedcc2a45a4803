import { configMapResource, type ConfigMap } from '../api/core/configmap.js';
import { secretResource, type Secret } from '../api/core/secret.js';
import { createInformer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ConfigSources } from './container-config.js';

/**
 * The ConfigMaps and Secrets the containers' env and envFrom read (container-config.ts),
 * from two informers: the kubelet watches the objects its pods reference; one
 * kubelet-sim process plays many kubelets, so it watches them all. Read-only caches.
 */
export interface ConfigSourceCache extends ConfigSources {
  start(): Promise<void>;
  stop(): void;
}

export function createConfigSources(client: RestClient, o: { clock: Clock; logger: Logger }): ConfigSourceCache {
  const configMaps = createInformer(client, configMapResource, o);
  const secrets = createInformer(client, secretResource, o);
  return {
    configMap: (ns, name) => configMaps.store.get(`${ns}/${name}`) as ConfigMap | undefined,
    secret: (ns, name) => secrets.store.get(`${ns}/${name}`) as Secret | undefined,
    async start() {
      configMaps.start();
      secrets.start();
      await Promise.all([configMaps.waitForSync(), secrets.waitForSync()]);
    },
    stop() {
      configMaps.stop();
      secrets.stop();
    },
  };
}
