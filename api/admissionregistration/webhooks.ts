import { z } from 'zod';
import type { FieldError, KubeObject, ResourceType } from '../types.js';
import { objectSchema } from '../meta.js';
import { age, ageColumn, column, nameColumn } from '../printers.js';
import { duplicate, invalid, notSupported, required } from '../validation.js';
import {
  FAILURE_POLICIES,
  MATCH_POLICIES,
  labelSelectorSchema,
  matchConditionSchema,
  ruleWithOperationsSchema,
  validateEnum,
  validateMatchConditions,
  validateRule,
  validateSelector,
} from './common.js';

/**
 * admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and
 * ValidatingWebhookConfiguration: which writes the apiserver sends to which HTTPS
 * endpoint (apiserver/admission/webhooks.ts calls them).
 */

export const serviceReferenceSchema = z.object({
  namespace: z.string().optional(),
  name: z.string().optional(),
  path: z.string().optional(),
  port: z.number().int().optional(),
});

export const webhookClientConfigSchema = z.object({
  url: z.string().optional(),
  service: serviceReferenceSchema.optional(),
  /** Base64 of the PEM bundle that signs the webhook's serving certificate. */
  caBundle: z.string().optional(),
});
export type WebhookClientConfig = z.infer<typeof webhookClientConfigSchema>;

const webhookFields = {
  name: z.string(),
  clientConfig: webhookClientConfigSchema,
  rules: z.array(ruleWithOperationsSchema).optional(),
  failurePolicy: z.string().optional(),
  matchPolicy: z.string().optional(),
  namespaceSelector: labelSelectorSchema.optional(),
  objectSelector: labelSelectorSchema.optional(),
  sideEffects: z.string().optional(),
  timeoutSeconds: z.number().int().optional(),
  admissionReviewVersions: z.array(z.string()).optional(),
  matchConditions: z.array(matchConditionSchema).optional(),
};

export const validatingWebhookSchema = z.object(webhookFields);
export const mutatingWebhookSchema = z.object({ ...webhookFields, reinvocationPolicy: z.string().optional() });
export type ValidatingWebhook = z.infer<typeof validatingWebhookSchema>;
export type MutatingWebhook = z.infer<typeof mutatingWebhookSchema>;
/** Either flavour, as the dispatcher sees them. */
export type Webhook = MutatingWebhook;

export const mutatingWebhookConfigurationSchema = objectSchema({ webhooks: z.array(mutatingWebhookSchema).optional() });
export const validatingWebhookConfigurationSchema = objectSchema({ webhooks: z.array(validatingWebhookSchema).optional() });
export type MutatingWebhookConfiguration = z.infer<typeof mutatingWebhookConfigurationSchema>;
export type ValidatingWebhookConfiguration = z.infer<typeof validatingWebhookConfigurationSchema>;

const SIDE_EFFECTS = ['None', 'NoneOnDryRun'] as const;
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const REINVOCATION = ['IfNeeded', 'Never'] as const;

/** SetDefaults_*Webhook of admissionregistration/v1. */
export function defaultWebhook(w: Webhook, mutating: boolean): void {
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (mutating) w.reinvocationPolicy ??= 'Never';
  for (const r of w.rules ?? []) r.scope ??= '*';
  if (w.clientConfig?.service) w.clientConfig.service.port ??= 443;
}

/** kube's IsFullyQualifiedName: a DNS subdomain of at least three labels. */
function fullyQualifiedNameErrors(name: string): string[] {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) || name.length > 253) {
    return ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"];
  }
  if (name.split('.').length < 3) return ['should be a domain with at least three segments separated by dots'];
  return [];
}

