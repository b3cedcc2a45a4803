import type { KubeObject, ResourceType } from '../../api/types.js';
import { resourceByKind } from '../../api/registry.js';
import { limitRangeResource, type LimitRange } from '../../api/core/limit-range.js';
import { resourceQuotaResource, type ResourceQuota } from '../../api/core/resource-quota.js';
import { priorityClassResource } from '../../api/scheduling/index.js';
import type { Registry, WatchEventType } from '../registry/generic-registry.js';
import { ApiError, forbidden, invalid } from '../errors.js';
import type { Logger } from '../../lib/logger.js';
import type { AdmissionAttributes } from './attributes.js';
import { ObjectCache } from './object-cache.js';
import { aggregate, applyLimitRangeDefaults, limitRangeViolations } from './limit-ranger.js';
import { evaluateQuotas } from './resource-quota.js';
import { hasPodSecurityLabels, validateNamespace, validatePod, validatePodController, WORKLOAD_KINDS, type PodSecurityConfig, type PodSecurityOutcome } from './pod-security/admission.js';

/**
 * The built-in admission plugins that read cluster objects, in kube's order:
 * LimitRanger (mutate, then validate), PodSecurity (validate) and ResourceQuota
 * (validate, last of all). The chain (chain.ts) runs them around the webhooks and
 * policies. Each keeps its objects in an ObjectCache, and says through handles()
 * whether it could concern a write of a kind at all, so a cluster without LimitRanges,
 * quotas or PodSecurity labels pays nothing per write.
 */

const MAX_QUOTA_ATTEMPTS = 10;

/** kube's admission.NewForbidden: `<resource>[.<group>] "<name>" is forbidden: <reason>`. */
export function admissionForbidden(attrs: Pick<AdmissionAttributes, 'rt' | 'name'>, reason: string): ApiError {
  const resource = attrs.rt.group ? `${attrs.rt.plural}.${attrs.rt.group}` : attrs.rt.plural;
  return forbidden(`${resource} "${attrs.name}" is forbidden: ${reason}`, { name: attrs.name || undefined, group: attrs.rt.group || undefined, kind: attrs.rt.plural });
}

const isCore = (rt: ResourceType, plural: string) => rt.group === '' && rt.plural === plural;

export class BuiltinPlugins {
  readonly limitRanges: ObjectCache;
  readonly quotas: ObjectCache;
  readonly namespaces: ObjectCache;
  /**
   * Read by pod creation's Priority and ServiceAccount admission (registry hooks), which
   * kube's plugins serve from informers: without them every pod create made two more
   * storage reads.
   */
  readonly priorityClasses: ObjectCache;
  readonly serviceAccounts: ObjectCache;
  private psaMemo = { version: -1, active: false };
  private readonly workloadKinds: Set<string>;

  constructor(
    private readonly registryFor: (rt: ResourceType) => Registry,
    private readonly logger: Logger,
    private readonly podSecurity: PodSecurityConfig = {},
  ) {
    this.limitRanges = new ObjectCache(limitRangeResource, registryFor(limitRangeResource), logger);
    this.quotas = new ObjectCache(resourceQuotaResource, registryFor(resourceQuotaResource), logger);
    const namespaceRt = resourceByKind('', 'Namespace');
    this.namespaces = new ObjectCache(namespaceRt, registryFor(namespaceRt), logger);
    this.priorityClasses = new ObjectCache(priorityClassResource, registryFor(priorityClassResource), logger);
    const serviceAccountRt = resourceByKind('', 'ServiceAccount');
    this.serviceAccounts = new ObjectCache(serviceAccountRt, registryFor(serviceAccountRt), logger);
    this.workloadKinds = new Set(WORKLOAD_KINDS.map(([g, k]) => `${g}/${k}`));
  }

  async start(): Promise<void> {
    await Promise.all([this.limitRanges.start(), this.quotas.start(), this.namespaces.start(), this.priorityClasses.start(), this.serviceAccounts.start()]);
  }

