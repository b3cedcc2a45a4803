import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import type { CRD } from '../../api/apiextensions/crd.js';
import { formatValue, isQualifiedName, isValidLabelValue } from '../../api/validation.js';
import { postJson, resolveTarget, WebhookCallError, type ServiceEndpointResolver } from '../admission/webhook-client.js';
import { InvalidResponseError } from '../admission/review.js';
import { ApiError } from '../errors.js';

/**
 * `conversion.strategy: Webhook`: custom objects change version through a ConversionReview
 * posted to the CRD's webhook, as apiextensions-apiserver's webhook converter does.
 *  - objects already in the desired apiVersion are not sent (a list sends only the others,
 *    in one review; nothing to convert means no call);
 *  - the first of conversionReviewVersions kube knows (v1, v1beta1) is spoken; v1 answers
 *    must name the review's uid and kind;
 *  - each converted object must keep kind, name, namespace and uid; its metadata is the
 *    original's with the webhook's labels and annotations;
 *  - every failure is a 500 without a reason, "conversion webhook for <gvk> failed: …",
 *    the wording kubectl prints after "Error from server:".
 */

export interface ConversionEnvironment {
  resolver?: ServiceEndpointResolver;
  /** Replaces the HTTPS call (unit tests). */
  call?: typeof postJson;
}

/** kube's client for conversion webhooks has a 30 s timeout (`?timeout=30s`). */
const TIMEOUT_SECONDS = 30;

export type ObjectConverter = (objects: KubeObject[], apiVersion: string) => Promise<KubeObject[]>;

/** Go's schema.GroupVersionKind String(): "stable.example.com/v1, Kind=CronTab". */
function gvkText(obj: KubeObject | undefined, fallbackKind: string): string {
  return `${String(obj?.apiVersion ?? '')}, Kind=${String(obj?.kind ?? fallbackKind)}`;
}

function failure(message: string): ApiError {
  // kube wraps these in a plain error, which the handlers answer as a 500 without a reason.
  return new ApiError(500, '' as never, message);
}

