import { LOOPBACK_ENDPOINT_ANNOTATION } from '../api/apiregistration/annotations.js';
import { apiServiceResource } from '../api/apiregistration/apiservice.js';
import { serviceResource } from '../api/core/service.js';
import type { KubeObject } from '../api/types.js';
import { isConflict, isNotFound, type RestClient } from '../client/rest-client.js';
import { CUSTOM_GROUP, CUSTOM_VERSION, METRICS_GROUP, METRICS_VERSION } from './api.js';

/**
 * What metrics-server's deployment manifest creates, written by the component itself
 * when it starts (Kubeling has no real pods to run it in): the `metrics-server` Service
 * in kube-system and the APIServices that point the aggregator at it.
 *
 * The Service has no selector and names where this process listens in the
 * kubeling.io/loopback-endpoint annotation (api/apiregistration/annotations.ts): the
 * aggregator dials that loopback address, never the Service's simulated cluster IP.
 * The APIServices skip TLS verification, as the upstream manifest does (the serving
 * certificate is self-signed at each start).
 */

export const NAMESPACE = 'kube-system';
export const SERVICE_NAME = 'metrics-server';

export function metricsService(endpoint: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: SERVICE_NAME,
      namespace: NAMESPACE,
      labels: { 'k8s-app': 'metrics-server' },
      annotations: { [LOOPBACK_ENDPOINT_ANNOTATION]: endpoint },
    },
    spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }] },
  };
}

export function metricsApiServices(): KubeObject[] {
  const one = (group: string, version: string, gpm: number, vp: number): KubeObject => ({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${version}.${group}`, labels: { 'k8s-app': 'metrics-server' } },
    spec: { service: { name: SERVICE_NAME, namespace: NAMESPACE, port: 443 }, group, version, insecureSkipTLSVerify: true, groupPriorityMinimum: gpm, versionPriority: vp },
  });
  return [one(METRICS_GROUP, METRICS_VERSION, 100, 100), one(CUSTOM_GROUP, CUSTOM_VERSION, 100, 200)];
}

/** Creates or updates the object so that it carries `want`'s labels, annotations and spec. */
async function apply(client: RestClient, ref: typeof serviceResource, want: KubeObject): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let live: KubeObject;
    try {
      live = await client.get(ref, want.metadata.name!, want.metadata.namespace ? { namespace: want.metadata.namespace } : {});
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await client.create(ref, want);
        return;
      } catch (e) {
        if (isConflict(e) || (e as { reason?: string }).reason === 'AlreadyExists') continue;
        throw e;
      }
    }
    const next = structuredClone(live);
    next.metadata.labels = { ...live.metadata.labels, ...want.metadata.labels };
    next.metadata.annotations = { ...live.metadata.annotations, ...want.metadata.annotations };
    const wantSpec = want['spec'] as Record<string, unknown>;
    // Services keep their allocated clusterIP; only the fields we set are compared.
    next['spec'] = { ...(live['spec'] as Record<string, unknown>), ...wantSpec };
    if (JSON.stringify(next) === JSON.stringify(live)) return;
    try {
      await client.update(ref, next);
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(`could not write ${want.kind} ${want.metadata.name}: too many conflicts`);
}

export async function registerMetricsApi(client: RestClient, endpoint: string): Promise<void> {
  await apply(client, serviceResource, metricsService(endpoint));
  for (const s of metricsApiServices()) await apply(client, apiServiceResource, s);
}
