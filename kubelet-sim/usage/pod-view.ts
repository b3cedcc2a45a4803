import type { Pod } from '../../api/core/pod.js';
import { parseQuantityOr } from '../../api/quantity.js';
import { LOAD_PROFILE_ANNOTATION, parseLoadProfile, type LoadProfile } from './profile.js';
import type { PodView } from './usage-model.js';

/**
 * A running pod as the usage model sees it: containers with their requests, limits,
 * start time and load profile. The profile annotation is parsed once per pod uid and
 * annotation text (profileCache); a bad one is reported once through onBadProfile and the
 * containers keep their image's model.
 */

export interface ProfileCache {
  get(uid: string, text: string): { profile: LoadProfile } | { error: string } | undefined;
  set(uid: string, text: string, value: { profile: LoadProfile } | { error: string }): void;
}

export function createProfileCache(): ProfileCache & { forget(uid: string): void } {
  const m = new Map<string, { text: string; value: { profile: LoadProfile } | { error: string } }>();
  return {
    get: (uid, text) => {
      const e = m.get(uid);
      return e && e.text === text ? e.value : undefined;
    },
    set: (uid, text, value) => void m.set(uid, { text, value }),
    forget: (uid) => void m.delete(uid),
  };
}

export function podView(pod: Pod, startedAtMs: number, podStartMs: number, cache: ProfileCache, onBadProfile: (pod: Pod, message: string) => void): PodView {
  const uid = pod.metadata.uid ?? '';
  const text = pod.metadata.annotations?.[LOAD_PROFILE_ANNOTATION];
  let profile: LoadProfile | undefined;
  if (text !== undefined) {
    let parsed = cache.get(uid, text);
    if (!parsed) {
      parsed = parseLoadProfile(text);
      cache.set(uid, text, parsed);
      if ('error' in parsed) onBadProfile(pod, parsed.error);
    }
    if ('profile' in parsed) profile = parsed.profile;
  }
  return {
    uid,
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name ?? '',
    startedAtMs: podStartMs,
    containers: (pod.spec?.containers ?? []).map((c) => {
      const limits = c.resources?.limits ?? {};
      const requests = c.resources?.requests ?? {};
      const cpuLimit = limits['cpu'] !== undefined ? parseQuantityOr(limits['cpu']) : undefined;
      const memoryLimit = limits['memory'] !== undefined ? parseQuantityOr(limits['memory']) : undefined;
      return {
        name: c.name,
        image: c.image ?? '',
        startedAtMs,
        // A container with only a limit requests its limit (kube's defaulting).
        cpuRequest: parseQuantityOr(requests['cpu'] ?? limits['cpu'], 0),
        ...(cpuLimit !== undefined && cpuLimit > 0 ? { cpuLimit } : {}),
        ...(memoryLimit !== undefined && memoryLimit > 0 ? { memoryLimit } : {}),
        ...(profile && (profile.container === undefined || profile.container === c.name) ? { profile } : {}),
      };
    }),
  };
}
