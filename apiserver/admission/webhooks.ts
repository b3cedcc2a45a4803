import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import type { MatchCondition, Webhook } from '../../api/admissionregistration/index.js';
import { deepEqual } from '../../api/validation.js';
import { ApiError, badRequest, internal } from '../errors.js';
import { resolveView } from '../request/resource-view.js';
import { decodeObject } from '../registry/decode-object.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { PatchError } from '../patch/errors.js';
import type { AdmissionAttributes } from './attributes.js';
import { matchingVersion, namespaceSelectorMatches, objectSelectorMatches } from './matching.js';
import { admissionRequest, goJsonError, InvalidResponseError, readAdmissionResponse, type AdmissionRequestBody } from './review.js';
import { postJson, resolveTarget, WebhookCallError, type ServiceEndpointResolver } from './webhook-client.js';
import { celErrorText, compileCel, toCel, type CelProgram } from './cel-adapter.js';

/**
 * kube's MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins: which webhooks
 * a write concerns, the AdmissionReview round trip, JSON patches, reinvocation, and the
 * errors kube answers (failurePolicy deciding about failed calls).
 */

/** A webhook with the configuration it comes from (configurations are kept sorted by name). */
export interface ConfiguredWebhook {
  configuration: string;
  hook: Webhook;
}

export interface WebhookEnvironment {
  resolver?: ServiceEndpointResolver;
  /** The labels of a namespace, for namespaceSelector (undefined: no such namespace). */
  namespaceLabels(namespace: string): Promise<Record<string, string> | undefined>;
  /** Failures a failurePolicy Ignore let pass (kube logs them). */
  onIgnoredFailure?(webhook: string, message: string): void;
  /** The transport (postJson); unit tests give a fake. */
  call?: typeof postJson;
}

/** A failed call (transport or invalid answer): failurePolicy decides. */
class CallFailure extends Error {}

const matchConditionPrograms = new Map<string, ReturnType<typeof compileCel>>();

function programFor(c: MatchCondition): ReturnType<typeof compileCel> {
  let r = matchConditionPrograms.get(c.expression);
  if (!r) {
    r = compileCel(c.expression, ['object', 'oldObject', 'request', 'authorizer'], 'bool');
    if (matchConditionPrograms.size > 5000) matchConditionPrograms.clear();
    matchConditionPrograms.set(c.expression, r);
  }
  return r;
}

/**
 * matchConditions: all true to call; one false skips the webhook; an error is a call
 * failure (failurePolicy decides), as in kube.
 */
async function conditionsHold(hook: Webhook, request: AdmissionRequestBody): Promise<boolean> {
  const conditions = hook.matchConditions ?? [];
  if (conditions.length === 0) return true;
  const activation = { object: toCel(request.object), oldObject: toCel(request.oldObject), request: toCel(request), authorizer: null };
  let firstError: string | undefined;
  for (const c of conditions) {
    const compiled = programFor(c);
    if (!compiled.ok) {
      firstError ??= `compilation failed for match condition ${JSON.stringify(c.name)}: ${compiled.message}`;
      continue;
    }
    try {
      const v = await (compiled.program as CelProgram).evaluate(activation);
      if (v === false) return false;
      if (v !== true) firstError ??= `matchCondition ${JSON.stringify(c.name)} must evaluate to bool`;
    } catch (err) {
      firstError ??= `failed evaluating match condition ${JSON.stringify(c.name)}: ${celErrorText(err)}`;
    }
  }
  if (firstError) throw new CallFailure(`failed to evaluate match conditions: ${firstError}`);
  return true;
}

/** The version a webhook sees this request in, when its rules and selectors take it. */
async function matchWebhook(hook: Webhook, attrs: AdmissionAttributes, env: WebhookEnvironment): Promise<string | undefined> {
  const version = matchingVersion(
    hook.rules,
    attrs.rt,
    { operation: attrs.operation, subresource: attrs.subresource, name: attrs.name },
    attrs.request.requestVersion ?? attrs.rt.version,
    hook.matchPolicy,
  );
  if (version === undefined) return undefined;
  if (!objectSelectorMatches(hook.objectSelector, attrs.object, attrs.oldObject)) return undefined;
  const nsLabels = attrs.rt.namespaced && attrs.namespace && hook.namespaceSelector && Object.keys(hook.namespaceSelector).length > 0
    ? await env.namespaceLabels(attrs.namespace)
    : undefined;
  if (!namespaceSelectorMatches(hook.namespaceSelector, attrs.rt, attrs.object, attrs.oldObject, nsLabels)) return undefined;
  return version;
}

