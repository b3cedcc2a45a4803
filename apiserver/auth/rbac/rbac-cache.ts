import type { Registries } from '../../registry/registries.js';
import type { StoreWatch } from '../../storage/store.js';
import type { Logger } from '../../../lib/logger.js';
import type { RbacObjects } from './rule-match.js';

/**
 * The RBAC objects the authorizer decides with, kept between requests (kube's RBAC
 * authorizer reads informer caches the same way). A watch on each of the four kinds drops
 * the copy on any change, and writes through this apiserver drop it before they happen,
 * so a binding just created is seen by the next request. A load that started before a
 * drop is returned but not kept. Without start() (tests), every decision reads storage.
 */
const KINDS = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const;
const RBAC = 'rbac.authorization.k8s.io';

export class RbacCache {
  private generation = 0;
  private cached: RbacObjects | undefined;
  private watches: StoreWatch[] = [];
  private watching = false;
  private stopped = false;

  constructor(
    private readonly registries: Registries,
    private readonly logger?: Logger,
  ) {}

  invalidate(): void {
    this.generation++;
    this.cached = undefined;
  }

  async load(): Promise<RbacObjects> {
    if (this.cached) return this.cached;
    const generation = this.generation;
    const list = async (kind: string) => (await this.registries.forKind(RBAC, kind).list(undefined)).items;
    const [clusterRoles, clusterRoleBindings, roles, roleBindings] = await Promise.all(KINDS.map(list));
    const objects = { clusterRoles, clusterRoleBindings, roles, roleBindings } as unknown as RbacObjects;
    if (this.watching && generation === this.generation) this.cached = objects;
    return objects;
  }

  async start(): Promise<void> {
    const revision = String(await this.registries.store.currentRevision());
    for (const kind of KINDS) {
      this.watches.push(
        await this.registries.forKind(RBAC, kind).watch(undefined, { resourceVersion: revision }, {
          event: () => this.invalidate(),
          bookmark: () => undefined,
          error: (err) => {
            if (this.stopped) return;
            // Without its watch the copy could go stale: stop keeping one.
            this.logger?.warn({ err: err.message, kind }, 'RBAC cache watch ended; reading RBAC objects per request');
            this.watching = false;
            this.invalidate();
          },
        }),
      );
    }
    this.invalidate();
    this.watching = true;
  }

  stop(): void {
    this.stopped = true;
    this.watching = false;
    for (const w of this.watches) w.close();
    this.watches = [];
  }
}