/** webhook.ValidateWebhookURL with forceHttps. */
export function validateWebhookUrl(raw: string, path: string): FieldError[] {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (err) {
    return [invalid(path, raw, `url must be a valid URL: parse ${JSON.stringify(raw)}: ${(err as Error).message}`)];
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(invalid(path, scheme, "'https' is the only allowed URL scheme"));
  if (!u.host) errs.push(invalid(path, u.host, 'host must be specified'));
  if (u.username || u.password) errs.push(invalid(path, u.password ? `${u.username}:xxxxx` : u.username, 'user information is not permitted in the URL'));
  if (u.hash || raw.includes('#')) errs.push(invalid(path, u.hash.replace(/^#/, ''), 'fragments are not permitted in the URL'));
  if (u.search || raw.includes('?')) errs.push(invalid(path, u.search.replace(/^\?/, ''), 'query parameters are not permitted in the URL'));
  return errs;
}

function validateClientConfig(cc: WebhookClientConfig | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const hasUrl = cc?.url !== undefined;
  const hasService = cc?.service !== undefined;
  if (hasUrl === hasService) return [required(path, 'exactly one of url or service is required')];
  if (hasUrl) errs.push(...validateWebhookUrl(cc!.url!, `${path}.url`));
  if (hasService) {
    const s = cc!.service!;
    const sp = `${path}.service`;
    if (!s.name) errs.push(required(`${sp}.name`, 'service name is required'));
    if (!s.namespace) errs.push(required(`${sp}.namespace`, 'service namespace is required'));
    if (s.port !== undefined && (s.port < 1 || s.port > 65535)) errs.push(invalid(`${sp}.port`, s.port, 'port is not valid: must be between 1 and 65535, inclusive'));
    if (s.path !== undefined && s.path !== '') {
      if (!s.path.startsWith('/')) errs.push(invalid(`${sp}.path`, s.path, "must start with a '/'"));
      else if (s.path.includes('//')) errs.push(invalid(`${sp}.path`, s.path, "segment[1] may not be empty"));
    }
  }
  if (cc?.caBundle !== undefined && cc.caBundle !== '' && !/^[A-Za-z0-9+/]*={0,2}$/.test(cc.caBundle.replace(/\s/g, ''))) {
    errs.push(invalid(`${path}.caBundle`, '<binary>', 'illegal base64 data'));
  }
  return errs;
}

function validateWebhook(w: Webhook, path: string, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!w.name) errs.push(required(`${path}.name`));
  else for (const msg of fullyQualifiedNameErrors(w.name)) errs.push(invalid(`${path}.name`, w.name, msg));
  (w.rules ?? []).forEach((r, i) => errs.push(...validateRule(r, `${path}.rules[${i}]`)));
  errs.push(...validateEnum(w.failurePolicy, `${path}.failurePolicy`, FAILURE_POLICIES));
  errs.push(...validateEnum(w.matchPolicy, `${path}.matchPolicy`, MATCH_POLICIES));
  if (w.sideEffects === undefined) errs.push(required(`${path}.sideEffects`, `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else if (!(SIDE_EFFECTS as readonly string[]).includes(w.sideEffects)) errs.push(notSupported(`${path}.sideEffects`, w.sideEffects, SIDE_EFFECTS));
  const versions = w.admissionReviewVersions ?? [];
  if (versions.length === 0) errs.push(required(`${path}.admissionReviewVersions`, `must specify one of ${REVIEW_VERSIONS.join(', ')}`));
  else if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) {
    errs.push({ type: 'FieldValueInvalid', field: `${path}.admissionReviewVersions`, message: `Invalid value: []string{${versions.map((v) => JSON.stringify(v)).join(', ')}}: must include at least one of ${REVIEW_VERSIONS.join(', ')}` });
  }
  if (w.timeoutSeconds !== undefined && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) {
    errs.push(invalid(`${path}.timeoutSeconds`, w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  }
  errs.push(...validateSelector(w.namespaceSelector, `${path}.namespaceSelector`));
  errs.push(...validateSelector(w.objectSelector, `${path}.objectSelector`));
  if (mutating) errs.push(...validateEnum(w.reinvocationPolicy, `${path}.reinvocationPolicy`, REINVOCATION));
  errs.push(...validateClientConfig(w.clientConfig, `${path}.clientConfig`));
  errs.push(...validateMatchConditions(w.matchConditions, `${path}.matchConditions`));
  return errs;
}

function validateConfiguration(obj: KubeObject, mutating: boolean): FieldError[] {
  const webhooks = ((obj as { webhooks?: Webhook[] }).webhooks ?? []);
  const errs: FieldError[] = [];
  const names = new Set<string>();
  webhooks.forEach((w, i) => {
    const p = `webhooks[${i}]`;
    if (w.name && names.has(w.name)) errs.push(duplicate(`${p}.name`, w.name));
    if (w.name) names.add(w.name);
    errs.push(...validateWebhook(w, p, mutating));
  });
  return errs;
}

function configurationResource(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', schema: z.ZodType): ResourceType {
  const mutating = kind === 'MutatingWebhookConfiguration';
  return {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: ['api-extensions'],
    namespaced: false,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    schema,
    subresources: {},
    hasGeneration: true,
    defaults(obj: KubeObject) {
      for (const w of (obj as { webhooks?: Webhook[] }).webhooks ?? []) defaultWebhook(w, mutating);
    },
    validate: (obj) => validateConfiguration(obj, mutating),
    tableColumns: [nameColumn, column('Webhooks', 'Webhooks indicates the number of webhooks in the configuration.', { type: 'integer' }), ageColumn],
    tableRow: (obj: KubeObject, now: number) => [obj.metadata.name ?? '', ((obj as { webhooks?: unknown[] }).webhooks ?? []).length, age(obj, now)],
  };
}

export const mutatingWebhookConfigurationResource = configurationResource('MutatingWebhookConfiguration', mutatingWebhookConfigurationSchema);
export const validatingWebhookConfigurationResource = configurationResource('ValidatingWebhookConfiguration', validatingWebhookConfigurationSchema);
