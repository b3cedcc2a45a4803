import { describe, expect, it } from 'vitest';
import { runMutatingWebhooks, runValidatingWebhooks, type ConfiguredWebhook, type WebhookEnvironment } from './webhooks.js';
import type { AdmissionAttributes } from './attributes.js';
import { findResource } from '../../api/registry.js';
import type { Webhook } from '../../api/admissionregistration/index.js';
import { WebhookCallError } from './webhook-client.js';
import { ApiError } from '../errors.js';

// The dispatcher with a fake transport: order, JSON patches, reinvocation, refusals,
// failurePolicy and dry-run, without a network.

const configmaps = findResource('', 'configmaps')!;

function hook(name: string, over: Partial<Webhook> = {}): ConfiguredWebhook {
  return {
    configuration: name,
    hook: {
      name,
      clientConfig: { url: `https://127.0.0.1:9/${name}` },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: '*' }],
      failurePolicy: 'Fail',
      sideEffects: 'None',
      timeoutSeconds: 10,
      admissionReviewVersions: ['v1'],
      reinvocationPolicy: 'Never',
      ...over,
    },
  };
}

function attrs(over: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    operation: 'CREATE',
    rt: configmaps,
    namespace: 'default',
    name: 'cm',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: '1' } },
    oldObject: null,
    dryRun: false,
    request: { user: { username: 'u', groups: [] }, warnings: [] },
    ...over,
  };
}

type Answer = (req: any) => Record<string, unknown> | Error;

function env(answers: Record<string, Answer>, calls: string[] = []): WebhookEnvironment {
  return {
    namespaceLabels: async () => ({}),
    call: async (target, _ca, body) => {
      const name = target.path.split('?')[0]!.slice(1);
      calls.push(name);
      const a = answers[name]!((body as any).request);
      if (a instanceof Error) throw a;
      return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: (body as any).request.uid, ...a } };
    },
  };
}

const jsonPatch = (ops: unknown[]) => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });

describe('mutating webhooks', () => {
  it('run in order, each seeing the previous patch', async () => {
    const calls: string[] = [];
    const seen: unknown[] = [];
    const out = await runMutatingWebhooks(
      [hook('a.x.io'), hook('b.x.io')],
      attrs(),
      env(
        {
          'a.x.io': () => jsonPatch([{ op: 'add', path: '/data/b', value: '2' }]),
          'b.x.io': (req) => {
            seen.push(req.object.data);
            return jsonPatch([{ op: 'replace', path: '/data/a', value: '9' }]);
          },
        },
        calls,
      ),
    );
    expect(calls).toEqual(['a.x.io', 'b.x.io']);
    expect(seen).toEqual([{ a: '1', b: '2' }]);
    expect(out?.data).toEqual({ a: '9', b: '2' });
  });

  it('reinvoke IfNeeded webhooks that ran before a change, once', async () => {
    const calls: string[] = [];
    await runMutatingWebhooks(
      [hook('a.x.io', { reinvocationPolicy: 'IfNeeded' }), hook('b.x.io', { reinvocationPolicy: 'IfNeeded' }), hook('c.x.io')],
      attrs(),
      env({ 'a.x.io': () => ({ allowed: true }), 'b.x.io': () => jsonPatch([{ op: 'add', path: '/data/b', value: '2' }]), 'c.x.io': () => ({ allowed: true }) }, calls),
    );
    // b changed the object after a ran: a again; b made the last change itself: not again.
    expect(calls).toEqual(['a.x.io', 'b.x.io', 'c.x.io', 'a.x.io']);
  });

  it('a refusal stops the chain', async () => {
    const calls: string[] = [];
    await expect(
      runMutatingWebhooks([hook('a.x.io'), hook('b.x.io')], attrs(), env({ 'a.x.io': () => ({ allowed: false, status: { code: 409, message: 'no' } }), 'b.x.io': () => ({ allowed: true }) }, calls)),
    ).rejects.toMatchObject({ code: 409, message: 'admission webhook "a.x.io" denied the request: no' });
    expect(calls).toEqual(['a.x.io']);
  });

  it('a failed call: Ignore goes on, Fail stops with kube text', async () => {
    const down = () => new WebhookCallError('Post "https://127.0.0.1:9/a.x.io?timeout=10s": dial tcp 127.0.0.1:9: connect: connection refused');
    const out = await runMutatingWebhooks([hook('a.x.io', { failurePolicy: 'Ignore' })], attrs(), env({ 'a.x.io': down }));
    expect(out?.data).toEqual({ a: '1' });
    const err = await runMutatingWebhooks([hook('a.x.io')], attrs(), env({ 'a.x.io': down })).catch((e: ApiError) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe(
      'Internal error occurred: failed calling webhook "a.x.io": failed to call webhook: Post "https://127.0.0.1:9/a.x.io?timeout=10s": dial tcp 127.0.0.1:9: connect: connection refused',
    );
  });

  it('a webhook with side effects refuses dry-run requests with 400', async () => {
    const err = await runMutatingWebhooks([hook('a.x.io', { sideEffects: 'Some' })], attrs({ dryRun: true }), env({ 'a.x.io': () => ({ allowed: true }) })).catch((e: ApiError) => e);
    expect(err).toMatchObject({ code: 400, message: 'admission webhook "a.x.io" does not support dry run' });
  });

  it('a patch on a DELETE (no object) is an internal error', async () => {
    const err = await runMutatingWebhooks(
      [hook('a.x.io', { rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] })],
      attrs({ operation: 'DELETE', object: null }),
      env({ 'a.x.io': () => jsonPatch([{ op: 'add', path: '/x', value: 1 }]) }),
    ).catch((e: ApiError) => e);
    expect(err).toMatchObject({ code: 500, message: 'Internal error occurred: admission webhook "a.x.io" attempted to modify the object, which is not supported for this operation' });
  });
});