  stop(): void {
    this.limitRanges.stop();
    this.quotas.stop();
    this.namespaces.stop();
    this.priorityClasses.stop();
    this.serviceAccounts.stop();
  }

  /** The watched cache of a kind, for the registry's admission hooks (undefined: read storage). */
  cacheFor(rt: ResourceType): ObjectCache | undefined {
    if (rt === priorityClassResource) return this.priorityClasses;
    if (rt === this.serviceAccounts.rt) return this.serviceAccounts;
    return undefined;
  }

  /** Writes of the cached kinds made through this apiserver (read-your-writes). */
  observe(rt: ResourceType, type: WatchEventType, obj: KubeObject): void {
    if (rt === priorityClassResource) this.priorityClasses.observe(type, obj);
    if (rt.group !== '') return;
    if (rt.kind === 'LimitRange') this.limitRanges.observe(type, obj);
    else if (rt.kind === 'ResourceQuota') this.quotas.observe(type, obj);
    else if (rt.kind === 'Namespace') this.namespaces.observe(type, obj);
    else if (rt.kind === 'ServiceAccount') this.serviceAccounts.observe(type, obj);
  }

  static observes(rt: ResourceType): boolean {
    if (rt === priorityClassResource) return true;
    return rt.group === '' && (rt.kind === 'LimitRange' || rt.kind === 'ResourceQuota' || rt.kind === 'Namespace' || rt.kind === 'ServiceAccount');
  }

  /** Whether some namespace carries PodSecurity labels (or defaults make every namespace checked). */
  private podSecurityActive(): boolean {
    if (this.podSecurity.defaults && this.podSecurity.defaults.enforce.level !== 'privileged') return true;
    if (this.psaMemo.version !== this.namespaces.version) {
      this.psaMemo = { version: this.namespaces.version, active: this.namespaces.all().some((ns) => hasPodSecurityLabels(ns.metadata.labels)) };
    }
    return this.psaMemo.active || Boolean(this.podSecurity.defaults);
  }

  private limitRangerHandles(rt: ResourceType): boolean {
    return this.limitRanges.size > 0 && (isCore(rt, 'pods') || isCore(rt, 'persistentvolumeclaims'));
  }

  private podSecurityHandles(rt: ResourceType): boolean {
    if (isCore(rt, 'namespaces')) return true;
    return this.podSecurityActive() && (isCore(rt, 'pods') || this.workloadKinds.has(`${rt.group}/${rt.kind}`));
  }

  handles(rt: ResourceType): boolean {
    return this.limitRangerHandles(rt) || this.podSecurityHandles(rt) || (this.quotas.size > 0 && rt.namespaced);
  }

  private rangesFor(ns: string | undefined): LimitRange[] {
    return ns ? (this.limitRanges.inNamespace(ns) as unknown as LimitRange[]) : [];
  }

  /** LimitRanger's mutating half: pod creation gets the namespace's defaults. */
  admit(attrs: AdmissionAttributes): void {
    if (attrs.operation !== 'CREATE' || attrs.subresource || !attrs.object || !isCore(attrs.rt, 'pods') || !this.limitRangerHandles(attrs.rt)) return;
    const ranges = this.rangesFor(attrs.namespace);
    if (ranges.length > 0) applyLimitRangeDefaults(attrs.object, ranges);
  }

  /** LimitRanger's and PodSecurity's validating halves. */
  async validate(attrs: AdmissionAttributes): Promise<void> {
    if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
    if (!attrs.object) return;
    if (this.limitRangerHandles(attrs.rt) && !attrs.subresource && !(attrs.operation === 'UPDATE' && isCore(attrs.rt, 'pods'))) {
      const violations = limitRangeViolations(attrs.rt.plural as 'pods' | 'persistentvolumeclaims', attrs.object, this.rangesFor(attrs.namespace));
      if (violations.length > 0) throw admissionForbidden(attrs, aggregate(violations));
    }
    if (this.podSecurityHandles(attrs.rt)) await this.validatePodSecurity(attrs);
  }

