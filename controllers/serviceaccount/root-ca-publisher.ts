import { configMapResource } from '../../api/core/configmap.js';
import { namespaceResource } from '../../api/core/namespace.js';
import type { KubeObject } from '../../api/types.js';
import { isNotFound } from '../../client/api-error.js';
import { clone } from '../../client/store.js';
import { startQueueController } from '../runner.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../types.js';
import { isNamespaceTerminating } from './serviceaccounts-controller.js';

/**
 * kube's root-ca-cert-publisher: every namespace holds ConfigMap `kube-root-ca.crt`
 * with the cluster CA bundle (`ca.crt`), so pods can verify the apiserver. Re-created
 * when deleted, reset when edited. Needs the CA PEM, which the controller manager does
 * not carry by default: build the descriptor with rootCaPublisherWith({ caPem }).
 */

export const ROOT_CA_PUBLISHER_NAME = 'root-ca-certificate-publisher-controller';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** What to write for the namespace: a new ConfigMap, an updated one, or nothing. */
export function rootCaChange(existing: KubeObject | undefined, namespace: string, caPem: string): { create?: KubeObject; update?: KubeObject } {
  const data = { 'ca.crt': caPem };
  if (!existing) {
    return { create: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } }, data } };
  }
  const current = existing.data as Record<string, string> | undefined;
  const sameData = !!current && Object.keys(current).length === 1 && current['ca.crt'] === caPem;
  if (sameData && existing.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return {};
  const next = clone(existing);
  next.data = data;
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION };
  return { update: next };
}

export function startRootCaPublisher(ctx: ControllerContext, caPem: string): RunningController {
  const { client } = ctx;
  const namespaces = ctx.informers.informerFor(namespaceResource);
  const configMaps = ctx.informers.informerFor(configMapResource);

  const reconcile = async (ns: string): Promise<void> => {
    const namespace = namespaces.store.get(ns);
    if (!namespace || namespace.metadata.deletionTimestamp) return;
    const change = rootCaChange(configMaps.store.getByName(ns, ROOT_CA_CONFIGMAP), ns, caPem);
    try {
      if (change.create) await client.create(configMapResource, change.create);
      else if (change.update) await client.update(configMapResource, change.update);
    } catch (err) {
      if ((change.create && isNotFound(err)) || isNamespaceTerminating(err)) return;
      throw err;
    }
  };

  const ctl = startQueueController(ctx, { name: ROOT_CA_PUBLISHER_NAME, reconcile, waitFor: [namespaces, configMaps] });
  const enqueue = (obj: KubeObject): void => ctl.queue.add(obj.metadata.name!);
  namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  const onConfigMap = (cm: KubeObject): void => {
    if (cm.metadata.name === ROOT_CA_CONFIGMAP && cm.metadata.namespace) ctl.queue.add(cm.metadata.namespace);
  };
  configMaps.addEventHandler({ onUpdate: (_o, cm) => onConfigMap(cm), onDelete: onConfigMap });
  return ctl;
}

export function rootCaPublisherWith(opts: { caPem: string }): ControllerDescriptor {
  return { name: ROOT_CA_PUBLISHER_NAME, serviceAccounts: ['root-ca-cert-publisher'], start: (ctx) => startRootCaPublisher(ctx, opts.caPem) };
}
