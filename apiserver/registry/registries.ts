import type { ResourceType } from '../../api/types.js';
import { resources } from '../../api/registry.js';
import type { Store } from '../storage/store.js';
import type { Clock } from '../../lib/clock.js';
import { Registry, type KindHooks, type RegistryContext, type WatchedObjects } from './generic-registry.js';
import { RememberedStates } from './remembered-states.js';
import { admitNamespace } from './namespace-admission.js';
import { NamespaceCache } from './namespace-cache.js';
import type { Logger } from '../../lib/logger.js';
import { podHooks } from './hooks/pods.js';
import { namespaceHooks } from './hooks/namespaces.js';
import { createServiceHooks } from './hooks/services.js';
import { ingressHooks } from './hooks/ingresses.js';
import { persistentVolumeClaimHooks, persistentVolumeHooks } from './hooks/persistent-volume-claims.js';
import { AdmissionChain } from '../admission/chain.js';
import { withBuiltinPlugins } from '../admission/node-plugins.js';
import type { AdmissionHook } from '../admission/attributes.js';
import type { PodSecurityConfig } from '../admission/pod-security/admission.js';
import { defaultServiceIpRange, type ServiceIpRange } from '../../api/networking/service-cidr.js';

export interface RegistriesOptions {
  /** --service-cluster-ip-range: where Service ClusterIPs are allocated (default 10.96.0.0/12). */
  serviceIpRange?: ServiceIpRange;
}

/** One Registry per kind, sharing the store, the clock and the kind hooks. */
export class Registries {
  private readonly byType = new Map<ResourceType, Registry>();
  private readonly hooks = new Map<ResourceType, KindHooks>();
  private readonly ctx: RegistryContext;
  readonly namespaces: Registry;
  /** Set by startNamespaceCache(); until then admission reads namespaces from storage. */
  namespaceCache: NamespaceCache | undefined;
  /** Set by startAdmission(); until then writes skip dynamic admission (webhooks, policies). */
  admission: AdmissionChain | undefined;
  /** Compiled-in admission plugins (useAdmissionPlugin), ahead of the dynamic chain. */
  private readonly builtinPlugins: AdmissionHook[] = [];