  private async validatePodSecurity(attrs: AdmissionAttributes): Promise<void> {
    const op = attrs.operation as 'CREATE' | 'UPDATE';
    let outcome: PodSecurityOutcome;
    if (isCore(attrs.rt, 'namespaces')) {
      const name = attrs.object!.metadata.name ?? attrs.name;
      outcome = await validateNamespace(this.podSecurity, {
        operation: op,
        subresource: attrs.subresource,
        object: attrs.object!,
        oldObject: attrs.oldObject,
        pods: async () => (await this.registryFor(resourceByKind('', 'Pod')).list(name)).items,
      });
      if (outcome.invalid) throw invalid('Namespace', '', name, outcome.invalid);
    } else {
      const ns = attrs.namespace ?? '';
      const base = { subresource: attrs.subresource, namespace: ns, username: attrs.request.user.username, namespaceLabels: this.namespaces.get('', ns)?.metadata.labels, object: attrs.object! };
      outcome = isCore(attrs.rt, 'pods')
        ? validatePod(this.podSecurity, { ...base, operation: op, oldObject: attrs.oldObject })
        : validatePodController(this.podSecurity, attrs.rt.kind, base);
      if (outcome.forbidden) throw admissionForbidden(attrs, outcome.forbidden);
    }
    attrs.request.warnings.push(...outcome.warnings);
    if (Object.keys(outcome.auditAnnotations).length > 0) {
      const annotations = (attrs.request.auditAnnotations ??= {});
      for (const [k, v] of Object.entries(outcome.auditAnnotations)) annotations[k] = v;
      this.logger.debug({ namespace: attrs.namespace, name: attrs.name, annotations: outcome.auditAnnotations }, 'pod security audit annotations');
    }
  }

  /**
   * ResourceQuota, the last validating plugin: charges the namespace's quotas by
   * compare-and-swap on their status, re-reading a quota that changed meanwhile.
   */
  async chargeQuota(attrs: AdmissionAttributes): Promise<void> {
    if (this.quotas.size === 0 || !attrs.rt.namespaced || !attrs.namespace || !attrs.object) return;
    if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
    if (attrs.subresource && attrs.subresource !== 'resize') return;
    const cached = this.quotas.inNamespace(attrs.namespace) as unknown as ResourceQuota[];
    if (cached.length === 0) return;
    const quotaRegistry = this.registryFor(resourceQuotaResource);
    let quotas = cached;
    // Quotas already charged by this request: a retry after a conflict leaves them alone.
    const charged = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      const decision = evaluateQuotas(attrs.rt, attrs.operation, attrs.object, attrs.oldObject, quotas);
      if (!decision.ok) throw admissionForbidden(attrs, decision.reason);
      if (attrs.dryRun || decision.charges.length === 0) return;
      let conflicted: string | undefined;
      for (const charge of decision.charges) {
        const next = structuredClone(charge.quota) as unknown as KubeObject;
        (next as unknown as ResourceQuota).status = { ...(charge.quota.status ?? {}), used: charge.used };
        try {
          const written = await quotaRegistry.update(attrs.namespace, charge.quota.metadata.name!, next, { subresource: 'status' });
          this.quotas.observe('MODIFIED', written);
          charged.add(charge.quota.metadata.name!);
        } catch (err) {
          if (err instanceof ApiError && err.code === 409) {
            conflicted = charge.quota.metadata.name!;
            break;
          }
          throw err;
        }
      }
      if (!conflicted) return;
      if (attempt + 1 >= MAX_QUOTA_ATTEMPTS) {
        throw admissionForbidden(attrs, `Operation cannot be fulfilled on resourcequotas: the object has been modified; please apply your changes to the latest version and try again`);
      }
      // A fresh copy of the quota that changed meanwhile; the others as they were, minus those charged.
      let fresh: ResourceQuota | undefined;
      try {
        fresh = (await quotaRegistry.get(attrs.namespace, conflicted)) as unknown as ResourceQuota;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
      quotas = quotas.filter((q) => !charged.has(q.metadata.name!) && (q.metadata.name !== conflicted || fresh)).map((q) => (q.metadata.name === conflicted ? fresh! : q));
    }
  }
}