async function toVersion(attrs: AdmissionAttributes, version: string, obj: KubeObject | null): Promise<KubeObject | null> {
  if (!obj) return null;
  if (attrs.connectKind || attrs.subresourceKind) return obj;
  const view = resolveView(attrs.rt.group, version, attrs.rt.plural);
  const [out] = (await view.toClientAll([structuredClone(obj)])) as [KubeObject];
  out.apiVersion = view.apiVersion;
  out.kind = attrs.rt.kind;
  return out;
}

/** kube's ToStatusErr: a webhook's refusal. */
function denial(name: string, status: { code?: number; message?: string; reason?: string; details?: unknown } | undefined): ApiError {
  const deniedBy = `admission webhook ${JSON.stringify(name)} denied the request`;
  // kube turns a missing or sub-400 code into 400 (ToStatusErr).
  const code = status?.code && status.code >= 400 ? status.code : 400;
  const message = status?.message ? `${deniedBy}: ${status.message}` : status?.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  const reason = (status?.reason || undefined) as never;
  return new ApiError(code, reason, message, status?.details as never);
}

/** The failure kube answers for a webhook it could not use, after failurePolicy said Fail. */
function callFailed(name: string, err: unknown): ApiError {
  const reason = err instanceof InvalidResponseError ? `received invalid webhook response: ${err.message}` : err instanceof WebhookCallError ? `failed to call webhook: ${err.message}` : (err as Error).message;
  const msg = `failed calling webhook ${JSON.stringify(name)}: ${reason}`;
  return new ApiError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
}

const isCallFailure = (err: unknown): boolean => err instanceof WebhookCallError || err instanceof InvalidResponseError || err instanceof CallFailure;

interface CallResult {
  request: AdmissionRequestBody;
  response: ReturnType<typeof readAdmissionResponse>;
  /** A mutating webhook's JSON patch, decoded (undefined without one). */
  ops?: unknown[];
}

/**
 * kube decodes the patch as part of reading the answer: bad base64 fails the call ("failed
 * to call webhook"), a body that is no JSON patch is "received undecodable patch in
 * webhook response"; both are call failures, so failurePolicy decides. Applying the
 * patch and decoding its result are not: those fail the request with a 500 whatever the
 * policy says (kube's mutating dispatcher).
 */
function decodePatch(patch: string): unknown[] {
  if (patch.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(patch)) {
    const bad = patch.search(/[^A-Za-z0-9+/=]/);
    throw new WebhookCallError(`illegal base64 data at input byte ${bad >= 0 ? bad : patch.length - (patch.length % 4)}`);
  }
  const bytes = Buffer.from(patch, 'base64');
  let ops: unknown;
  try {
    ops = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new CallFailure(`received undecodable patch in webhook response: ${goJsonError(bytes, (err as Error).message)}`);
  }
  const goKind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);
  if (ops === null) return [];
  if (!Array.isArray(ops)) throw new CallFailure(`received undecodable patch in webhook response: json: cannot unmarshal ${goKind(ops)} into Go value of type jsonpatch.Patch`);
  const bad = ops.find((o) => o !== null && (typeof o !== 'object' || Array.isArray(o)));
  if (bad !== undefined) throw new CallFailure(`received undecodable patch in webhook response: json: cannot unmarshal ${goKind(bad)} into Go value of type jsonpatch.Operation`);
  return ops;
}

