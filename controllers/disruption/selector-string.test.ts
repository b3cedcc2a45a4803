import { describe, expect, it } from 'vitest';
import { protoLabelSelectorString } from './selector-string.js';

describe('protoLabelSelectorString', () => {
  it.each([
    [undefined, 'nil'],
    [{}, '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}'],
    [{ matchLabels: { b: '2', a: '1' } }, '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{},}'],
    [
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] },
      '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[web db],},},}',
    ],
  ])('%j', (sel, out) => expect(protoLabelSelectorString(sel)).toBe(out));
});