describe('a mutating webhook whose patch breaks (kube mutating dispatcher)', () => {
  const raw = (text: string) => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(text).toString('base64') });
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a patch that is not JSON', raw('<html>'), 'received undecodable patch in webhook response: invalid character \'<\' looking for beginning of value'],
    ['a JSON object, not a patch', raw('{"op":"add"}'), 'received undecodable patch in webhook response: json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['an operation that is no object', raw('[1]'), 'received undecodable patch in webhook response: json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
    ['bad base64', { allowed: true, patchType: 'JSONPatch', patch: 'a*b=' }, 'failed to call webhook: illegal base64 data at input byte 1'],
  ];
  it.each(cases)('%s: failurePolicy Fail refuses with 500', async (_name, answer, reason) => {
    const err = await runMutatingWebhooks([hook('a.x.io')], attrs(), env({ 'a.x.io': () => answer })).catch((e: ApiError) => e);
    expect(err).toMatchObject({ code: 500, reason: 'InternalError', message: `Internal error occurred: failed calling webhook "a.x.io": ${reason}` });
  });
  it.each(cases)('%s: failurePolicy Ignore goes on with the object unchanged', async (_name, answer) => {
    const a = attrs();
    const out = await runMutatingWebhooks([hook('a.x.io', { failurePolicy: 'Ignore' })], a, env({ 'a.x.io': () => answer }));
    expect(out).toEqual(a.object);
  });
  it('a patch that does not apply is a 500 even with failurePolicy Ignore', async () => {
    const err = await runMutatingWebhooks([hook('a.x.io', { failurePolicy: 'Ignore' })], attrs(), env({ 'a.x.io': () => jsonPatch([{ op: 'replace', path: '/spec/none', value: 1 }]) })).catch((e: ApiError) => e);
    expect(err).toMatchObject({ code: 500, reason: 'InternalError' });
    expect((err as ApiError).message).toMatch(/^Internal error occurred: /);
  });
  it('an empty patch on a DELETE changes nothing and is no error', async () => {
    const out = await runMutatingWebhooks(
      [hook('a.x.io', { rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] })],
      attrs({ operation: 'DELETE', object: null }),
      env({ 'a.x.io': () => jsonPatch([]) }),
    );
    expect(out).toBeNull();
  });
});

describe('validating webhooks', () => {
  it('all are called; the first refusal in configuration order wins; warnings gathered', async () => {
    const calls: string[] = [];
    const a = attrs();
    const err = await runValidatingWebhooks(
      [hook('a.x.io'), hook('b.x.io'), hook('c.x.io')],
      a,
      env(
        {
          'a.x.io': () => ({ allowed: true, warnings: ['from a'] }),
          'b.x.io': () => ({ allowed: false, status: { message: 'b says no' } }),
          'c.x.io': () => ({ allowed: false, status: { message: 'c says no' } }),
        },
        calls,
      ),
    ).catch((e: ApiError) => e);
    expect(calls.sort()).toEqual(['a.x.io', 'b.x.io', 'c.x.io']);
    expect(err).toMatchObject({ code: 400, message: 'admission webhook "b.x.io" denied the request: b says no' });
    expect(a.request.warnings).toEqual(['from a']);
  });
});
