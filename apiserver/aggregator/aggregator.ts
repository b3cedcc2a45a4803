import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiServiceResource, type APIService } from '../../api/apiregistration/apiservice.js';
import { resources } from '../../api/registry.js';
import type { KubeObject } from '../../api/types.js';
import type { Clock, TimerHandle } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Registry } from '../registry/generic-registry.js';
import type { Registries } from '../registry/registries.js';
import type { StoreWatch } from '../storage/store.js';
import type { ApiGroupDiscovery } from '../rest/aggregated-discovery.js';
import { servedVersions } from '../rest/discovery.js';
import { availableCondition, nextStatus, type CheckResult } from './availability.js';
import { resolveBackend, type Backend } from './backend.js';
import { aggregatedGroups, legacyGroup, remoteGroups } from './discovery.js';
import { localApiServices } from './local-apiservices.js';
import { proxyFailure, type ProxyProblem } from './proxy-errors.js';
import { readBody, readBytes, sendBackendRequest } from './transport.js';

/**
 * API aggregation, as kube-aggregator does it inside kube-apiserver: a watch keeps the
 * APIService objects; requests under /apis/<group>/<version> of a remote APIService are
 * proxied to its backend (a real loopback server, backend.ts); an availability loop
 * checks each backend's discovery every `checkIntervalMs` and writes the Available
 * condition; the groups appear in /apis (legacy and aggregated discovery).
 *
 * Every apiserver process runs its own: several apiservers on one etcd all proxy, and
 * each writes the condition only when it changes (the same as kube with HA apiservers).
 */

export interface AggregatorOptions {
  registries: Registries;
  clock: Clock;
  logger: Logger;
  /** Default 10 s. */
  checkIntervalMs?: number;
  /** Per request to a backend for the availability check; default 5 s (kube's). */
  checkTimeoutMs?: number;
}

interface Fetched {
  list: unknown;
  stale: boolean;
}

function nowIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class Aggregator {
  private readonly services = new Map<string, APIService>();
  private readonly fetched = new Map<string, Fetched>();
  private readonly apiServices: Registry;
  private readonly localGroups: Set<string>;
  private readonly log: Logger;
  private handle: StoreWatch | undefined;
  private timer: TimerHandle | undefined;
  private soon: TimerHandle | undefined;
  private stopped = false;
  private checking: Promise<void> | undefined;
  private discoveryVersion = 0;

  constructor(private readonly o: AggregatorOptions) {
    this.apiServices = o.registries.for(apiServiceResource);
    this.localGroups = new Set(resources.map((r) => r.group));
    this.log = o.logger.child({ component: 'aggregator' });
  }

  async start(): Promise<void> {
    await this.registerLocal();
    await this.watch();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.handle?.close();
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    if (this.soon) this.o.clock.clearTimeout(this.soon);
  }

  /** Bumped whenever the aggregated discovery document may have changed (for caching). */
  get version(): number {
    return this.discoveryVersion;
  }

  /** kube's autoregister controller: a Local APIService for every built-in group-version. */
  private async registerLocal(): Promise<void> {
    for (const obj of localApiServices(servedVersions())) {
      try {
        await this.apiServices.create(undefined, obj as unknown as KubeObject);
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'AlreadyExists') this.log.warn({ err: (err as Error).message, name: obj.metadata.name }, 'could not register local APIService');
      }
    }
  }

  private async watch(): Promise<void> {
    const list = await this.apiServices.list(undefined);
    this.services.clear();
    for (const s of list.items) this.services.set(s.metadata.name!, s as APIService);
    this.discoveryVersion++;
    this.handle = await this.apiServices.watch(
      undefined,
      { resourceVersion: list.resourceVersion },
      {
        event: (type, obj) => {
          const name = obj.metadata.name!;
          const old = this.services.get(name);
          if (type === 'DELETED') {
            this.services.delete(name);
            this.fetched.delete(name);
          } else this.services.set(name, obj as APIService);
          this.discoveryVersion++;
          // A new or changed spec is checked at once (a status-only write is our own echo).
          if (type !== 'DELETED' && JSON.stringify(old?.spec) !== JSON.stringify((obj as APIService).spec)) this.schedule(0);
        },
        bookmark: () => undefined,
        error: (err) => {
          if (this.stopped) return;
          this.log.warn({ err: err.message }, 'APIService watch ended; resyncing');
          this.handle = undefined;
          const retry = () => {
            if (this.stopped) return;
            this.watch().catch(() => this.o.clock.setTimeout(retry, 1000));
          };
          this.o.clock.setTimeout(retry, 1000);
        },
      },
    );
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (ms === 0) {
      if (this.soon) return;
      this.soon = this.o.clock.setTimeout(() => {
        this.soon = undefined;
        void this.checkAll();
      }, 0);
      return;
    }
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => void this.checkAll(), ms);
  }

  /** Checks every APIService once; then again after the interval. */
  checkAll(): Promise<void> {
    this.checking ??= (async () => {
      try {
        await Promise.all([...this.services.values()].map((s) => this.checkOne(s).catch((err) => this.log.warn({ err: (err as Error).message, apiservice: s.metadata.name }, 'availability check failed'))));
      } finally {
        this.checking = undefined;
        this.schedule(this.o.checkIntervalMs ?? 10_000);
      }
    })();
    return this.checking;
  }

  private async backendOf(s: APIService): Promise<Backend> {
    let service: KubeObject | undefined;
    const ref = s.spec.service;
    if (ref?.name && ref.namespace) {
      try {
        service = await this.o.registries.forKind('', 'Service').get(ref.namespace, ref.name);
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'NotFound') throw err;
      }
    }
    return resolveBackend(s, service);
  }

  private async checkOne(s: APIService): Promise<void> {
    const backend = await this.backendOf(s);
    let check: CheckResult | undefined;
    let origin: string | undefined;
    if (backend.ok && !backend.local) {
      origin = backend.origin;
      check = await this.discover(s, backend);
    }
    const cond = availableCondition(backend, check, origin, nowIso(this.o.clock.now()));
    const status = nextStatus(s, cond);
    if (!status) return;
    this.log.info({ apiservice: s.metadata.name, status: cond.status, reason: cond.reason }, 'APIService availability changed');
    await this.apiServices.guaranteedUpdate(
      undefined,
      s.metadata.name!,
      (live) => {
        const next = nextStatus(live as APIService, cond);
        if (next) live['status'] = next;
        return live;
      },
      { subresource: 'status' },
    );
  }

  /** GET /apis/<group>/<version> on the backend: the availability check and the discovery we merge. */
  private async discover(s: APIService, backend: Extract<Backend, { local: false }>): Promise<CheckResult> {
    const name = s.metadata.name!;
    try {
      const res = await sendBackendRequest({
        origin: backend.origin,
        tls: backend.tls,
        method: 'GET',
        path: `/apis/${s.spec.group}/${s.spec.version}`,
        headers: { accept: 'application/json', 'x-remote-user': 'system:kube-aggregator', 'x-remote-group': 'system:masters' },
        timeoutMs: this.o.checkTimeoutMs ?? 5_000,
      });
      const body = await readBody(res);
      if ((res.statusCode ?? 500) < 200 || (res.statusCode ?? 500) > 299) return this.markStale(name, `bad status from ${backend.origin}/apis/${s.spec.group}/${s.spec.version}: ${res.statusCode}`);
      const list = JSON.parse(body) as unknown;
      const before = JSON.stringify(this.fetched.get(name));
      this.fetched.set(name, { list, stale: false });
      if (before !== JSON.stringify(this.fetched.get(name))) this.discoveryVersion++;
      return { ok: true };
    } catch (err) {
      return this.markStale(name, (err as Error).message);
    }
  }

  private markStale(name: string, message: string): CheckResult {
    const f = this.fetched.get(name);
    if (f && !f.stale) {
      f.stale = true;
      this.discoveryVersion++;
    }
    return { ok: false, message };
  }

  /** The remote APIService serving group/version, if any. */
  remoteFor(group: string, version: string): APIService | undefined {
    if (this.localGroups.has(group)) return undefined;
    const s = this.services.get(`${version}.${group}`);
    return s && s.spec.service ? s : undefined;
  }

  /** Groups served by remote APIServices, for /apis, by priority. */
  private groups(): Map<string, APIService[]> {
    return remoteGroups([...this.services.values()], this.localGroups);
  }

  /** The legacy APIGroup entries to append to /apis. */
  legacyGroupList(): Record<string, unknown>[] {
    return [...this.groups()].map(([g, list]) => legacyGroup(g, list));
  }

  /** /apis/<group> for an aggregated group; null if none serves it. */
  legacyGroupDoc(group: string): Record<string, unknown> | null {
    const list = this.groups().get(group);
    return list ? { kind: 'APIGroup', apiVersion: 'v1', ...legacyGroup(group, list) } : null;
  }

  /** The aggregated discovery entries to append to /apis. */
  aggregatedGroupList(): ApiGroupDiscovery[] {
    return aggregatedGroups(this.groups(), (name) => this.fetched.get(name));
  }

  /**
   * A GET of an aggregated path (`/apis/<group>/<version>/…`) on behalf of `user`, for the
   * apiserver's own readers (GraphQL's metrics relations): undefined when no available
   * APIService serves it or the backend cannot be reached; the caller authorizes first.
   */
  async get(path: string, user: { username: string; groups?: string[] } | undefined): Promise<{ status: number; body: string } | undefined> {
    const m = /^\/apis\/([^/]+)\/([^/]+)(\/|$)/.exec(path);
    const s = m ? this.remoteFor(m[1]!, m[2]!) : undefined;
    if (!s || s.status?.conditions?.find((c) => c.type === 'Available')?.status !== 'True') return undefined;
    const backend = await this.backendOf(s);
    if (!backend.ok || backend.local) return undefined;
    try {
      const res = await sendBackendRequest({
        origin: backend.origin,
        tls: backend.tls,
        method: 'GET',
        path,
        headers: { accept: 'application/json', 'x-remote-user': user?.username ?? 'system:anonymous', 'x-remote-group': user?.groups ?? [] },
        timeoutMs: 10_000,
      });
      return { status: res.statusCode ?? 502, body: await readBody(res, 64 << 20) };
    } catch (err) {
      this.log.debug({ err: (err as Error).message, path }, 'aggregated read failed');
      return undefined;
    }
  }

  /**
   * Forwards a request under /apis/<group>/<version>/… to the APIService's backend and
   * streams the answer back; failures as kube-aggregator words them (proxy-errors.ts).
   */
  async proxy(req: FastifyRequest, reply: FastifyReply, s: APIService): Promise<FastifyReply> {
    const fail = (p: ProxyProblem) => {
      const f = proxyFailure(p);
      return reply.code(f.code).header('content-type', 'text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(f.body);
    };
    const cond = s.status?.conditions?.find((c) => c.type === 'Available');
    if (cond?.status !== 'True') return fail({ kind: 'unavailable' });
    const backend = await this.backendOf(s);
    if (!backend.ok || backend.local) return fail({ kind: 'unresolved', message: backend.ok ? 'local' : backend.message });
    const user = req.user;
    const headers: Record<string, string | string[]> = {
      'x-remote-user': user?.username ?? 'system:anonymous',
      'x-remote-group': user?.groups ?? [],
      'x-forwarded-for': req.ip,
    };
    for (const h of ['accept', 'content-type', 'user-agent', 'accept-encoding']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const body = req.body;
    let res;
    try {
      res = await sendBackendRequest({
        origin: backend.origin,
        tls: backend.tls,
        method: req.method,
        path: req.url,
        headers,
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : undefined,
        timeoutMs: 60_000,
      });
    } catch (err) {
      this.log.warn({ err: (err as Error).message, apiservice: s.metadata.name, url: req.url }, 'error while proxying request');
      return fail({ kind: 'dial', code: (err as NodeJS.ErrnoException).code, message: (err as Error).message });
    }
    reply.code(res.statusCode ?? 502);
    for (const h of ['content-type', 'content-encoding', 'cache-control', 'etag', 'vary', 'warning', 'audit-id']) {
      const v = res.headers[h];
      if (v !== undefined) reply.header(h, v);
    }
    // Buffered, not streamed: aggregated answers here are bounded lists (metrics), and a
    // whole body lets a failed read become a 503 instead of a truncated 200.
    let payload: Buffer;
    try {
      payload = await readBytes(res, 256 << 20);
    } catch (err) {
      return fail({ kind: 'dial', message: (err as Error).message });
    }
    return reply.send(payload);
  }
}
