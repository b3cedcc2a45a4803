import { describe, expect, it } from 'vitest';
import type { Node } from '../api/core/node.js';
import { adoptionOf, NODE_INDEX_ANNOTATION, NODE_TEMPLATE_ANNOTATION } from './node-adoption.js';

const node = (annotations?: Record<string, string>, deleting = false): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'pool-abcde', ...(annotations ? { annotations } : {}), ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) } }) as Node;

describe('adoptionOf', () => {
  it('adopts a Node carrying a machine template, with its index', () => {
    const a = adoptionOf(node({ [NODE_TEMPLATE_ANNOTATION]: JSON.stringify({ capacity: { cpu: '4' }, zones: ['z1'] }), [NODE_INDEX_ANNOTATION]: '100007' }));
    expect(a).toMatchObject({ index: 100007, template: { capacity: { cpu: '4', memory: '32Gi' }, zones: ['z1'] } });
  });
  it('derives a stable index from the name when none is given', () => {
    const a = adoptionOf(node({ [NODE_TEMPLATE_ANNOTATION]: '{}' })) as { index: number };
    expect(a.index).toBe((adoptionOf(node({ [NODE_TEMPLATE_ANNOTATION]: '{}' })) as { index: number }).index);
    expect(a.index).toBeGreaterThanOrEqual(200_000);
  });
  it.each([
    { name: 'no annotation', n: node(), want: undefined },
    { name: 'being deleted', n: node({ [NODE_TEMPLATE_ANNOTATION]: '{}' }, true), want: undefined },
  ])('leaves alone: $name', ({ n, want }) => expect(adoptionOf(n)).toBe(want));
  it.each(['not json', '{"capacity": {"cpu": [1]}}'])('reports an unreadable template %s', (raw) => {
    expect(adoptionOf(node({ [NODE_TEMPLATE_ANNOTATION]: raw }))).toMatchObject({ error: expect.stringMatching(/^invalid kubeling.io\/node-template annotation: /) });
  });
});
