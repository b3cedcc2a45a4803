import { hexId, imageIdOf, normalizeImage } from './ids.js';
import { hasBit, podImagePlan, type ImageContainer, type PodImagePlan } from './image-pull.js';

/**
 * The images on one simulated node: what its container runtime holds, so the first pod
 * using an image pulls it and later ones find it present (image-pull.ts decides), and
 * what the kubelet reports in node.status.images. Small on purpose: a Set of image
 * references (normalized, `nginx` = `docker.io/library/nginx:latest`) per node, and the
 * pulls in flight while there are any.
 */

/** kubelet's --node-status-max-images default: the biggest 50 images are reported. */
export const NODE_STATUS_MAX_IMAGES = 50;
/** kubelet reports at most 5 names (digests, then tags) per image. */
const MAX_NAMES_PER_IMAGE = 5;
/**
 * Beyond this many images the least recently used one is dropped, as kubelet's image
 * garbage collection frees disk. A guard against pathological input, not a disk model.
 */
export const IMAGE_CACHE_LIMIT = 200;

export interface NodeImage {
  names: string[];
  sizeBytes: number;
}

const entries = new Map<string, NodeImage>();
const sizes = new Map<string, number>();

/** A plausible, stable image size in bytes (10–200 MB), the same for every spelling of an image. */
export function imageSizeOf(image: string): number {
  const ref = normalizeImage(image);
  let size = sizes.get(ref);
  if (size === undefined) {
    size = 10_000_000 + (parseInt(hexId(`size:${ref}`, 8), 16) % 190_000_000);
    // A cluster runs few distinct images; the cap only bounds pathological input.
    if (sizes.size < 10_000) sizes.set(ref, size);
  }
  return size;
}

/** One node.status.images entry (digest name, then tag name), shared by every node that has the image. */
function nodeImageOf(ref: string): NodeImage {
  let entry = entries.get(ref);
  if (!entry) {
    const digest = imageIdOf(ref);
    const names = (digest === ref ? [ref] : [digest, ref]).slice(0, MAX_NAMES_PER_IMAGE);
    entry = Object.freeze({ names, sizeBytes: imageSizeOf(ref) }) as NodeImage;
    if (entries.size < 10_000) entries.set(ref, entry);
  }
  return entry;
}

export class ImageCache {
  /** Normalized references, least recently used first (a Set keeps insertion order). */
  private readonly refs = new Set<string>();
  /** Pulls under way: reference → when it lands. Created on the first pull, emptied as pulls land. */
  private pulls?: Map<string, number>;
  /** node.status.images for the current set; rebuilt after a change. */
  private report?: NodeImage[];

  /** `preloaded`: what the machine image already holds (the node template's images). */
  constructor(preloaded: Iterable<string> = []) {
    for (const image of preloaded) this.add(image);
  }

  get size(): number {
    return this.refs.size;
  }

  has(image: string): boolean {
    return this.refs.has(normalizeImage(image));
  }

  /** The node has the image (pulled, or found at start); marks it used now. */
  add(image: string): void {
    const ref = normalizeImage(image);
    if (ref === '') return;
    if (this.refs.delete(ref)) {
      this.refs.add(ref);
      return;
    }
    this.refs.add(ref);
    if (this.refs.size > IMAGE_CACHE_LIMIT) this.refs.delete(this.refs.values().next().value!);
    this.report = undefined;
  }

  /** When a pull of the image already under way lands, if one is (and has not landed by `now`). */
  pullEndsAt(image: string, now: number): number | undefined {
    const ref = normalizeImage(image);
    const end = this.pulls?.get(ref);
    if (end === undefined) return undefined;
    if (end > now) return end;
    this.pulls!.delete(ref);
    if (this.pulls!.size === 0) this.pulls = undefined;
    return undefined;
  }

  startPull(image: string, endsAt: number): void {
    (this.pulls ??= new Map()).set(normalizeImage(image), endsAt);
  }

  /** The images as kubelet reports them: biggest first, at most NODE_STATUS_MAX_IMAGES. */
  statusImages(): NodeImage[] {
    if (!this.report) {
      const all = [...this.refs].map(nodeImageOf);
      all.sort((a, b) => b.sizeBytes - a.sizeBytes || (a.names[0]! < b.names[0]! ? -1 : 1));
      this.report = all.slice(0, NODE_STATUS_MAX_IMAGES);
    }
    return this.report;
  }
}

/**
 * The names a node reported in status.images, as image references to seed a cache with
 * (a restarted simulator finds what its nodes already hold): the tag name of each entry,
 * else its first name.
 */
export function imagesFromStatus(images: ReadonlyArray<{ names?: string[] }> | undefined): string[] {
  const out: string[] = [];
  for (const img of images ?? []) {
    const names = img.names ?? [];
    const name = names.find((n) => !n.includes('@')) ?? names[0];
    if (name) out.push(name);
  }
  return out;
}

/** A pod's plan against the node's images (image-pull.ts), marking the present ones used. */
export function planPodImages(cache: ImageCache, containers: readonly ImageContainer[]): PodImagePlan {
  const plan = podImagePlan(containers, (image) => cache.has(image));
  for (const c of containers) if (c.image && cache.has(c.image)) cache.add(c.image);
  return plan;
}

/**
 * How long a pod's pull stage takes, given the stage's drawn delay: an image nobody on
 * the node is fetching takes `drawnMs` (and is registered as being pulled until then);
 * an image another pod is already pulling is joined, ready when that pull lands (the
 * runtime fetches content once). The pod waits for its slowest image.
 */
export function pullStageMs(cache: ImageCache, containers: readonly ImageContainer[], mask: number, drawnMs: number, now: number): number {
  let ms = 0;
  let fetching = false;
  containers.forEach((c, i) => {
    const image = c.image ?? '';
    if (!hasBit(mask, i) || cache.has(image)) return;
    fetching = true;
    const joined = cache.pullEndsAt(image, now);
    if (joined !== undefined) ms = Math.max(ms, joined - now);
    else {
      cache.startPull(image, now + drawnMs);
      ms = Math.max(ms, drawnMs);
    }
  });
  // Only registry round trips (Always with the image present): the stage's own delay.
  return fetching ? ms : drawnMs;
}

/** After the pull stage: the images the pod fetched are on the node. */
export function recordPulled(cache: ImageCache, containers: readonly ImageContainer[], mask: number): void {
  containers.forEach((c, i) => {
    if (hasBit(mask, i) && c.image) cache.add(c.image);
  });
}
