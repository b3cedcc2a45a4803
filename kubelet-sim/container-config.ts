import type { ConfigMap } from '../api/core/configmap.js';
import type { Container } from '../api/core/container.js';
import type { Pod } from '../api/core/pod.js';
import type { Secret } from '../api/core/secret.js';

/**
 * What a container sees of its configuration, computed as the kubelet does
 * (kubelet_pods.go makeEnvironmentVariables, and the configMap/secret/downwardAPI volume
 * plugins): the environment from env values, valueFrom and envFrom, and the files of
 * configMap, secret and downwardAPI volumes. Pure, over the objects the caller looked
 * up; a missing ConfigMap/Secret or key (not optional) is kube's CreateContainerConfigError
 * with kube's message. The simulated shell reads these for `env` and `cat FILE`.
 */

export interface ConfigSources {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

export type EnvResult = { ok: true; env: Map<string, string> } | { ok: false; reason: 'CreateContainerConfigError'; message: string };

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** Downward API fields (fieldRef): metadata.name/namespace/uid, labels/annotations['k'], spec.nodeName, status.podIP… */
export function podFieldValue(pod: Pod, path: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (pod.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]!] ?? '';
  const format = (rec: Record<string, string> | undefined) =>
    Object.keys(rec ?? {})
      .sort()
      .map((k) => `${k}="${rec![k]}"`)
      .join('\n');
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return format(pod.metadata.labels);
    case 'metadata.annotations':
      return format(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((p) => p.ip).join(',');
    default:
      return undefined;
  }
}

/** The container's environment, in kube's order: envFrom first, then env (later wins), `$(VAR)` expanded. */
export function resolveContainerEnv(pod: Pod, container: Container, sources: ConfigSources): EnvResult {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  const fail = (message: string): EnvResult => ({ ok: false, reason: 'CreateContainerConfigError', message });
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = sources.configMap(ns, from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        return fail(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env.set(prefix + k, v);
    }
    if (from.secretRef) {
      const s = sources.secret(ns, from.secretRef.name ?? '');
      if (!s) {
        if (from.secretRef.optional) continue;
        return fail(`secret "${from.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env.set(prefix + k, decode(v));
    }
  }
  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env.set(e.name, expand(e.value ?? '', env));
      continue;
    }
    if (vf.fieldRef) {
      env.set(e.name, podFieldValue(pod, vf.fieldRef.fieldPath) ?? '');
    } else if (vf.resourceFieldRef) {
      env.set(e.name, resourceFieldValue(pod, container, vf.resourceFieldRef.resource, vf.resourceFieldRef.containerName));
    } else if (vf.configMapKeyRef) {
      const ref = vf.configMapKeyRef;
      const cm = sources.configMap(ns, ref.name ?? '');
      if (!cm) {
        if (ref.optional) continue;
        return fail(`configmap "${ref.name}" not found`);
      }
      const v = cm.data?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        return fail(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
      }
      env.set(e.name, v);
    } else if (vf.secretKeyRef) {
      const ref = vf.secretKeyRef;
      const s = sources.secret(ns, ref.name ?? '');
      if (!s) {
        if (ref.optional) continue;
        return fail(`secret "${ref.name}" not found`);
      }
      const v = s.data?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        return fail(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      }
      env.set(e.name, decode(v));
    }
  }
  return { ok: true, env };
}

function expand(text: string, env: Map<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m: string, name?: string) => (m === '$$' ? '$' : (env.get(name!) ?? m)));
}

/** resourceFieldRef: limits/requests of cpu (whole cores, rounded up) and memory (bytes), as strings. */
function resourceFieldValue(pod: Pod, container: Container, resource: string, containerName?: string): string {
  const c = containerName ? (pod.spec?.containers.find((x) => x.name === containerName) ?? container) : container;
  const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
  const raw = c.resources?.[kind]?.[name];
  if (raw === undefined) return name === 'cpu' ? '1' : '0';
  const s = String(raw);
  if (name === 'cpu') return String(Math.max(1, Math.ceil(s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s))));
  const units: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(s);
  return m ? String(Math.round(Number(m[1]) * (units[m[2]!] ?? 1))) : s;
}

/**
 * The files a configMap/secret/downwardAPI volume holds, path → content: every key, or
 * only `items` (key → path), as the volume plugins write them. undefined when a required
 * source is missing (the pod stays ContainerCreating in kube, with FailedMount).
 */
export function volumeFiles(pod: Pod, volumeName: string, sources: ConfigSources): Map<string, string> | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const vol = pod.spec?.volumes?.find((v) => v.name === volumeName) as
    | { configMap?: { name?: string; items?: Array<{ key: string; path: string }>; optional?: boolean }; secret?: { secretName?: string; items?: Array<{ key: string; path: string }>; optional?: boolean }; downwardAPI?: { items?: Array<{ path: string; fieldRef?: { fieldPath: string } }> } }
    | undefined;
  if (!vol) return undefined;
  const pick = (data: Record<string, string>, items: Array<{ key: string; path: string }> | undefined) => {
    const out = new Map<string, string>();
    if (items) for (const it of items) out.set(it.path, data[it.key] ?? '');
    else for (const [k, v] of Object.entries(data)) out.set(k, v);
    return out;
  };
  if (vol.configMap) {
    const cm = sources.configMap(ns, vol.configMap.name ?? '');
    if (!cm) return vol.configMap.optional ? new Map() : undefined;
    return pick(cm.data ?? {}, vol.configMap.items);
  }
  if (vol.secret) {
    const s = sources.secret(ns, vol.secret.secretName ?? '');
    if (!s) return vol.secret.optional ? new Map() : undefined;
    const data = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)]));
    return pick(data, vol.secret.items);
  }
  if (vol.downwardAPI) {
    const out = new Map<string, string>();
    for (const it of vol.downwardAPI.items ?? []) if (it.fieldRef) out.set(it.path, podFieldValue(pod, it.fieldRef.fieldPath) ?? '');
    return out;
  }
  return new Map();
}
