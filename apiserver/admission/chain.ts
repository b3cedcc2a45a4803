import type { KubeObject, ResourceType } from '../../api/types.js';
import { ownGroupVersions, resources } from '../../api/registry.js';
import type { Registry, WatchEventType } from '../registry/generic-registry.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../../lib/logger.js';
import { exemptFromAdmission, type AdmissionAttributes, type AdmissionHook } from './attributes.js';
import { AdmissionConfigCache, ADMISSION_CONFIG_KINDS } from './config-cache.js';
import { runMutatingWebhooks, runValidatingWebhooks, type WebhookEnvironment } from './webhooks.js';
import { runPolicies, type PolicyEnvironment } from './policies.js';
import { createServiceResolver } from './service-resolver.js';
import { labelSelectorFromObject, matchesLabels } from '../../api/selector.js';
import { closeWebhookAgents } from './webhook-client.js';
import { BuiltinPlugins } from './builtin-plugins.js';
import type { PodSecurityConfig } from './pod-security/admission.js';

/**
 * The admission chain in kube's order: LimitRanger's defaults and mutating webhooks
 * (admit), then — after the registry's defaulting and schema validation — LimitRanger's
 * bounds, PodSecurity, ValidatingAdmissionPolicy, validating webhooks and ResourceQuota
 * last (validate). The registry calls it at those two points of every create, update,
 * delete and connect that comes with request attributes (generic-registry.ts).
 *
 * With no webhook configuration and no policy binding the chain does nothing but look at
 * three map sizes.
 */
export class AdmissionChain implements AdmissionHook {
  private readonly cache: AdmissionConfigCache;
  private readonly webhookEnv: WebhookEnvironment;
  private readonly policyEnv: PolicyEnvironment;
  /** LimitRanger, PodSecurity, ResourceQuota (builtin-plugins.ts). */
  readonly builtin: BuiltinPlugins;

  constructor(
    private readonly registryFor: (rt: ResourceType) => Registry,
    private readonly logger: Logger,
    podSecurity: PodSecurityConfig = {},
  ) {
    this.cache = new AdmissionConfigCache(registryFor, logger);
    this.builtin = new BuiltinPlugins(registryFor, logger, podSecurity);
    const namespaces = resources.find((r) => r.group === '' && r.kind === 'Namespace')!;
    const namespaceObject = async (ns: string): Promise<KubeObject | undefined> => {
      try {
        return await registryFor(namespaces).get(undefined, ns);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return undefined;
        throw err;
      }
    };
    this.webhookEnv = {
      resolver: createServiceResolver(registryFor),
      namespaceLabels: async (ns) => (await namespaceObject(ns))?.metadata.labels ?? {},
      onIgnoredFailure: (webhook, message) => this.logger.warn({ webhook, err: message }, 'failed calling webhook, failing open'),
    };
    this.policyEnv = {
      namespaceObject,
      paramResource: (apiVersion, kind) => {
        const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
        return resources.find((r) => r.group === group && r.kind === kind && ownGroupVersions(r).includes(version));
      },
      getParam: async (rt, ns, name) => {
        try {
          return await registryFor(rt).get(rt.namespaced ? ns : undefined, name);
        } catch (err) {
          if (err instanceof ApiError && err.code === 404) return undefined;
          throw err;
        }
      },
      listParams: async (rt, ns, selector) => {
        const reqs = labelSelectorFromObject(selector);
        return (await registryFor(rt).list(rt.namespaced ? ns : undefined, { filter: (o) => matchesLabels(reqs, o.metadata.labels ?? {}) })).items;
      },
      onAudit: (policy, binding, message) => this.logger.info({ policy, binding, message }, 'validating admission policy audit'),
    };
  }

  async start(): Promise<void> {
    await this.cache.start();
    await this.builtin.start();
  }

  stop(): void {
    this.cache.stop();
    this.builtin.stop();
    closeWebhookAgents();
  }

  active(rt: ResourceType): boolean {
    return (!this.cache.idle && !exemptFromAdmission(rt)) || this.builtin.handles(rt);
  }

  /** The mutating phase. Returns the object to go on with (attrs.object if unchanged). */
  async admit(attrs: AdmissionAttributes): Promise<KubeObject | null> {
    this.builtin.admit(attrs);
    if (this.cache.idle || exemptFromAdmission(attrs.rt)) return attrs.object;
    const hooks = this.cache.mutatingWebhooks();
    if (hooks.length === 0) return attrs.object;
    return runMutatingWebhooks(hooks, attrs, this.webhookEnv);
  }

  /** The validating phase: LimitRanger, PodSecurity, policies, validating webhooks, ResourceQuota (kube's plugin order). */
  async validate(attrs: AdmissionAttributes): Promise<void> {
    await this.builtin.validate(attrs);
    if (!this.cache.idle && !exemptFromAdmission(attrs.rt)) {
      const policies = this.cache.policies();
      if (policies.bindings.length > 0) await runPolicies(policies, attrs, this.policyEnv);
      const hooks = this.cache.validatingWebhooks();
      if (hooks.length > 0) await runValidatingWebhooks(hooks, attrs, this.webhookEnv);
    }
    await this.builtin.chargeQuota(attrs);
  }

  /** The registry reports its writes of the configuration kinds, for read-your-writes. */
  observe(rt: ResourceType, type: WatchEventType, obj: KubeObject): void {
    if (ADMISSION_CONFIG_KINDS.includes(rt)) this.cache.observe(rt, type, obj);
    else this.builtin.observe(rt, type, obj);
  }
}