/** Matches, checks dry-run support, calls. Returns undefined when the webhook does not apply or was ignored. */
async function invoke(entry: ConfiguredWebhook, attrs: AdmissionAttributes, env: WebhookEnvironment, mutating: boolean): Promise<CallResult | undefined> {
  const { hook } = entry;
  const version = await matchWebhook(hook, attrs, env);
  if (version === undefined) return undefined;
  const uid = randomUUID();
  const request = admissionRequest(attrs, uid, version, await toVersion(attrs, version, attrs.object), await toVersion(attrs, version, attrs.oldObject));
  const timeout = Math.min(Math.max(hook.timeoutSeconds ?? 10, 1), 30);
  try {
    if (!(await conditionsHold(hook, request))) return undefined;
    if (attrs.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') {
      throw badRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
    }
    const target = await resolveTarget(hook.clientConfig, timeout, env.resolver);
    const answer = await (env.call ?? postJson)(target, hook.clientConfig.caBundle, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }, timeout);
    const response = readAdmissionResponse(answer, uid, mutating);
    const ops = mutating && response.allowed && response.patch ? decodePatch(response.patch) : undefined;
    return { request, response, ...(ops ? { ops } : {}) };
  } catch (err) {
    if (!isCallFailure(err)) throw err;
    if (hook.failurePolicy === 'Ignore') {
      env.onIgnoredFailure?.(hook.name, (err as Error).message);
      return undefined;
    }
    throw callFailed(hook.name, err);
  }
}

/** Applies a webhook's JSON patch to the object it was shown; kube answers 500 when that fails. */
async function applyPatch(attrs: AdmissionAttributes, hook: Webhook, request: AdmissionRequestBody, ops: unknown[]): Promise<KubeObject | undefined> {
  // An empty patch changes nothing, even where there is no object (kube checks this first).
  if (ops.length === 0) return undefined;
  if (!request.object) {
    throw internal(`admission webhook ${JSON.stringify(hook.name)} attempted to modify the object, which is not supported for this operation`);
  }
  let patched: KubeObject;
  try {
    patched = applyJsonPatch(structuredClone(request.object), ops);
  } catch (err) {
    if (err instanceof PatchError) throw internal(err.message);
    throw err;
  }
  const version = request.kind.version;
  if (attrs.connectKind || attrs.subresourceKind) return patched;
  const view = resolveView(attrs.rt.group, version, attrs.rt.plural);
  let decoded: KubeObject;
  try {
    decoded = decodeObject(view.schema, patched, { kind: attrs.rt.kind, version }, 'Ignore').object;
  } catch (err) {
    throw internal(err instanceof ApiError ? err.message : String(err));
  }
  decoded.metadata = decoded.metadata ?? {};
  return view.fromClientAsync(decoded);
}

/**
 * The mutating phase: webhooks in order, each seeing the previous ones' patches; those
 * with reinvocationPolicy IfNeeded run once more when a later webhook changed the object.
 * Returns the object to continue with (attrs.object when nothing changed).
 */
export async function runMutatingWebhooks(hooks: readonly ConfiguredWebhook[], attrs: AdmissionAttributes, env: WebhookEnvironment): Promise<KubeObject | null> {
  let lastChange = -1;
  const called: number[] = [];
  const pass = async (indices: readonly number[], reinvocation: boolean): Promise<void> => {
    for (const i of indices) {
      const entry = hooks[i]!;
      const result = await invoke(entry, attrs, env, true);
      if (!result) continue;
      if (!reinvocation) called.push(i);
      const { response, request } = result;
      for (const w of response.warnings ?? []) if (typeof w === 'string') attrs.request.warnings.push(w);
      if (!response.allowed) throw denial(entry.hook.name, response.status);
      if (result.ops) {
        const next = await applyPatch(attrs, entry.hook, request, result.ops);
        if (next && !deepEqual(next, attrs.object)) {
          attrs.object = next;
          if (!reinvocation) lastChange = i;
        }
      }
    }
  };
  await pass(hooks.map((_, i) => i), false);
  const again = called.filter((i) => i < lastChange && hooks[i]!.hook.reinvocationPolicy === 'IfNeeded');
  if (again.length > 0) await pass(again, true);
  return attrs.object;
}

/** The validating phase: every matching webhook at once; the first refusal in order wins. */
export async function runValidatingWebhooks(hooks: readonly ConfiguredWebhook[], attrs: AdmissionAttributes, env: WebhookEnvironment): Promise<void> {
  const outcomes = await Promise.allSettled(hooks.map((entry) => invoke(entry, attrs, env, false)));
  let first: unknown;
  outcomes.forEach((o, i) => {
    if (o.status === 'rejected') {
      first ??= o.reason;
      return;
    }
    const r = o.value;
    if (!r) return;
    for (const w of r.response.warnings ?? []) if (typeof w === 'string') attrs.request.warnings.push(w);
    if (!r.response.allowed) first ??= denial(hooks[i]!.hook.name, r.response.status);
  });
  if (first) throw first;
}
