import { describe, expect, it } from 'vitest';
import {
  alreadyPresentMessage,
  hasBit,
  imageDecision,
  neverPullMessage,
  podImagePlan,
  podImageContainers,
  pullPolicyOf,
  withBit,
  type ImagePlan,
  type PullPolicy,
} from './image-pull.js';

describe('imageDecision (golden: policy × image on the node → plan)', () => {
  const cases: Array<[PullPolicy, boolean, ImagePlan]> = [
    ['IfNotPresent', false, 'pull'],
    ['IfNotPresent', true, 'present'],
    ['Always', false, 'pull'],
    ['Always', true, 'refresh'],
    ['Never', false, 'never-missing'],
    ['Never', true, 'present'],
  ];
  it.each(cases)('%s, present=%s → %s', (policy, present, plan) => {
    expect(imageDecision(policy, present)).toBe(plan);
  });
});

describe('pullPolicyOf', () => {
  it.each([
    [{ name: 'a', image: 'nginx:1.27', imagePullPolicy: 'Never' }, 'Never'],
    [{ name: 'a', image: 'nginx:1.27' }, 'IfNotPresent'],
    [{ name: 'a', image: 'nginx' }, 'Always'],
    [{ name: 'a', image: 'nginx:latest' }, 'Always'],
    [{ name: 'a', image: 'nginx@sha256:abc' }, 'IfNotPresent'],
    [{ name: 'a', image: 'nginx:1.27', imagePullPolicy: 'Sometimes' }, 'IfNotPresent'],
  ])('%j → %s (the apiserver default when unset)', (c, policy) => {
    expect(pullPolicyOf(c)).toBe(policy);
  });
});

describe('podImagePlan (the slowest container decides; Never blocks)', () => {
  const onNode = new Set(['nginx:1.27', 'busybox:1.36']);
  const present = (image: string) => onNode.has(image);
  const c = (image: string, imagePullPolicy?: string) => ({ name: image.split(':')[0]!, image, imagePullPolicy });
  const cases: Array<[string, ReturnType<typeof c>[], ImagePlan, number[]]> = [
    ['all cached', [c('nginx:1.27'), c('busybox:1.36')], 'present', []],
    ['one missing', [c('nginx:1.27'), c('redis:7')], 'pull', [1]],
    ['Always cached', [c('nginx:1.27', 'Always'), c('busybox:1.36')], 'refresh', [0]],
    ['Always cached + missing', [c('nginx:1.27', 'Always'), c('redis:7')], 'pull', [0, 1]],
    ['Never missing blocks', [c('redis:7'), c('app:2', 'Never')], 'never-missing', [1]],
    ['Never present', [c('nginx:1.27', 'Never')], 'present', []],
    ['no containers', [], 'present', []],
  ];
  it.each(cases)('%s', (_name, containers, plan, bits) => {
    const got = podImagePlan(containers, present);
    expect(got.plan).toBe(plan);
    expect(containers.map((_x, i) => i).filter((i) => hasBit(got.mask, i))).toEqual(bits);
  });

  it('orders init containers before containers', () => {
    const spec = { initContainers: [{ name: 'init', image: 'redis:7' }], containers: [{ name: 'app', image: 'nginx:1.27' }] };
    expect(podImageContainers(spec).map((x) => x.name)).toEqual(['init', 'app']);
    expect(podImagePlan(podImageContainers(spec), present)).toEqual({ plan: 'pull', mask: 1 });
  });
});

describe('mask bits', () => {
  it('tells apart more than 32 containers', () => {
    let mask = 0;
    for (const i of [0, 5, 31, 32, 40, 52]) mask = withBit(mask, i);
    expect(withBit(mask, 40)).toBe(mask);
    expect([0, 1, 5, 31, 32, 33, 40, 52, 53].map((i) => hasBit(mask, i))).toEqual([true, false, true, true, true, false, true, true, false]);
    expect(hasBit(undefined, 0)).toBe(false);
  });
});

describe('kubelet messages', () => {
  it('match pkg/kubelet/images', () => {
    expect(alreadyPresentMessage('nginx:1.27')).toBe('Container image "nginx:1.27" already present on machine');
    expect(neverPullMessage('app:2')).toBe('Container image "app:2" is not present with pull policy of Never');
  });
});
