import type { FastifyReply } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import type { ListResult } from '../registry/generic-registry.js';
import type { Representation } from './negotiation.js';
import type { ResourceView } from '../request/resource-view.js';
import { buildTable, partialObjectMetadata } from './table.js';
import { storedJson } from '../registry/codec.js';

/** Writes a body as JSON or YAML. Every API answer goes through here or a Status. */
export function sendBody(reply: FastifyReply, code: number, body: unknown, format: 'json' | 'yaml' = 'json'): FastifyReply {
  // Buffers keep the Content-Type exactly as kube-apiserver writes it (fastify would add
  // `; charset=utf-8` to a string body).
  if (format === 'yaml') {
    return reply.code(code).header('content-type', 'application/yaml').send(Buffer.from(toYaml(body)));
  }
  return reply.code(code).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}

export function sendWarnings(reply: FastifyReply, warnings: string[]): void {
  if (warnings.length === 0) return;
  // Earlier warnings of the same request (a deprecated version) are kept.
  const prior = reply.getHeader('warning');
  const before = prior === undefined ? [] : Array.isArray(prior) ? prior.map(String) : [String(prior)];
  reply.header(
    'warning',
    [...before, ...warnings.map((w) => `299 - ${JSON.stringify(w)}`)],
  );
}

/**
 * Stored objects in the view's version: the conversion webhook is called once, whatever
 * the representation (kube converts before it builds a Table or metadata-only answer,
 * so a failing webhook fails those too).
 */
async function clientObjects(view: ResourceView, objs: KubeObject[]): Promise<KubeObject[]> {
  if (!view.callsOut) return objs;
  return view.toClientAll(objs);
}

/** One object in the representation the client asked for. */
export async function sendObject(reply: FastifyReply, code: number, view: ResourceView, obj: KubeObject, repr: Representation, now: number): Promise<FastifyReply> {
  if (view.callsOut) {
    const [converted] = await clientObjects(view, [obj]);
    if (repr.as === 'Table') return sendBody(reply, code, buildTable(view.rt, [obj], { resourceVersion: obj.metadata.resourceVersion }, repr, now, () => converted!));
    if (repr.as !== 'PartialObjectMetadata') return sendBody(reply, code, converted, repr.format);
  }
  if (repr.as === 'Table') {
    return sendBody(reply, code, buildTable(view.rt, [obj], { resourceVersion: obj.metadata.resourceVersion }, repr, now, view.toClient));
  }
  if (repr.as === 'PartialObjectMetadata') return sendBody(reply, code, partialObjectMetadata(obj, repr.version));
  if (repr.format === 'json' && view.group === view.rt.group && view.version === view.rt.version) {
    // A write's answer in the storage group and version (not events.k8s.io's view of core
    // Events, which has the same version): its stored text, not a second serialization.
    const text = storedJson(view.rt, obj);
    if (text !== undefined) return reply.code(code).header('content-type', 'application/json').send(Buffer.from(text));
  }
  return sendBody(reply, code, view.toClient(obj), repr.format);
}

function listMetadata(list: { resourceVersion: string; continue?: string; remainingItemCount?: number }): Record<string, unknown> {
  const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  return metadata;
}

/** A list whose items are already JSON text (Registry.listJson). */
export function sendJsonList(
  reply: FastifyReply,
  view: ResourceView,
  list: { items: string[]; resourceVersion: string; continue?: string; remainingItemCount?: number },
): FastifyReply {
  const head = `{"kind":${JSON.stringify(view.rt.listKind)},"apiVersion":${JSON.stringify(view.apiVersion)},"metadata":${JSON.stringify(listMetadata(list))},"items":[`;
  return reply.code(200).header('content-type', 'application/json').send(Buffer.from(`${head}${list.items.join(',')}]}`));
}

export async function sendList(reply: FastifyReply, view: ResourceView, list: ListResult, repr: Representation, now: number): Promise<FastifyReply> {
  const metadata = listMetadata(list);
  if (view.callsOut) {
    const converted = await clientObjects(view, list.items);
    if (repr.as === 'Table') {
      const byObject = new Map(list.items.map((o, i) => [o, converted[i]!]));
      return sendBody(reply, 200, buildTable(view.rt, list.items, { ...list }, repr, now, (o) => byObject.get(o)!));
    }
    if (repr.as !== 'PartialObjectMetadata') {
      return sendBody(reply, 200, { kind: view.rt.listKind, apiVersion: view.apiVersion, metadata, items: converted }, repr.format);
    }
  }
  if (repr.as === 'Table') {
    return sendBody(reply, 200, buildTable(view.rt, list.items, { ...list }, repr, now, view.toClient));
  }
  if (repr.as === 'PartialObjectMetadata') {
    return sendBody(reply, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${repr.version}`,
      metadata,
      items: list.items.map((o) => partialObjectMetadata(o, repr.version)),
    });
  }
  return sendBody(
    reply,
    200,
    { kind: view.rt.listKind, apiVersion: view.apiVersion, metadata, items: list.items.map(view.toClient) },
    repr.format,
  );
}

export function successStatus(details: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
