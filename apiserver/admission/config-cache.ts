import type { KubeObject, ResourceType } from '../../api/types.js';
import {
  mutatingWebhookConfigurationResource,
  validatingAdmissionPolicyBindingResource,
  validatingAdmissionPolicyResource,
  validatingWebhookConfigurationResource,
  type MutatingWebhookConfiguration,
  type ValidatingAdmissionPolicy,
  type ValidatingAdmissionPolicyBinding,
  type ValidatingWebhookConfiguration,
} from '../../api/admissionregistration/index.js';
import type { Registry, WatchEventType } from '../registry/generic-registry.js';
import type { StoreWatch } from '../storage/store.js';
import type { Logger } from '../../lib/logger.js';
import type { ConfiguredWebhook } from './webhooks.js';
import type { PolicySet } from './policies.js';

/**
 * The apiserver's view of the admission configuration (webhook configurations, policies,
 * bindings), kept by a watch as kube's admission plugins keep informers, so a write costs
 * no storage read to learn that nothing applies. Writes made through this apiserver are
 * applied at once as well (observe), so a configuration is in force for the very next
 * request; resourceVersions keep the two feeds from undoing each other.
 */

export const ADMISSION_CONFIG_KINDS: readonly ResourceType[] = [
  mutatingWebhookConfigurationResource,
  validatingWebhookConfigurationResource,
  validatingAdmissionPolicyResource,
  validatingAdmissionPolicyBindingResource,
];

class KindView {
  readonly items = new Map<string, KubeObject>();
  /** Deleted names and the revision of the deletion, so a stale event cannot bring them back. */
  private readonly tombstones = new Map<string, number>();
  version = 0;

  apply(type: WatchEventType, obj: KubeObject): void {
    const name = obj.metadata.name!;
    const rv = Number(obj.metadata.resourceVersion ?? 0);
    const current = this.items.get(name);
    const currentRv = current ? Number(current.metadata.resourceVersion ?? 0) : (this.tombstones.get(name) ?? -1);
    if (rv < currentRv) return;
    if (type === 'DELETED') {
      if (!current) return;
      this.items.delete(name);
      this.tombstones.set(name, rv);
      if (this.tombstones.size > 1000) this.tombstones.clear();
    } else {
      if (current && rv === currentRv) return;
      this.items.set(name, obj);
      this.tombstones.delete(name);
    }
    this.version++;
  }

  reset(items: KubeObject[]): void {
    this.items.clear();
    for (const o of items) this.items.set(o.metadata.name!, o);
    this.version++;
  }
}

export class AdmissionConfigCache {
  private readonly views = new Map<ResourceType, KindView>(ADMISSION_CONFIG_KINDS.map((rt) => [rt, new KindView()]));
  private readonly watches: StoreWatch[] = [];
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;
  private memo: { key: string; mutating: ConfiguredWebhook[]; validating: ConfiguredWebhook[]; policies: PolicySet } | undefined;

  constructor(
    private readonly registryFor: (rt: ResourceType) => Registry,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await Promise.all(ADMISSION_CONFIG_KINDS.map((rt) => this.follow(rt)));
  }

  private async follow(rt: ResourceType): Promise<void> {
    const reg = this.registryFor(rt);
    const view = this.views.get(rt)!;
    const list = await reg.list(undefined);
    view.reset(list.items);
    const handle = await reg.watch(
      undefined,
      { resourceVersion: list.resourceVersion },
      {
        event: (type, obj) => view.apply(type, obj),
        bookmark: () => undefined,
        error: (err) => {
          if (this.stopped) return;
          this.logger.warn({ err: err.message, kind: rt.kind }, 'admission configuration watch ended; resyncing');
          this.retry(rt);
        },
      },
    );
    if (this.stopped) handle.close();
    else this.watches.push(handle);
  }

  private retry(rt: ResourceType): void {
    const t = setTimeout(() => {
      this.retries.delete(t);
      if (this.stopped) return;
      this.follow(rt).catch((err: Error) => {
        this.logger.warn({ err: err.message, kind: rt.kind }, 'admission configuration resync failed; retrying');
        this.retry(rt);
      });
    }, 1000);
    t.unref();
    this.retries.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
    for (const w of this.watches) w.close();
  }

  /** A write of one of the four kinds made through this apiserver. */
  observe(rt: ResourceType, type: WatchEventType, obj: KubeObject): void {
    this.views.get(rt)?.apply(type, obj);
  }

  /** True when no webhook or policy binding exists: the chain's fast path. */
  get idle(): boolean {
    return (
      this.views.get(mutatingWebhookConfigurationResource)!.items.size === 0 &&
      this.views.get(validatingWebhookConfigurationResource)!.items.size === 0 &&
      this.views.get(validatingAdmissionPolicyBindingResource)!.items.size === 0
    );
  }

  private snapshot(): NonNullable<AdmissionConfigCache['memo']> {
    const key = ADMISSION_CONFIG_KINDS.map((rt) => this.views.get(rt)!.version).join('.');
    if (this.memo?.key === key) return this.memo;
    const sorted = <T extends KubeObject>(rt: ResourceType): T[] =>
      [...this.views.get(rt)!.items.values()].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1)) as T[];
    const flatten = (configs: (MutatingWebhookConfiguration | ValidatingWebhookConfiguration)[]): ConfiguredWebhook[] =>
      configs.flatMap((c) => (c.webhooks ?? []).map((hook) => ({ configuration: c.metadata.name!, hook })));
    const policies = new Map<string, ValidatingAdmissionPolicy>();
    for (const p of sorted<ValidatingAdmissionPolicy>(validatingAdmissionPolicyResource)) policies.set(p.metadata.name!, p);
    this.memo = {
      key,
      mutating: flatten(sorted(mutatingWebhookConfigurationResource)),
      validating: flatten(sorted(validatingWebhookConfigurationResource)),
      policies: { policies, bindings: sorted<ValidatingAdmissionPolicyBinding>(validatingAdmissionPolicyBindingResource) },
    };
    return this.memo;
  }

  mutatingWebhooks(): ConfiguredWebhook[] {
    return this.snapshot().mutating;
  }

  validatingWebhooks(): ConfiguredWebhook[] {
    return this.snapshot().validating;
  }

  policies(): PolicySet {
    return this.snapshot().policies;
  }
}
