import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KubeObject } from '../../api/types.js';
import type { StoreWatch } from '../storage/store.js';
import type { WatchEventType } from '../registry/generic-registry.js';
import { toApiError, type ApiError } from '../errors.js';
import { watchResource } from '../request/handlers.js';
import { negotiate } from './negotiation.js';
import { boolParam, intParam, param, type Query } from './query.js';
import type { ResourceView } from '../request/resource-view.js';
import type { RestContext } from './resource-handler.js';
import { buildTable, partialObjectMetadata } from './table.js';
import { parseWatchListOptions } from './watch-options.js';

const serialized = new WeakMap<KubeObject, Map<string, string>>();

/** The annotation on the bookmark that ends a watch's initial events (sendInitialEvents=true). */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * Serves `?watch=true` as kube-apiserver does: a 200 response streaming one JSON watch
 * event per line. Errors before the stream starts are ordinary Status responses (e.g. 410
 * for a compacted resourceVersion); errors after it are ERROR events, then the stream ends.
 */
export async function serveWatch(
  ctx: RestContext,
  req: FastifyRequest,
  reply: FastifyReply,
  view: ResourceView,
  namespace: string | undefined,
  name: string | undefined,
): Promise<void> {
  const q = req.query as Query;
  const repr = negotiate(req.headers.accept, param(q, 'includeObject'), true);
  const bookmarks = boolParam(q, 'allowWatchBookmarks');
  const { sendInitialEvents } = parseWatchListOptions(q);
  const timeoutSeconds = intParam(q, 'timeoutSeconds');
  // Kubernetes ends watches after a random 30-60 minutes (--min-request-timeout) unless asked sooner.
  const timeoutMs = (timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : 1800 + Math.floor(Math.random() * 1800)) * 1000;

  let started = false;
  let closed = false;
  let firstTableEvent = true;
  let lastBookmark = ctx.clock.now();
  const pending: string[] = [];
  let handle: StoreWatch | undefined;
  let timer: NodeJS.Timeout | undefined;
  const raw = reply.raw;

  const encode = (type: WatchEventType | 'ERROR', obj: unknown): string => JSON.stringify({ type, object: obj }) + '\n';
  // Objects are shared by every watcher of an event: serialize each once per version.
  const encodeShared = (type: WatchEventType, obj: KubeObject): string => {
    let byVersion = serialized.get(obj);
    if (!byVersion) serialized.set(obj, (byVersion = new Map()));
    let json = byVersion.get(view.apiVersion);
    if (json === undefined) byVersion.set(view.apiVersion, (json = JSON.stringify(view.toClient(obj))));
    return `{"type":"${type}","object":${json}}\n`;
  };
  const write = (line: string): void => {
    if (closed) return;
    if (!started) pending.push(line);
    else raw.write(line);
  };
  const finish = (): void => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    handle?.close();
    if (started) raw.end();
  };

  const render = (type: WatchEventType, obj: KubeObject, converted?: KubeObject): unknown => {
    const toClient = converted ? () => converted : view.toClient;
    if (repr.as === 'Table' && type !== 'BOOKMARK') {
      const table = buildTable(view.rt, [obj], { resourceVersion: obj.metadata.resourceVersion }, { ...repr, noHeaders: !firstTableEvent }, ctx.clock.now(), toClient);
      firstTableEvent = false;
      return table;
    }
    if (repr.as === 'PartialObjectMetadata') return partialObjectMetadata(obj, repr.version);
    return toClient(obj);
  };

  // A kind converted by a webhook: each event waits for its conversion, in order (later
  // events and bookmarks queue behind it); a failed conversion ends the watch with an ERROR.
  let chain: Promise<void> = Promise.resolve();
  const inOrder = (produce: () => Promise<string | undefined> | string | undefined): void => {
    if (!view.callsOut) {
      const line = produce() as string | undefined;
      if (line !== undefined) write(line);
      return;
    }
    chain = chain
      .then(async () => {
        if (closed) return;
        const line = await produce();
        if (line !== undefined) write(line);
      })
      .catch((err: unknown) => {
        write(encode('ERROR', toApiError(err).toStatus()));
        finish();
      });
  };
  const eventLine = (type: WatchEventType, obj: KubeObject): Promise<string> | string => {
    if (!view.callsOut) return repr.as === 'object' && repr.format === 'json' ? encodeShared(type, obj) : encode(type, render(type, obj));
    return view.toClientAll([obj]).then(([converted]) => encode(type, render(type, obj, converted)));
  };

  handle = await watchResource(
    ctx,
    view,
    namespace,
    name,
    { labelSelector: param(q, 'labelSelector'), fieldSelector: param(q, 'fieldSelector'), resourceVersion: param(q, 'resourceVersion'), sendInitialEvents },
    {
      event: (type, obj) => inOrder(() => eventLine(type, obj)),
      bookmark: (rv) => {
        if (!bookmarks) return;
        const now = ctx.clock.now();
        if (now - lastBookmark < ctx.bookmarkIntervalMs) return;
        lastBookmark = now;
        inOrder(() => encode('BOOKMARK', { kind: view.rt.kind, apiVersion: view.apiVersion, metadata: { resourceVersion: rv } }));
      },
      initialEventsEnd: (rv) => {
        // Always sent (not subject to the bookmark interval) when bookmarks are allowed:
        // it tells a streaming-list client that its cache is complete.
        if (!bookmarks) return;
        lastBookmark = ctx.clock.now();
        const metadata = { resourceVersion: rv, annotations: { [INITIAL_EVENTS_END]: 'true' } };
        inOrder(() => encode('BOOKMARK', { kind: view.rt.kind, apiVersion: view.apiVersion, metadata }));
      },
      error: (err: ApiError) => {
        inOrder(() => {
          write(encode('ERROR', err.toStatus()));
          finish();
          return undefined;
        });
      },
    },
  );

  reply.hijack();
  raw.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  raw.socket?.setNoDelay?.(true);
  // Send the headers now: a client waits for them before it reads any event. (In-process
  // injected requests have no socket to flush.)
  if (raw.socket) raw.flushHeaders();
  started = true;
  for (const line of pending) raw.write(line);
  pending.length = 0;
  if (closed) {
    raw.end();
    handle.close();
    return;
  }
  timer = setTimeout(finish, timeoutMs);
  timer.unref();
  req.raw.on('close', finish);
  raw.on('close', finish);
}
