import type { Pod } from '../api/core/pod.js';
import { podFieldValue, type ConfigSources } from './container-config.js';

/**
 * What the kubelet's configMap, secret, downwardAPI and projected volume plugins put in a
 * volume (the files, by path relative to the mount), or why MountVolume.SetUp fails, in
 * kube's words: `configmap "y" not found`, `secret "y" not found`, `configmap references
 * non-existent config key: k`. A missing source marked `optional: true` gives an empty
 * volume (or leaves out its part of a projected one). Pure, over the caller's lookups.
 */

export type VolumeContent = { ok: true; files: Map<string, string> } | { ok: false; message: string };

type Items = Array<{ key: string; path: string }> | undefined;
interface Ref {
  name?: string;
  items?: Items;
  optional?: boolean;
}
interface VolumeLike {
  name: string;
  configMap?: Ref;
  secret?: Ref & { secretName?: string };
  downwardAPI?: { items?: Array<{ path: string; fieldRef?: { fieldPath: string } }> };
  projected?: {
    sources?: Array<{ configMap?: Ref; secret?: Ref; downwardAPI?: { items?: Array<{ path: string; fieldRef?: { fieldPath: string } }> }; serviceAccountToken?: { path: string } }>;
  };
}

/** apiserver/admission/service-account.ts's VOLUME_PREFIX (kubelet-sim does not import the apiserver). */
const API_ACCESS_PREFIX = 'kube-api-access-';

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

function pick(data: Record<string, string>, items: Items, optional: boolean | undefined, missingKey: (k: string) => string): VolumeContent {
  const files = new Map<string, string>();
  if (!items) {
    for (const [k, v] of Object.entries(data)) files.set(k, v);
    return { ok: true, files };
  }
  for (const it of items) {
    const v = data[it.key];
    if (v === undefined) {
      if (optional) continue;
      return { ok: false, message: missingKey(it.key) };
    }
    files.set(it.path, v);
  }
  return { ok: true, files };
}

function configMapPart(pod: Pod, ref: Ref, sources: ConfigSources): VolumeContent {
  const name = ref.name ?? '';
  const cm = sources.configMap(pod.metadata.namespace ?? 'default', name);
  if (!cm) return ref.optional ? { ok: true, files: new Map() } : { ok: false, message: `configmap "${name}" not found` };
  const data = { ...Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, decode(v as string)])), ...(cm.data ?? {}) };
  return pick(data, ref.items, ref.optional, (k) => `configmap references non-existent config key: ${k}`);
}

function secretPart(pod: Pod, name: string, ref: Ref, sources: ConfigSources): VolumeContent {
  const s = sources.secret(pod.metadata.namespace ?? 'default', name);
  if (!s) return ref.optional ? { ok: true, files: new Map() } : { ok: false, message: `secret "${name}" not found` };
  const data = { ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)])), ...(s.stringData ?? {}) };
  return pick(data, ref.items, ref.optional, (k) => `references non-existent secret key: ${k}`);
}

function downwardPart(pod: Pod, d: NonNullable<VolumeLike['downwardAPI']>): VolumeContent {
  const files = new Map<string, string>();
  for (const it of d.items ?? []) if (it.fieldRef) files.set(it.path, podFieldValue(pod, it.fieldRef.fieldPath) ?? '');
  return { ok: true, files };
}

/** The content of the pod's volume `name`; undefined for a volume of another type (emptyDir, PVC…) or none. */
export function volumeContent(pod: Pod, volumeName: string, sources: ConfigSources): VolumeContent | undefined {
  const vol = pod.spec?.volumes?.find((v) => v.name === volumeName) as VolumeLike | undefined;
  if (!vol) return undefined;
  if (vol.configMap) return configMapPart(pod, vol.configMap, sources);
  if (vol.secret) return secretPart(pod, vol.secret.secretName ?? '', vol.secret, sources);
  if (vol.downwardAPI) return downwardPart(pod, vol.downwardAPI);
  if (vol.projected) {
    const files = new Map<string, string>();
    const errors: string[] = [];
    // The ServiceAccount admission's kube-api-access-* volume names kube-root-ca.crt, which
    // only the optional root CA publisher writes here: never block a pod on it.
    const apiAccess = vol.name.startsWith(API_ACCESS_PREFIX);
    for (const src of vol.projected.sources ?? []) {
      let part: VolumeContent | undefined;
      if (src.configMap) part = configMapPart(pod, apiAccess ? { ...src.configMap, optional: true } : src.configMap, sources);
      else if (src.secret) part = secretPart(pod, src.secret.name ?? '', src.secret, sources);
      else if (src.downwardAPI) part = downwardPart(pod, src.downwardAPI);
      // A token the simulated apiserver never issued: a placeholder JWT-shaped value.
      else if (src.serviceAccountToken) part = { ok: true, files: new Map([[src.serviceAccountToken.path, simulatedToken(pod)]]) };
      if (!part) continue;
      if (!part.ok) errors.push(part.message);
      else for (const [k, v] of part.files) files.set(k, v);
    }
    if (errors.length === 1) return { ok: false, message: errors[0]! };
    if (errors.length > 1) return { ok: false, message: `[${errors.join(', ')}]` };
    return { ok: true, files };
  }
  return undefined;
}

function simulatedToken(pod: Pod): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sa = pod.spec?.serviceAccountName ?? 'default';
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: `system:serviceaccount:${pod.metadata.namespace ?? 'default'}:${sa}`, 'kubernetes.io': { simulated: true } })}.`;
}

/** Whether kube mounts this volume read-only whatever the mount says (the API data volumes). */
export function alwaysReadOnly(pod: Pod, volumeName: string): boolean {
  const vol = pod.spec?.volumes?.find((v) => v.name === volumeName) as VolumeLike | undefined;
  return Boolean(vol && (vol.configMap || vol.secret || vol.downwardAPI || vol.projected));
}

/**
 * The volumes the kubelet cannot set up for the pod, with the FailedMount message
 * (`MountVolume.SetUp failed for volume "x" : configmap "y" not found`); empty when all mount.
 */
export function mountFailures(pod: Pod, sources: ConfigSources): Array<{ volume: string; message: string }> {
  const out: Array<{ volume: string; message: string }> = [];
  for (const v of pod.spec?.volumes ?? []) {
    const c = volumeContent(pod, v.name, sources);
    if (c && !c.ok) out.push({ volume: v.name, message: `MountVolume.SetUp failed for volume "${v.name}" : ${c.message}` });
  }
  return out;
}