export function webhookConverter(crd: CRD, env: ConversionEnvironment): ObjectConverter {
  const webhook = crd.spec.conversion?.webhook;
  const kind = crd.spec.names.kind;
  return async (objects, apiVersion) => {
    const pending = objects.map((o, i) => ({ o, i })).filter(({ o }) => o.apiVersion !== apiVersion);
    if (pending.length === 0) return objects;
    const gvk = gvkText(pending[0]!.o, kind);
    const reviewVersion = (webhook?.conversionReviewVersions ?? []).find((v) => v === 'v1' || v === 'v1beta1');
    if (!webhook?.clientConfig || !reviewVersion) throw failure(`conversion webhook for ${gvk} failed: no supported conversion review versions`);
    const uid = randomUUID();
    const review = {
      apiVersion: `apiextensions.k8s.io/${reviewVersion}`,
      kind: 'ConversionReview',
      request: { uid, desiredAPIVersion: apiVersion, objects: pending.map(({ o }) => o) },
    };
    let answer: unknown;
    try {
      const target = await resolveTarget(webhook.clientConfig, TIMEOUT_SECONDS, env.resolver);
      answer = await (env.call ?? postJson)(target, webhook.clientConfig.caBundle, review, TIMEOUT_SECONDS);
    } catch (err) {
      if (err instanceof WebhookCallError || err instanceof InvalidResponseError) throw failure(`conversion webhook for ${gvk} failed: ${err.message}`);
      throw err;
    }
    let converted: unknown[];
    try {
      converted = convertedObjects(answer, uid, reviewVersion);
    } catch (err) {
      throw failure(`conversion webhook for ${gvk} failed: ${(err as Error).message}`);
    }
    if (converted.length !== pending.length) {
      throw failure(`conversion webhook for ${gvk} returned ${converted.length} objects, expected ${pending.length}`);
    }
    const single = objects.length === 1;
    const out = objects.slice();
    const [desiredGroup, desiredVersion] = splitApiVersion(apiVersion);
    pending.forEach(({ o, i }, n) => {
      const at = single ? 'invalid object at index 0' : `invalid converted object at index ${n}`;
      const c = converted[n];
      if (c === null || typeof c !== 'object' || Array.isArray(c)) throw failure(`conversion webhook for ${gvk} returned ${at}: Object 'Kind' is missing in '${JSON.stringify(c)}'`);
      const obj = c as KubeObject;
      const [g, v] = splitApiVersion(String(obj.apiVersion ?? ''));
      if (obj.apiVersion !== apiVersion) {
        throw failure(`conversion webhook for ${gvk} returned ${at}: invalid groupVersion (expected ${desiredGroup}/${desiredVersion}, received ${g}/${v})`);
      }
      if (obj.kind !== o.kind) throw failure(`conversion webhook for ${gvk} returned ${at}: invalid kind (expected ${String(o.kind)}, received ${String(obj.kind ?? '')})`);
      const sameErr = sameIdentity(o, obj);
      if (sameErr) throw failure(`conversion webhook for ${gvk} returned ${single ? 'invalid object' : `invalid converted object at index ${n}`}: ${sameErr}`);
      const metaErr = restoreMetadata(o, obj);
      if (metaErr) throw failure(`conversion webhook for ${gvk} returned invalid metadata${single ? '' : ` in object at index ${n}`}: ${metaErr}`);
      out[i] = obj;
    });
    return out;
  };
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** kube's getConvertedObjectsFromResponse. */
function convertedObjects(answer: unknown, uid: string, reviewVersion: string): unknown[] {
  const review = (answer && typeof answer === 'object' ? answer : {}) as { apiVersion?: unknown; kind?: unknown; response?: unknown };
  if (reviewVersion === 'v1') {
    const [g, v] = splitApiVersion(String(review.apiVersion ?? ''));
    const gotText = `${g}/${v}, Kind=${String(review.kind ?? '')}`;
    if (review.apiVersion !== 'apiextensions.k8s.io/v1' || review.kind !== 'ConversionReview') {
      throw new Error(`expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${gotText}`);
    }
  }
  const response = review.response as { uid?: unknown; result?: { status?: unknown; message?: unknown }; convertedObjects?: unknown } | undefined | null;
  if (!response || typeof response !== 'object') throw new Error('no response provided');
  if (reviewVersion === 'v1' && response.uid !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(String(response.uid ?? ''))}`);
  const status = response.result?.status;
  if (status !== 'Success') {
    const message = response.result?.message;
    if (typeof message === 'string' && message.length > 0) throw new Error(message);
    throw new Error(`response.result.status was '${String(status ?? '')}', not 'Success'`);
  }
  return Array.isArray(response.convertedObjects) ? response.convertedObjects : [];
}

/** kube's validateConvertedObject: the object stays the same object. */
function sameIdentity(input: KubeObject, out: KubeObject): string | undefined {
  const a = input.metadata ?? {};
  const b = (out.metadata ?? {}) as KubeObject['metadata'];
  if ((a.name ?? '') !== (b.name ?? '')) return `must have the same name: ${a.name ?? ''} != ${b.name ?? ''}`;
  if ((a.namespace ?? '') !== (b.namespace ?? '')) return `must have the same namespace: ${a.namespace ?? ''} != ${b.namespace ?? ''}`;
  if ((a.uid ?? '') !== (b.uid ?? '')) return `must have the same UID: ${a.uid ?? ''} != ${b.uid ?? ''}`;
  return undefined;
}

/**
 * kube's restoreObjectMeta: the converted object gets the original's metadata, except
 * labels and annotations, which the webhook may change (validated as on any write).
 */
function restoreMetadata(original: KubeObject, converted: KubeObject): string | undefined {
  const response = converted.metadata as unknown;
  if (response === undefined) return 'missing metadata in converted object';
  if (response === null || typeof response !== 'object' || Array.isArray(response)) return `invalid metadata of type ${goType(response)} in converted object`;
  const meta = structuredClone(original.metadata ?? {}) as Record<string, unknown>;
  for (const field of ['labels', 'annotations'] as const) {
    const value = (response as Record<string, unknown>)[field];
    if (value === undefined || value === null) {
      delete meta[field];
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) return `invalid metadata.${field} of type ${goType(value)} in converted object`;
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries) {
      if (typeof v !== 'string') return `metadata.${field}[${k}] must be a string, but is ${goType(v)} in converted object`;
    }
    if (field === 'labels') {
      for (const [k, v] of entries as [string, string][]) {
        const keyErr = isQualifiedName(k)[0];
        if (keyErr) return `metadata.labels: Invalid value: ${formatValue(k)}: ${keyErr}`;
        const valErr = isValidLabelValue(v)[0];
        if (valErr) return `metadata.labels: Invalid value: ${formatValue(v)}: ${valErr}`;
      }
    } else {
      for (const [k] of entries) {
        const keyErr = isQualifiedName(k.toLowerCase())[0];
        if (keyErr) return `metadata.annotation: Invalid value: ${formatValue(k)}: ${keyErr}`;
      }
    }
    meta[field] = value;
  }
  converted.metadata = meta as KubeObject['metadata'];
  return undefined;
}

/** The Go type name kube's messages print for a JSON value. */
function goType(v: unknown): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map[string]interface {}';
  }
}
