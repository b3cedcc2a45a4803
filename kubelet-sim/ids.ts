import { createHash } from 'node:crypto';

/** Deterministic ids: the same pod, container and restart always get the same container ID. */

/** A stable hex id derived from a seed (container IDs, machine IDs, image digests). */
export function hexId(seed: string, length = 64): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}#${i}`).digest('hex');
  return out.slice(0, length);
}

/** A stable UUID-shaped id derived from a seed. */
export function uuidOf(seed: string): string {
  const h = hexId(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * An image reference as containerd reports it in containerStatuses[].image: registry,
 * `library/` for Docker Hub official images, and a tag (`nginx` → `docker.io/library/nginx:latest`).
 */
export function normalizeImage(image: string): string {
  let ref = image.trim();
  if (ref === '') return ref;
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!hasRegistry) ref = `docker.io/${slash < 0 ? 'library/' : ''}${ref}`;
  const name = ref.split('@')[0]!;
  const lastSlash = name.lastIndexOf('/');
  if (!ref.includes('@') && !name.slice(lastSlash + 1).includes(':')) ref += ':latest';
  return ref;
}

const imageIds = new Map<string, string>();

/** containerStatuses[].imageID: the repository with a digest (stable per image reference). */
export function imageIdOf(image: string): string {
  const cached = imageIds.get(image);
  if (cached) return cached;
  const ref = normalizeImage(image);
  let id = ref;
  if (!ref.includes('@')) {
    const name = ref.slice(0, ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref.lastIndexOf(':') : ref.length);
    id = `${name}@sha256:${hexId(`image:${ref}`)}`;
  }
  // A cluster runs few distinct images; the cap only guards against pathological input.
  if (imageIds.size < 10_000) imageIds.set(image, id);
  return id;
}

/** `containerd://<64 hex>` for one run of one container of one pod. */
export function containerIdOf(podUid: string, container: string, restartCount: number): string {
  return `containerd://${hexId(`container:${podUid}/${container}/${restartCount}`)}`;
}

/** The pod sandbox id (what CNI errors name). */
export function sandboxIdOf(podUid: string, attempt: number): string {
  return hexId(`sandbox:${podUid}/${attempt}`);
}
