import { parseLoadProfile, type LoadProfile } from './profile.js';

/**
 * The usage model per image, as data: the idle baseline of a container of that image and
 * an optional load profile every container of the image follows. The CPU and memory each
 * served request costs come with the request (network/'s traffic model, ServedRequest).
 * Unknown images get DEFAULT_IMAGE_USAGE.
 */

export interface ImageUsage {
  /** Cores used idle. */
  idleCpu: number;
  /** Bytes of working set idle. */
  idleMemory: number;
  profile?: LoadProfile;
}

export const DEFAULT_IMAGE_USAGE: ImageUsage = { idleCpu: 0.001, idleMemory: 4 * 2 ** 20 };

/** Repository name (no registry host, no tag or digest) → usage. */
export const IMAGE_USAGE: Readonly<Record<string, ImageUsage>> = {
  // kube's HPA walkthrough image: php-apache, ~10 MiB idle.
  'hpa-example': { idleCpu: 0.001, idleMemory: 10 * 2 ** 20 },
  nginx: { idleCpu: 0.001, idleMemory: 3 * 2 ** 20 },
  busybox: { idleCpu: 0, idleMemory: 512 * 1024 },
  pause: { idleCpu: 0, idleMemory: 256 * 1024 },
  redis: { idleCpu: 0.002, idleMemory: 3 * 2 ** 20 },
  coredns: { idleCpu: 0.002, idleMemory: 12 * 2 ** 20 },
  // A demo image that burns CPU on a slow wave (e.g. for HPA demos without traffic).
  'kubeling/cpu-wave': { idleCpu: 0.001, idleMemory: 8 * 2 ** 20, profile: (parseLoadProfile('{type: sine, cpu: 300m, amplitude: 250m, period: 5m}') as { profile: LoadProfile }).profile },
};

/** `registry.k8s.io/hpa-example:latest` → `hpa-example`; `docker.io/library/nginx` → `nginx`. */
export function repositoryOf(image: string): string {
  let s = image.split('@')[0]!;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  const parts = s.split('/');
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/');
}

export function imageUsage(image: string, table: Readonly<Record<string, ImageUsage>> = IMAGE_USAGE): ImageUsage {
  const repo = repositoryOf(image);
  return table[repo] ?? table[repo.split('/').pop()!] ?? DEFAULT_IMAGE_USAGE;
}
