import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useE2eCluster } from './harness.js';
import { startWebhookServer, type TestWebhookServer } from '../helpers/webhook-server.js';

// A CRD with `conversion.strategy: Webhook` and the real kubectl: the conversion webhook
// is served by this test on loopback over HTTPS with its own CA. v1 stores
// spec.cronSpec, v2 serves it as spec.schedule.
const cluster = useE2eCluster();
let hook: TestWebhookServer;
let failing = false;

beforeAll(async () => {
  hook = await startWebhookServer();
  hook.handle((review) => {
    const { uid, desiredAPIVersion, objects } = review.request;
    if (failing) return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid, result: { status: 'Failure', message: 'the converter is down' } } };
    const convertedObjects = objects.map((o: any) => {
      const out = structuredClone(o);
      out.apiVersion = desiredAPIVersion;
      const spec = out.spec ?? {};
      if (desiredAPIVersion.endsWith('/v2')) [spec.schedule, spec.cronSpec] = [spec.cronSpec, undefined];
      else [spec.cronSpec, spec.schedule] = [spec.schedule, undefined];
      out.spec = JSON.parse(JSON.stringify(spec));
      return out;
    });
    return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid, result: { status: 'Success' }, convertedObjects } };
  });
});
afterAll(async () => {
  await hook.close();
});

function crdYaml(): string {
  const schema = (field: string) => `    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              ${field}: {type: string}`;
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: ["v1"]
      clientConfig:
        url: ${hook.url}/convert
        caBundle: ${hook.caBundle}
  versions:
  - name: v1
    served: true
    storage: true
${schema('cronSpec')}
  - name: v2
    served: true
    storage: false
${schema('schedule')}
`;
}

describe('conversion webhook with kubectl', () => {
  it('applies a v2 object and reads it back in both versions', async () => {
    const applied = await cluster().kubectl(['apply', '-f', '-'], { stdin: crdYaml() });
    expect(applied.stderr).toBe('');
    await cluster().kubectl(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=10s']);
    let created: { code: number | null; stdout: string; stderr: string } = { code: 1, stdout: '', stderr: '' };
    for (let i = 0; i < 50 && created.code !== 0; i++) {
      created = await cluster().kubectl(['apply', '-f', '-'], { stdin: 'apiVersion: stable.example.com/v2\nkind: CronTab\nmetadata:\n  name: c1\nspec:\n  schedule: "*/5 * * * *"\n' });
      if (created.code !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('crontab.stable.example.com/c1 created\n');
    const v2 = await cluster().kubectl(['get', 'crontabs.v2.stable.example.com', 'c1', '-o', 'jsonpath={.apiVersion} {.spec.schedule}']);
    expect(v2.stdout).toBe('stable.example.com/v2 */5 * * * *');
    const v1 = await cluster().kubectl(['get', 'crontabs.v1.stable.example.com', 'c1', '-o', 'jsonpath={.apiVersion} {.spec.cronSpec}']);
    expect(v1.stdout).toBe('stable.example.com/v1 */5 * * * *');
    const requests = hook.reviews.map((r) => r.request.desiredAPIVersion);
    expect(requests).toContain('stable.example.com/v1');
    expect(requests).toContain('stable.example.com/v2');
  });

  it('prints kube error text when the webhook fails a conversion', async () => {
    failing = true;
    try {
      const res = await cluster().kubectl(['get', 'crontabs.v2.stable.example.com', 'c1']);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error from server: conversion webhook for stable.example.com/v1, Kind=CronTab failed: the converter is down\n');
      // The storage version needs no conversion.
      const v1 = await cluster().kubectl(['get', 'crontabs.v1.stable.example.com', 'c1', '-o', 'name']);
      expect(v1.stdout).toBe('crontab.stable.example.com/c1\n');
    } finally {
      failing = false;
    }
  });
});
