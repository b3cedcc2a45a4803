import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  flowSchemaResource,
  MANDATORY_FLOW_SCHEMAS,
  MANDATORY_PRIORITY_LEVELS,
  priorityLevelConfigurationResource,
  SUGGESTED_FLOW_SCHEMAS,
  SUGGESTED_PRIORITY_LEVELS,
  type FlowSchema,
  type PriorityLevelConfiguration,
} from '../../api/flowcontrol/index.js';
import type { KubeObject } from '../../api/types.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { UserInfo } from '../auth/authenticator.js';
import type { Registries } from '../registry/registries.js';
import type { StoreWatch } from '../storage/store.js';
import { ApiError } from '../errors.js';
import { parseRequestInfo } from '../rest/request-info.js';
import type { RequestDigest } from './classify.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';

/**
 * API Priority and Fairness for the fastify app: creates kube's mandatory and suggested
 * FlowSchemas and PriorityLevelConfigurations at start, follows their changes (and keeps
 * each FlowSchema's Dangling condition), and, per request after authentication,
 * classifies it, tells the client with the X-Kubernetes-PF-* headers, and takes a seat,
 * queues or answers 429 with Retry-After (dispatcher.ts).
 */

export const PF_FLOWSCHEMA_HEADER = 'X-Kubernetes-PF-FlowSchema-UID';
export const PF_PRIORITY_LEVEL_HEADER = 'X-Kubernetes-PF-PriorityLevel-UID';
/** kube-apiserver's words and wait for a request it will not serve now. */
export const TOO_MANY_REQUESTS = 'Too many requests, please try again later.';
const RETRY_AFTER_SECONDS = 1;

export interface FlowControl {
  onRequest(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  start(): Promise<void>;
  stop(): void;
  readonly dispatcher: Dispatcher;
}

export function createFlowControl(opts: { registries: Registries; logger: Logger; clock: Clock; dispatcher?: DispatcherOptions }): FlowControl {
  const dispatcher = new Dispatcher(opts.dispatcher);
  const log = opts.logger.child({ component: 'apf' });
  const schemas = opts.registries.for(flowSchemaResource);
  const levels = opts.registries.for(priorityLevelConfigurationResource);
  const watches: StoreWatch[] = [];
  let stopped = false;
  let reloading: Promise<void> | undefined;
  let again = false;

  const reload = async (): Promise<void> => {
    const [fs, pl] = await Promise.all([schemas.list(undefined), levels.list(undefined)]);
    const plNames = new Set(pl.items.map((l) => l.metadata.name));
    dispatcher.configure(fs.items as FlowSchema[], pl.items as PriorityLevelConfiguration[]);
    // kube's configuration controller keeps status.conditions[Dangling] of every FlowSchema.
    for (const item of fs.items as FlowSchema[]) {
      const target = item.spec.priorityLevelConfiguration.name;
      const dangling = !plNames.has(target);
      const status = dangling ? 'True' : 'False';
      if (item.status?.conditions?.find((c) => c.type === 'Dangling')?.status === status) continue;
      const condition = {
        type: 'Dangling',
        status,
        lastTransitionTime: new Date(opts.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
        reason: dangling ? 'NotFound' : 'Found',
        message: dangling
          ? `This FlowSchema references the PriorityLevelConfiguration object named "${target}" but there is no such object`
          : `This FlowSchema references the PriorityLevelConfiguration object named "${target}" and it exists`,
      };
      await schemas
        .guaranteedUpdate(undefined, item.metadata.name!, (live) => {
          const fsLive = live as FlowSchema;
          fsLive.status = { conditions: [...(fsLive.status?.conditions ?? []).filter((c) => c.type !== 'Dangling'), condition] };
          return live;
        }, { subresource: 'status' })
        .catch((err: unknown) => log.debug({ err, flowSchema: item.metadata.name }, 'could not write Dangling condition'));
    }
  };
  /** Reloads after a change; changes during a reload cause one more. */
  const changed = (): void => {
    if (stopped) return;
    if (reloading) {
      again = true;
      return;
    }
    reloading = reload()
      .catch((err: unknown) => log.warn({ err }, 'flow control configuration reload failed'))
      .finally(() => {
        reloading = undefined;
        if (again) {
          again = false;
          changed();
        }
      });
  };

  return {
    dispatcher,
    async start() {
      for (const obj of [...MANDATORY_PRIORITY_LEVELS, ...SUGGESTED_PRIORITY_LEVELS]) await ensure(() => levels.create(undefined, structuredClone(obj) as KubeObject));
      for (const obj of [...MANDATORY_FLOW_SCHEMAS, ...SUGGESTED_FLOW_SCHEMAS]) await ensure(() => schemas.create(undefined, structuredClone(obj) as KubeObject));
      await reload();
      for (const reg of [schemas, levels]) {
        const list = await reg.list(undefined, { limit: 1 });
        watches.push(
          await reg.watch(undefined, { resourceVersion: list.resourceVersion }, { event: changed, bookmark: () => undefined, error: (err) => log.warn({ err: err.message }, 'flow control watch ended') }),
        );
      }
    },
    stop() {
      stopped = true;
      for (const w of watches) w.close();
    },
    async onRequest(req, reply) {
      const digest = digestOf(req);
      if (!digest) return;
      const path = req.url.split('?', 1)[0]!;
      const admission = dispatcher.admit(digest, isLongRunning(req.url, path, digest));
      if (admission.kind === 'unclassified') return;
      reply.header(PF_FLOWSCHEMA_HEADER, admission.classification.flowSchema.metadata.uid ?? '');
      reply.header(PF_PRIORITY_LEVEL_HEADER, admission.classification.priorityLevel.metadata.uid ?? '');
      let release: (() => void) | 'rejected';
      if (admission.kind === 'run') release = admission.release;
      else if (admission.kind === 'rejected') release = 'rejected';
      else release = await admission.ready;
      if (release === 'rejected') {
        reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
        throw new ApiError(429, 'TooManyRequests', TOO_MANY_REQUESTS, { retryAfterSeconds: RETRY_AFTER_SECONDS });
      }
      const done = release;
      reply.raw.once('close', done);
      reply.raw.once('finish', done);
    },
  };
}

/** The parts of a request that FlowSchemas match on; undefined before authentication. */
function digestOf(req: FastifyRequest): RequestDigest | undefined {
  const user = (req as FastifyRequest & { user?: UserInfo }).user;
  if (!user) return undefined;
  const [path, query = ''] = req.url.split('?', 2) as [string, string?];
  const watch = /(^|&)watch=([^&]*)/.exec(query);
  const info = parseRequestInfo(req.method, path, !!watch && watch[2] !== '0' && watch[2] !== 'false');
  const u = { username: user.username, groups: user.groups };
  if (info?.kind === 'resource') {
    return {
      user: u,
      resource: { verb: info.verb, apiGroup: info.group, resource: info.resource, ...(info.subresource ? { subresource: info.subresource } : {}), ...(info.namespace ? { namespace: info.namespace } : {}) },
    };
  }
  return { user: u, nonResource: { verb: req.method.toLowerCase(), path } };
}

/** Watches and streams (logs -f, exec, attach, port-forward, proxy) hold no seat, as kube's long-running requests. */
function isLongRunning(url: string, path: string, d: RequestDigest): boolean {
  if (d.resource?.verb === 'watch') return true;
  if (/\/(exec|attach|portforward|proxy)(\/|$)/.test(path)) return true;
  return /\/log$/.test(path) && /(^|[?&])follow=(?!0|false)/.test(url);
}

async function ensure(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (err instanceof ApiError && err.code === 409) return;
    throw err;
  }
}
