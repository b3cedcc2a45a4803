import type { Container, ContainerPort } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import { trafficModels, type ListenPort, type RouteAnswer, type TrafficModel } from './traffic-models.js';

/**
 * Which simulated container of a pod answers on a port, and what it answers: the data in
 * traffic-models.ts applied to a pod. Pure.
 */

export interface ImageRef {
  /** Without docker.io/library defaults, tag or digest: `nginx`, `gcr.io/google-samples/kubernetes-bootcamp`. */
  readonly repository: string;
  readonly tag: string;
}

export function parseImage(image: string): ImageRef {
  let rest = image;
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  let tag = 'latest';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (rest.startsWith('docker.io/')) rest = rest.slice('docker.io/'.length);
  if (rest.startsWith('index.docker.io/')) rest = rest.slice('index.docker.io/'.length);
  if (rest.startsWith('library/')) rest = rest.slice('library/'.length);
  return { repository: rest, tag };
}

const modelCache = new Map<string, TrafficModel>();

export function modelFor(image: string): TrafficModel {
  let m = modelCache.get(image);
  if (!m) {
    const repo = parseImage(image).repository;
    m = trafficModels.find((t) => t.image.test(repo)) ?? trafficModels[trafficModels.length - 1]!;
    if (modelCache.size > 10_000) modelCache.clear();
    modelCache.set(image, m);
  }
  return m;
}

/** The ports a container listens on: its image's model (agnhost honours --http-port), else what it declares. */
export function listeningPorts(container: Container): readonly ListenPort[] {
  const model = modelFor(container.image ?? '');
  if (model.listen === 'declared') {
    return (container.ports ?? []).map((p: ContainerPort) => ({ port: p.containerPort, protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP', speaks: 'http' }) as ListenPort);
  }
  if (model.name === 'agnhost') {
    const flag = [...(container.command ?? []), ...(container.args ?? [])].map((a) => /^--http-port=(\d+)$/.exec(a)).find(Boolean);
    if (flag) return [{ port: Number(flag[1]), protocol: 'TCP', speaks: 'http' }];
  }
  return model.listen;
}

export interface ListeningContainer {
  readonly container: Container;
  readonly model: TrafficModel;
  readonly listen: ListenPort;
}

/** The container of `pod` listening on port/protocol, if any (a pod shares one network namespace). */
export function containerListening(pod: Pod, port: number, protocol: 'TCP' | 'UDP' | 'SCTP'): ListeningContainer | undefined {
  for (const c of pod.spec?.containers ?? []) {
    const l = listeningPorts(c).find((p) => p.port === port && p.protocol === protocol);
    if (l) return { container: c, model: modelFor(c.image ?? ''), listen: l };
  }
  return undefined;
}

/** A container port's number by name (targetPort / NetworkPolicy named ports). */
export function namedPort(pod: Pod, name: string): { port: number; protocol: string } | undefined {
  for (const c of pod.spec?.containers ?? []) {
    const p = c.ports?.find((x) => x.name === name);
    if (p) return { port: p.containerPort, protocol: p.protocol ?? 'TCP' };
  }
  return undefined;
}

export function chooseRoute(model: TrafficModel, port: number, path: string): RouteAnswer | undefined {
  const routes = model.routes[String(port)] ?? model.routes['*'] ?? [];
  let best: RouteAnswer | undefined;
  for (const r of routes) {
    if (r.exact) {
      if (r.path === path) return r;
      continue;
    }
    if (path.startsWith(r.path) && (!best || r.path.length > best.path.length)) best = r;
  }
  return best;
}

export interface TemplateValues {
  readonly pod: string;
  readonly namespace: string;
  readonly node: string;
  readonly container: string;
  readonly image: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly clientIP: string;
  readonly clientPort: number;
  readonly serverIP: string;
  readonly serverPort: number;
  readonly host: string;
  /** The request headers, built only when the template prints them. */
  readonly headers: () => Readonly<Record<string, string>>;
  readonly nowMs: number;
}

/** The tag's number for {{version}}: v1 → 1, 1.27 → 1.27, latest → 1. */
function versionOf(image: string): string {
  const tag = parseImage(image).tag;
  const m = /^v?(\d+(?:\.\d+)*)/.exec(tag);
  return m ? m[1]! : '1';
}

export function renderTemplate(template: string, v: TemplateValues): string {
  if (!template.includes('{{')) return template;
  return template.replace(/\{\{([a-zA-Z.]+)\}\}/g, (_all, name: string) => {
    switch (name) {
      case 'pod':
        return v.pod;
      case 'namespace':
        return v.namespace;
      case 'node':
        return v.node;
      case 'container':
        return v.container;
      case 'image':
        return v.image;
      case 'version':
        return versionOf(v.image);
      case 'method':
        return v.method;
      case 'path':
        return v.path;
      case 'query':
        return v.query;
      case 'clientIP':
        return v.clientIP;
      case 'clientPort':
        return String(v.clientPort);
      case 'serverIP':
        return v.serverIP;
      case 'serverPort':
        return String(v.serverPort);
      case 'host':
        return v.host;
      case 'now':
        return new Date(v.nowMs).toISOString().replace(/\.\d+Z$/, 'Z');
      case 'headers':
        return Object.entries(v.headers())
          .map(([k, val]) => `\t${k.toLowerCase()}=${val}`)
          .join('\n');
      default:
        if (name.startsWith('query.')) return new URLSearchParams(v.query).get(name.slice(6)) ?? '';
        return '';
    }
  });
}