  /** The Service network: the `kubernetes` Service takes its first address (bootstrap.ts). */
  readonly serviceIpRange: ServiceIpRange;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    opts: RegistriesOptions = {},
  ) {
    this.serviceIpRange = opts.serviceIpRange ?? defaultServiceIpRange();
    const ctx: RegistryContext = {
      store,
      clock,
      admitNamespace: (ns, target) => admitNamespace(this.namespaces, ns, target, this.namespaceCache),
      hooksFor: (rt) => this.hooks.get(rt) ?? {},
      registryFor: (rt) => this.for(rt),
      remembered: new RememberedStates(),
      admission: () => withBuiltinPlugins(this.builtinPlugins, this.admission),
      watchedObjects: (rt) => this.watchedObjects(rt),
    };
    this.ctx = ctx;
    for (const rt of resources) {
      this.byType.set(rt, new Registry(rt, ctx));
      const hooks = hooksFor(rt, this.serviceIpRange);
      if (hooks) this.hooks.set(rt, hooks);
    }
    this.namespaces = this.forKind('', 'Namespace');
  }

  async startNamespaceCache(logger: Logger): Promise<void> {
    const cache = new NamespaceCache(this.namespaces, logger);
    await cache.start();
    this.namespaceCache = cache;
  }

  /** Starts the dynamic admission chain (its configuration cache lists and watches). */
  async startAdmission(logger: Logger, opts: { podSecurity?: PodSecurityConfig } = {}): Promise<void> {
    const chain = new AdmissionChain((rt) => this.for(rt), logger, opts.podSecurity);
    await chain.start();
    this.admission = chain;
  }

  /** The watched copy of a kind kept for admission (PriorityClasses, ServiceAccounts), once admission runs. */
  watchedObjects(rt: ResourceType): WatchedObjects | undefined {
    return this.admission?.builtin.cacheFor(rt);
  }

  /** Adds a compiled-in admission plugin (e.g. NodeRestriction), run before the dynamic chain. */
  useAdmissionPlugin(plugin: AdmissionHook): void {
    this.builtinPlugins.push(plugin);
  }

  stop(): void {
    this.namespaceCache?.stop();
    this.admission?.stop();
  }

  /**
   * Adds hooks to a kind from outside the registry (the apiserver's RBAC escalation checks,
   * which need the authorizer); they run after the kind's own hooks of the same name.
   */
  useHooks(group: string, kind: string, extra: KindHooks): void {
    const rt = [...this.byType.keys()].find((t) => t.group === group && t.kind === kind);
    if (!rt) throw new Error(`no registry for ${group}/${kind}`);
    const own = this.hooks.get(rt) ?? {};
    const merged: KindHooks = { ...own };
    if (extra.beforeCreate) {
      merged.beforeCreate = async (obj, reg) => {
        await own.beforeCreate?.(obj, reg);
        await extra.beforeCreate!(obj, reg);
      };
    }
    if (extra.beforeUpdate) {
      merged.beforeUpdate = async (obj, old, reg) => {
        await own.beforeUpdate?.(obj, old, reg);
        await extra.beforeUpdate!(obj, old, reg);
      };
    }
    if (extra.beforeDelete) {
      merged.beforeDelete = (obj) => {
        own.beforeDelete?.(obj);
        extra.beforeDelete!(obj);
      };
    }
    if (extra.prepareUpdate) {
      merged.prepareUpdate = (next, live, proposed, subresource) => {
        own.prepareUpdate?.(next, live, proposed, subresource);
        extra.prepareUpdate!(next, live, proposed, subresource);
      };
    }
    this.hooks.set(rt, merged);
  }

  for(rt: ResourceType): Registry {
    const reg = this.byType.get(rt);
    if (!reg) {
      // A custom resource (apiserver/crd) gets its registry when first served.
      if (resources.includes(rt)) return this.addDynamic(rt);
      throw new Error(`no registry for ${rt.kind}`);
    }
    return reg;
  }

  /** A registry for a kind added at runtime (a CRD's custom resource), with optional hooks. */
  addDynamic(rt: ResourceType, hooks?: KindHooks): Registry {
    const reg = new Registry(rt, this.ctx);
    this.byType.set(rt, reg);
    if (hooks) this.hooks.set(rt, hooks);
    return reg;
  }

  /** Forgets a runtime kind's registry (its CRD was removed or replaced). */
  removeDynamic(rt: ResourceType): void {
    this.byType.delete(rt);
    this.hooks.delete(rt);
  }

  /** Hooks for a kind that has a registry already (the CRD kind's own, set by apiserver/crd). */
  setHooks(rt: ResourceType, hooks: KindHooks): void {
    this.hooks.set(rt, hooks);
  }

  forKind(group: string, kind: string): Registry {
    for (const [rt, reg] of this.byType) if (rt.group === group && rt.kind === kind) return reg;
    throw new Error(`no registry for ${group}/${kind}`);
  }
}

function hooksFor(rt: ResourceType, serviceIpRange: ServiceIpRange): KindHooks | undefined {
  if (rt.group === 'networking.k8s.io' && rt.kind === 'Ingress') return ingressHooks;
  if (rt.group !== '') return undefined;
  switch (rt.kind) {
    case 'Pod':
      return podHooks;
    case 'Namespace':
      return namespaceHooks;
    case 'Service':
      return createServiceHooks(serviceIpRange);
    case 'PersistentVolumeClaim':
      return persistentVolumeClaimHooks;
    case 'PersistentVolume':
      return persistentVolumeHooks;
    default:
      return undefined;
  }
}
