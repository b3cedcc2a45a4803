import { describe, expect, it } from 'vitest';
import { IMAGE_CACHE_LIMIT, ImageCache, imageSizeOf, imagesFromStatus, NODE_STATUS_MAX_IMAGES, planPodImages, pullStageMs, recordPulled } from './image-cache.js';
import { imageIdOf } from './ids.js';

const app = (image: string, imagePullPolicy?: string) => ({ name: 'app', image, imagePullPolicy });

describe('ImageCache', () => {
  it('knows an image by any spelling of its reference', () => {
    const cache = new ImageCache(['nginx']);
    expect(cache.has('docker.io/library/nginx:latest')).toBe(true);
    expect(cache.has('nginx:1.27')).toBe(false);
    cache.add('nginx:1.27');
    expect(cache.has('docker.io/library/nginx:1.27')).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('drops the least recently used image beyond its limit', () => {
    const cache = new ImageCache();
    for (let i = 0; i < IMAGE_CACHE_LIMIT; i++) cache.add(`img-${i}:1`);
    cache.add('img-0:1'); // used again: now the most recent
    cache.add('extra:1');
    expect(cache.size).toBe(IMAGE_CACHE_LIMIT);
    expect(cache.has('img-0:1')).toBe(true);
    expect(cache.has('img-1:1')).toBe(false);
  });

  it('reports the biggest 50 images with a digest and a tag name each', () => {
    const cache = new ImageCache();
    for (let i = 0; i < 60; i++) cache.add(`registry.example.com/app-${i}:1.0`);
    const report = cache.statusImages();
    expect(report).toHaveLength(NODE_STATUS_MAX_IMAGES);
    const sizes = report.map((r) => r.sizeBytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(report[0]!.names).toEqual([imageIdOf(report[0]!.names[1]!), report[0]!.names[1]]);
    expect(report[0]!.names[0]).toMatch(/^registry\.example\.com\/app-\d+@sha256:[0-9a-f]{64}$/);
    expect(cache.statusImages()).toBe(report); // unchanged set: the same list, not rebuilt
    cache.add('registry.example.com/app-0:1.0');
    expect(cache.statusImages()).toBe(report); // only used again
    cache.add('huge:1');
    expect(cache.statusImages()).not.toBe(report);
  });

  it('gives an image the same size under every spelling', () => {
    expect(imageSizeOf('nginx')).toBe(imageSizeOf('docker.io/library/nginx:latest'));
    expect(imageSizeOf('nginx')).toBeGreaterThanOrEqual(10_000_000);
    expect(imageSizeOf('nginx')).toBeLessThan(200_000_000);
  });

  it('seeds from a reported status (tag names preferred)', () => {
    expect(imagesFromStatus([{ names: ['docker.io/library/nginx@sha256:abc', 'docker.io/library/nginx:1.27'] }, { names: ['x@sha256:def'] }, {}])).toEqual([
      'docker.io/library/nginx:1.27',
      'x@sha256:def',
    ]);
    expect(imagesFromStatus(undefined)).toEqual([]);
  });
});

describe('pod image plans against a node', () => {
  it('the first pod pulls, a concurrent one joins its pull, later ones find the image present', () => {
    const cache = new ImageCache();
    const containers = [app('nginx:1.27')];
    const first = planPodImages(cache, containers);
    expect(first).toEqual({ plan: 'pull', mask: 1 });
    expect(pullStageMs(cache, containers, first.mask, 1500, 1000)).toBe(1500);
    // 500 ms later another pod wants it: it lands with the first pull, 1 s from now.
    const second = planPodImages(cache, containers);
    expect(second.plan).toBe('pull');
    expect(pullStageMs(cache, containers, second.mask, 1900, 1500)).toBe(1000);
    recordPulled(cache, containers, first.mask);
    expect(planPodImages(cache, containers)).toEqual({ plan: 'present', mask: 0 });
    expect(planPodImages(cache, [app('nginx:1.27', 'Always')])).toEqual({ plan: 'refresh', mask: 1 });
  });

  it('a pull that landed without being recorded (its pod went) is not joined', () => {
    const cache = new ImageCache();
    const containers = [app('redis:7')];
    expect(pullStageMs(cache, containers, 1, 1000, 0)).toBe(1000);
    expect(pullStageMs(cache, containers, 1, 1200, 5000)).toBe(1200);
  });

  it('a refresh (Always, image present) takes the stage delay as drawn', () => {
    const cache = new ImageCache(['nginx:1.27']);
    expect(pullStageMs(cache, [app('nginx:1.27', 'Always')], 1, 150, 0)).toBe(150);
  });
});
