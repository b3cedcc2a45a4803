import { describe, expect, it } from 'vitest';
import { makePod } from '../testing/builders.js';
import { podMarkedNotReady } from './pod-ready.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('podMarkedNotReady', () => {
  it('sets Ready=False with a new transition time', () => {
    const pod = makePod('p').on('n1').ready('True').obj();
    const next = podMarkedNotReady(pod, 'n1', T)!;
    expect(next.status!.conditions).toEqual([{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T12:00:00Z' }]);
    expect(pod.status!.conditions![0]!.status).toBe('True');
  });

  it.each([
    { name: 'already not ready', pod: makePod('p').on('n1').ready('False').obj() },
    { name: 'no Ready condition', pod: makePod('p').on('n1').obj() },
    { name: 'on another node', pod: makePod('p').on('n2').ready('True').obj() },
  ])('leaves a pod alone: $name', ({ pod }) => {
    expect(podMarkedNotReady(pod, 'n1', T)).toBeUndefined();
  });
});
