import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configMapResource } from '../../api/core/configmap.js';
import { namespaceResource } from '../../api/core/namespace.js';
import { serviceAccountResource } from '../../api/core/serviceaccount.js';
import type { HttpRestClient } from '../../client/rest-client.js';
import { startLiveApiserver, type LiveApiserver } from '../../test/helpers/live-apiserver.js';
import { startControllerManager, type ControllerManager } from '../manager.js';
import { rootCaPublisherWith, ROOT_CA_CONFIGMAP } from './root-ca-publisher.js';
import { serviceAccountsController } from './serviceaccounts-controller.js';

let api: LiveApiserver;
let client: HttpRestClient;
let manager: ControllerManager;
const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

beforeEach(async () => {
  api = await startLiveApiserver();
  client = api.client;
  manager = await startControllerManager({ client, leaderElect: false, registry: [serviceAccountsController, rootCaPublisherWith({ caPem })] });
});

afterEach(async () => {
  await manager.stop();
  await api.close();
});

const wait = { timeout: 10_000, interval: 50 };

describe('serviceaccounts controller and root CA publisher', () => {
  it('gives system and new namespaces a default ServiceAccount, and re-creates it when deleted', async () => {
    await vi.waitFor(() => client.get(serviceAccountResource, 'default', { namespace: 'kube-system' }), wait);
    await client.create(namespaceResource, { metadata: { name: 'fresh' } });
    const first = await vi.waitFor(() => client.get(serviceAccountResource, 'default', { namespace: 'fresh' }), wait);
    await client.delete(serviceAccountResource, 'default', { namespace: 'fresh' });
    await vi.waitFor(async () => {
      const again = await client.get(serviceAccountResource, 'default', { namespace: 'fresh' });
      expect(again.metadata.uid).not.toBe(first.metadata.uid);
    }, wait);
  });

  it('publishes kube-root-ca.crt in every namespace and resets it when edited', async () => {
    await client.create(namespaceResource, { metadata: { name: 'ca-test' } });
    const cm = await vi.waitFor(() => client.get(configMapResource, ROOT_CA_CONFIGMAP, { namespace: 'ca-test' }), wait);
    expect(cm.data).toEqual({ 'ca.crt': caPem });
    await client.update(configMapResource, { ...cm, data: { 'ca.crt': 'tampered' } });
    await vi.waitFor(async () => expect((await client.get(configMapResource, ROOT_CA_CONFIGMAP, { namespace: 'ca-test' })).data).toEqual({ 'ca.crt': caPem }), wait);
  });
});
